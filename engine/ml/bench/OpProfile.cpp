#include "engine/ml/bench/OpProfile.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <vector>
#if __has_include(<torch/csrc/autograd/profiler_legacy.h>)
#include <torch/csrc/autograd/profiler_legacy.h>
#define LIMNER_HAVE_LEGACY_PROFILER 1
#endif

namespace limner::engine::ml {

#ifdef LIMNER_HAVE_LEGACY_PROFILER
namespace {

namespace profiler = torch::autograd::profiler;

struct Total {
    double selfUs = 0;
    long calls = 0;
};

std::string shapesOf(const profiler::LegacyEvent& e) {
    std::string s;
    for (const std::vector<std::int64_t>& shape : e.shapes()) {
        if (shape.empty())
            continue;
        s += s.empty() ? "[" : " [";
        for (std::size_t i = 0; i < shape.size(); ++i)
            s += (i ? "," : "") + std::to_string(shape[i]);
        s += "]";
    }
    return s;
}

void print(const std::map<std::string, Total>& totals, double wholeUs, const char* heading,
           std::ostream& out, int top) {
    std::vector<std::pair<std::string, Total>> rows(totals.begin(), totals.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.selfUs > b.second.selfUs; });
    out << heading << "\n";
    char line[96];
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < top; ++i) {
        std::snprintf(line, sizeof line, "  %9.1f ms %5.1f%% %6ld calls  ", rows[i].second.selfUs / 1e3,
                      wholeUs > 0 ? 100.0 * rows[i].second.selfUs / wholeUs : 0.0,
                      rows[i].second.calls);
        out << line << rows[i].first << "\n";
    }
}

} // namespace

void OpProfile::run(const std::function<void()>& call, std::ostream& out, int top) {
    profiler::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(
        torch::profiler::impl::ProfilerState::CPU, /*report_input_shapes=*/true));
    try {
        call();
    } catch (...) {
        profiler::disableProfilerLegacy();
        throw;
    }
    const profiler::thread_event_lists lists = profiler::disableProfilerLegacy();

    std::map<std::string, Total> byName, byShape;
    double wholeUs = 0;
    for (const std::vector<profiler::LegacyEvent>& events : lists) {
        struct Open {
            const profiler::LegacyEvent* push;
            double childUs;
        };
        std::vector<Open> stack;
        for (const profiler::LegacyEvent& e : events) {
            if (e.kind() == profiler::EventKind::PushRange) {
                stack.push_back({&e, 0.0});
            } else if (e.kind() == profiler::EventKind::PopRange && !stack.empty()) {
                const Open open = stack.back();
                stack.pop_back();
                const double us = open.push->cpuElapsedUs(e);
                const double self = std::max(0.0, us - open.childUs);
                if (stack.empty())
                    wholeUs += us;
                else
                    stack.back().childUs += us;
                Total& n = byName[open.push->name()];
                n.selfUs += self, ++n.calls;
                Total& s = byShape[std::string(open.push->name()) + " " + shapesOf(*open.push)];
                s.selfUs += self, ++s.calls;
            }
        }
    }
    char line[80];
    std::snprintf(line, sizeof line, "profile: %.1f ms in libtorch operators", wholeUs / 1e3);
    out << line << "\n";
    print(byName, wholeUs, "self time by operator:", out, top);
    print(byShape, wholeUs, "self time by operator and input shapes:", out, top);
    out.flush();
}
#else
void OpProfile::run(const std::function<void()>& call, std::ostream& out, int) {
    call();
    out << "profile: this libtorch has no legacy profiler header; no operator times\n";
}
#endif

} // namespace limner::engine::ml
