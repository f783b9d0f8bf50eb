#pragma once

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

namespace limner::engine::ml {

// How the runner asks a kind to execute: model kinds load weights and inputs in this dtype on
// this device; outputs are compared in float32 on the CPU whatever was asked.
struct ParityOptions {
    c10::Device device = c10::Device(c10::kCPU);
    c10::ScalarType dtype = c10::kFloat;
};

} // namespace limner::engine::ml
