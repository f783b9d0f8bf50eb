#include "engine/ml/pipelines/DenoisingLoop.h"

#include "engine/ml/pipelines/CandidateNoise.h"
#include "engine/ml/pipelines/InpaintCallbacks.h"
#include "engine/ml/pipelines/InpaintParameters.h"
#include "engine/ml/pipelines/InpaintTrace.h"
#include "engine/ml/pipelines/LatentPreview.h"
#include "engine/ml/pipelines/SchedulerChoice.h"

#include <ATen/ATen.h>
#include <algorithm>

namespace limner::engine::ml {

Status DenoisingLoop::prepare(const nlohmann::json& schedulerConfig, const std::string& schedulerSource,
                              const InpaintParameters& p) {
    if (Status s =
            SchedulerChoice::create(schedulerConfig, schedulerSource, p.scheduler, p.eta, m_scheduler);
        !s)
        return s;
    if (Status s = m_scheduler->setTimesteps(p.steps); !s)
        return s;
    m_timesteps = m_scheduler->timesteps();
    m_total = static_cast<int>(m_timesteps.size(0));
    // get_timesteps: strength keeps the last int(steps · strength) steps.
    const int kept = std::min(static_cast<int>(p.steps * p.strength), p.steps);
    m_first = std::max(p.steps - kept, 0);
    if (m_first >= m_total)
        return Status::badInput("strength " + std::to_string(p.strength) + " with " +
                                std::to_string(p.steps) +
                                " steps leaves no step to run; raise the strength or the steps");
    m_fullStrength = p.strength >= 1.0;
    // Differential diffusion's thresholds: at step k of n, strengths above (n - 1 - k) / n.
    m_thresholds.clear();
    const int n = m_total - m_first;
    for (int k = 0; k < n; ++k)
        m_thresholds.push_back(static_cast<double>(n - 1 - k) / n);
    m_thresholds.push_back(0.0);
    return Status::ok();
}

void DenoisingLoop::setRegion(const at::Tensor& strength, const at::Tensor& known, Reimpose reimpose) {
    m_strength = strength;
    m_known = known;
    m_reimpose = reimpose;
    m_soft = hasSoftLevels(strength);
}

bool DenoisingLoop::hasSoftLevels(const at::Tensor& strength) {
    return ((strength > 0) & (strength < 1)).any().item<bool>();
}

at::Tensor DenoisingLoop::changeMask() const {
    return (m_strength > 0).to(m_strength.scalar_type());
}

at::Tensor DenoisingLoop::freeAt(const at::Tensor& strength, double threshold) {
    return (strength > threshold).to(strength.scalar_type());
}

at::Tensor DenoisingLoop::knownAt(int stepIndex, const at::Tensor& initialNoise) const {
    // The known region is re-noised with the initial noise before init_noise_sigma: diffusers
    // uses the scaled copy, which is the same for DDPM/DDIM (sigma 1) but wrong by that factor
    // for the sigma-parameterised samplers.
    return stepIndex < m_total ? m_scheduler->addNoise(m_known, initialNoise,
                                                       m_timesteps.slice(0, stepIndex, stepIndex + 1))
                               : m_known;
}

at::Tensor DenoisingLoop::reimposed(const at::Tensor& latents, int nextStep,
                                    const at::Tensor& initialNoise) const {
    if (m_reimpose == Reimpose::WhenSoft && !m_soft)
        return latents; // the model's mask input keeps the known picture
    // A binary map takes the same arithmetic, bit for bit, as before soft masks.
    const at::Tensor keep =
        m_soft ? 1 - freeAt(m_strength, m_thresholds[static_cast<std::size_t>(nextStep - m_first)])
               : 1 - m_strength;
    return keep * knownAt(nextStep, initialNoise) + (1 - keep) * latents;
}

Status DenoisingLoop::run(const InpaintParameters& p, const InpaintCallbacks& callbacks,
                          CandidateNoise& noise, const at::Tensor& initialNoise, const Predict& predict,
                          const LatentPreview* preview, InpaintTrace* trace, at::Tensor& latents) {
    const bool guided = p.guidanceScale > 1.0;
    const at::Tensor deviceTimesteps = m_timesteps.to(initialNoise.device());
    latents = m_fullStrength ? initialNoise * m_scheduler->initNoiseSigma()
                             : m_scheduler->addNoise(m_known, initialNoise,
                                                     m_timesteps.slice(0, m_first, m_first + 1));
    const at::IntArrayRef row = initialNoise.sizes().slice(1);
    if (trace)
        trace->knownLatents = m_known;
    // Where the finished candidates show the known picture, for previews.
    const at::Tensor keepAtEnd = (m_reimpose == Reimpose::Always || m_soft) && m_known.defined()
                                     ? 1 - changeMask()
                                     : at::Tensor();
    // A binary map's hole is the same at every step.
    const at::Tensor binaryHole = m_soft ? at::Tensor() : changeMask();
    for (int i = m_first; i < m_total; ++i) {
        if (callbacks.cancel && callbacks.cancel->load())
            return Status::cancelled();
        const at::Tensor x =
            m_scheduler->scaleModelInput(guided ? at::cat({latents, latents}) : latents, i);
        const at::Tensor hole =
            m_soft ? freeAt(m_strength, m_thresholds[static_cast<std::size_t>(i - m_first)])
                   : binaryHole;
        const at::Tensor prediction = predict(x, deviceTimesteps[i], hole);
        const at::Tensor stepNoise =
            m_scheduler->drawsNoise(i) ? noise.draw(row).to(latents.options()) : at::Tensor();
        SchedulerStep step;
        if (Status s = m_scheduler->step(prediction, i, latents, stepNoise, step); !s)
            return s;
        latents = reimposed(step.prevSample, i + 1, initialNoise);
        if (trace)
            trace->latentsPerStep.push_back(latents);
        if (callbacks.progress) {
            InpaintProgress progress;
            progress.step = i - m_first + 1;
            progress.total = m_total - m_first;
            if (preview && callbacks.previewEvery > 0 && progress.step % callbacks.previewEvery == 0) {
                at::Tensor predicted =
                    step.predOriginalSample.defined() ? step.predOriginalSample : latents;
                if (keepAtEnd.defined())
                    predicted = keepAtEnd * m_known + (1 - keepAtEnd) * predicted;
                progress.preview = preview->render(predicted);
            }
            callbacks.progress(progress);
        }
    }
    return Status::ok();
}

} // namespace limner::engine::ml
