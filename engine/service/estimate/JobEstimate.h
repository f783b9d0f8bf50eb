#pragma once

#include <cstdint>
#include <string>

namespace limner::engine {

// What a job will cost before it runs (Engine::estimate): memory from the model's size and the
// size it runs at, time from the speed measured on this device. Every figure is "about".
struct JobEstimate {
    bool applies = false; // false for classical fills: they need no model and little memory
    std::string device;   // "CPU" or "GPU"
    std::string dtype;    // "float32", "float16", "bfloat16": what the model runs in
    int width = 0;        // the size the model runs at (the region is resized to it)
    int height = 0;
    int batch = 1; // candidates made together (one at a time when a batch would not fit)
    std::uint64_t weightBytes = 0;     // the weights the job reads, in the run's dtype
    std::uint64_t modelBytes = 0;      // those that stay loaded after it (not the image tower)
    std::uint64_t activationBytes = 0; // the run's working memory at its batch
    std::uint64_t hostBytes = 0;       // peak of the computer's memory during the job
    std::uint64_t deviceBytes = 0;     // peak of the GPU's memory (0 on the CPU)
    double seconds = 0;
    bool secondsKnown = false; // false until the device's speed is known (probe or first job)
    bool firstGuess = false;   // the time comes from a matrix-multiply probe, not from a job run
    bool fits = true;
    std::string advice; // when it does not fit: what it needs, what is free, and what to change
};

} // namespace limner::engine
