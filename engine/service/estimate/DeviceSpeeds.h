#pragma once

#include <map>
#include <string>

namespace limner::engine {

// The speeds measured on this computer, by what a job runs on ("cpu/float32", "cuda/float16"):
//   gemm <run>               matrix products per second of a short probe (FLOP/s)
//   step <run>               seconds per denoising step per megapixel per billion UNet
//                            parameters per batch row, from jobs of large models
//   step <run> <backend>     the same, from this model's jobs
//   other <run> <backend>    seconds per candidate outside the denoising loop (text, prior,
//                            autoencoder) of this model
//   load <run>               bytes of model folder read per second when a model loads
// A figure is 0 until measured. A new measurement is averaged with the one before, so one
// slow job (another program busy) moves the estimate halfway. Thread-safe. Kept for the
// program's life; the app saves records() and restores them when it starts.
class DeviceSpeeds {
public:
    static double get(const std::string& key);
    static void record(const std::string& key, double value);
    static std::map<std::string, double> records();
    // Adds saved records (non-finite and non-positive values are dropped).
    static void restore(const std::map<std::string, double>& records);
    static void clear();

    static std::string gemmKey(const std::string& run) { return "gemm " + run; }
    static std::string stepKey(const std::string& run) { return "step " + run; }
    static std::string modelStepKey(const std::string& run, const std::string& backend) {
        return "step " + run + " " + backend;
    }
    static std::string otherKey(const std::string& run, const std::string& backend) {
        return "other " + run + " " + backend;
    }
    static std::string loadKey(const std::string& run) { return "load " + run; }
};

} // namespace limner::engine
