#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace limner::engine::ml::train {

// The weights of one component being trained: the very tensors (by state_dict name) that a
// module built with load() from `weights` computes with, as autograd leaves.
//
//     Trainable movq = Trainable::fresh(seed, [](const StateDict& w) { VqModel m; ... load(w) });
//     VqModel model; VqModel::load(config, movq.weights, kCPU, kFloat, model);  // shares tensors
struct Trainable {
    StateDict weights;

    // Runs build() in a RandomWeightScope that records what it hands out, then applies the
    // training initialisation: norm weights 1, biases 0, other tensors N(0, 1/fan_in) as drawn.
    static Trainable fresh(std::uint64_t seed, const std::function<Status(const StateDict&)>& build);
    // Loads the weights of a component folder's safetensors file (for a later stage's frozen
    // inputs, or to go on training).
    static Status fromFile(const std::string& path, Trainable& out);

    void setTrainable(bool on);
    std::int64_t parameterCount() const;
    // The weights sorted by name, for writing.
    std::vector<std::pair<std::string, at::Tensor>> sorted() const;
};

// AdamW (decoupled weight decay on tensors of rank >= 2) with global gradient-norm clipping.
class AdamW {
public:
    AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, double weightDecay = 0.01,
          double beta1 = 0.9, double beta2 = 0.99, double clip = 1.0);
    // Returns the gradient norm before clipping; clears the gradients.
    double step(double lr);
    std::int64_t steps() const { return m_steps; }

    // Moments under "m:<name>", "v:<name>"; the step count goes into the metadata by the caller.
    void appendState(std::vector<std::pair<std::string, at::Tensor>>& out) const;
    void restoreState(const StateDict& tensors, std::int64_t steps);

private:
    std::vector<std::pair<std::string, at::Tensor>> m_parameters;
    std::vector<at::Tensor> m_first, m_second;
    double m_weightDecay, m_beta1, m_beta2, m_clip;
    std::int64_t m_steps = 0;
};

// Where a stage stands, kept in <work>/<stage>.checkpoint.safetensors: every weight ("w:"), the
// optimiser's moments, and metadata (step, seconds spent).
struct Checkpoint {
    static Status save(const std::string& path, const std::map<std::string, const Trainable*>& parts,
                       const AdamW& optimiser, std::int64_t step, double seconds);
    // Returns NotFound when there is no checkpoint yet (start afresh).
    static Status load(const std::string& path, const std::map<std::string, Trainable*>& parts,
                       AdamW& optimiser, std::int64_t& step, double& seconds);
};

// Learning rate: linear warm-up over `warmup` steps, then cosine decay to 10 % as `progress`
// (the larger of the step and time fractions of the stage's budget) goes from 0 to 1.
double learningRate(double peak, std::int64_t step, std::int64_t warmup, double progress);

} // namespace limner::engine::ml::train
