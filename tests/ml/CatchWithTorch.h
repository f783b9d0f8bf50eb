#pragma once

// libtorch pulls in glog (or c10's replacement), whose CHECK(condition) aborts the process and
// silently replaces Catch's CHECK. Every ml test includes this header LAST so that CHECK is
// Catch's assertion again: a failed CHECK must be reported and counted, not crash the run.
#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#undef CHECK
#define CHECK(...)                                                                                     \
    INTERNAL_CATCH_TEST("CHECK", Catch::ResultDisposition::ContinueOnFailure, __VA_ARGS__)
