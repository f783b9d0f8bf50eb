#include "engine/ml/train/Trainable.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/RandomWeightScope.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <c10/core/GradMode.h>
#include <cmath>

namespace limner::engine::ml::train {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

Trainable Trainable::fresh(std::uint64_t seed, const std::function<Status(const StateDict&)>& build) {
    Trainable t;
    {
        RandomWeightScope random(seed);
        random.recordInto(&t.weights);
        const StateDict empty;
        (void)build(empty);
    }
    c10::NoGradGuard noGrad;
    for (auto& [name, tensor] : t.weights) {
        const bool norm =
            name.find("norm") != std::string::npos || name.find("ln_") != std::string::npos;
        if (endsWith(name, "bias"))
            tensor.zero_();
        else if (norm && endsWith(name, "weight") && tensor.dim() == 1)
            tensor.fill_(1.0);
    }
    t.setTrainable(true);
    return t;
}

Status Trainable::fromFile(const std::string& path, Trainable& out) {
    Safetensors file;
    if (Status s = Safetensors::open(path, file); !s)
        return s;
    Trainable t;
    if (Status s = file.loadAll(t.weights, at::kFloat); !s)
        return s;
    out = std::move(t);
    return Status::ok();
}

void Trainable::setTrainable(bool on) {
    for (auto& [name, tensor] : weights)
        tensor.requires_grad_(on);
}

std::int64_t Trainable::parameterCount() const {
    std::int64_t n = 0;
    for (const auto& [name, tensor] : weights)
        n += tensor.numel();
    return n;
}

std::vector<std::pair<std::string, at::Tensor>> Trainable::sorted() const {
    std::vector<std::pair<std::string, at::Tensor>> out(weights.begin(), weights.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, double weightDecay,
             double beta1, double beta2, double clip)
    : m_parameters(std::move(parameters))
    , m_weightDecay(weightDecay)
    , m_beta1(beta1)
    , m_beta2(beta2)
    , m_clip(clip) {
    for (const auto& [name, p] : m_parameters) {
        m_first.push_back(at::zeros_like(p).detach());
        m_second.push_back(at::zeros_like(p).detach());
    }
}

double AdamW::step(double lr) {
    c10::NoGradGuard noGrad;
    double squares = 0;
    for (const auto& [name, p] : m_parameters) {
        if (p.grad().defined())
            squares += p.grad().pow(2).sum().item<double>();
    }
    const double norm = std::sqrt(squares);
    const double scale = (std::isfinite(norm) && norm > m_clip) ? m_clip / norm : 1.0;
    if (!std::isfinite(norm)) {
        for (auto& [name, p] : m_parameters)
            p.mutable_grad() = at::Tensor();
        return norm; // a non-finite gradient is skipped, not applied
    }
    ++m_steps;
    const double c1 = 1 - std::pow(m_beta1, static_cast<double>(m_steps));
    const double c2 = 1 - std::pow(m_beta2, static_cast<double>(m_steps));
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        at::Tensor& p = m_parameters[i].second;
        if (!p.grad().defined())
            continue;
        const at::Tensor g = p.grad() * scale;
        m_first[i].mul_(m_beta1).add_(g, 1 - m_beta1);
        m_second[i].mul_(m_beta2).addcmul_(g, g, 1 - m_beta2);
        if (p.dim() >= 2 && m_weightDecay > 0)
            p.mul_(1 - lr * m_weightDecay);
        const at::Tensor denominator = (m_second[i] / c2).sqrt_().add_(1e-8);
        p.addcdiv_(m_first[i], denominator, -lr / c1);
        p.mutable_grad() = at::Tensor();
    }
    return norm;
}

void AdamW::appendState(std::vector<std::pair<std::string, at::Tensor>>& out) const {
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        out.emplace_back("m:" + m_parameters[i].first, m_first[i]);
        out.emplace_back("v:" + m_parameters[i].first, m_second[i]);
    }
}

void AdamW::restoreState(const StateDict& tensors, std::int64_t steps) {
    c10::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        const auto m = tensors.find("m:" + m_parameters[i].first);
        const auto v = tensors.find("v:" + m_parameters[i].first);
        if (m != tensors.end() && m->second.sizes() == m_first[i].sizes())
            m_first[i].copy_(m->second);
        if (v != tensors.end() && v->second.sizes() == m_second[i].sizes())
            m_second[i].copy_(v->second);
    }
    m_steps = steps;
}

Status Checkpoint::save(const std::string& path, const std::map<std::string, const Trainable*>& parts,
                        const AdamW& optimiser, std::int64_t step, double seconds) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [part, trainable] : parts) {
        for (const auto& [name, tensor] : trainable->sorted())
            tensors.emplace_back("w:" + part + ":" + name, tensor.detach());
    }
    optimiser.appendState(tensors);
    return Safetensors::write(path, tensors,
                              {{"step", std::to_string(step)},
                               {"optimiser_steps", std::to_string(optimiser.steps())},
                               {"seconds", std::to_string(seconds)}});
}

Status Checkpoint::load(const std::string& path, const std::map<std::string, Trainable*>& parts,
                        AdamW& optimiser, std::int64_t& step, double& seconds) {
    Safetensors file;
    if (Status s = Safetensors::open(path, file); !s)
        return Status::notFound(s.message());
    StateDict all;
    if (Status s = file.loadAll(all, at::kFloat); !s)
        return s;
    c10::NoGradGuard noGrad;
    for (auto& [part, trainable] : parts) {
        for (auto& [name, tensor] : trainable->weights) {
            const auto it = all.find("w:" + part + ":" + name);
            if (it == all.end() || it->second.sizes() != tensor.sizes())
                return Status::modelFormat(path + " does not hold '" + name + "' of " + part +
                                           " in its current shape; delete it to start afresh");
            tensor.copy_(it->second);
        }
    }
    const auto number = [&](const char* key) {
        const auto it = file.metadata().find(key);
        return it == file.metadata().end() ? std::string("0") : it->second;
    };
    step = std::stoll(number("step"));
    seconds = std::stod(number("seconds"));
    optimiser.restoreState(all, std::stoll(number("optimiser_steps")));
    return Status::ok();
}

double learningRate(double peak, std::int64_t step, std::int64_t warmup, double progress) {
    if (step < warmup)
        return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
    const double p = std::clamp(progress, 0.0, 1.0);
    return peak * (0.1 + 0.9 * 0.5 * (1 + std::cos(3.14159265358979323846 * p)));
}

} // namespace limner::engine::ml::train
