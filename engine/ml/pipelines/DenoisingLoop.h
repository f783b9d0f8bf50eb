#pragma once

#include "engine/core/Status.h"
#include "engine/ml/schedulers/Scheduler.h"

#include <ATen/core/Tensor.h>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

class CandidateNoise;
class LatentPreview;
struct InpaintCallbacks;
struct InpaintParameters;
struct InpaintTrace;

// The denoising steps both inpainting families share: the scheduler and the strength (which
// steps run), the initial latents, and the loop with its cancellation, progress, previews and
// the re-imposition of the known picture.
//
// Where the picture may change is a strength map on the latent grid, in [0, 1]. A binary map is
// the classic inpainting mask. A soft map is differential diffusion (Levin & Fried, 2024): with
// n steps to run, a pixel of strength s follows the model only in the last s · n of them; before
// that it is re-imposed at every step from the known picture noised to the step's timestep. So
// s = 1 is regenerated fully, s = 0 never, and s = 0.3 is changed about as img2img at strength
// 0.3 would change it — continuously, inside one run, with the model seeing the whole picture.
// An inpainting UNet is told, at each step, only where the picture is free then (Predict).
// (Thresholds at the steps' noise levels instead of step fractions were measured on limner-mini
// and rejected: with per-step holes, strengths below 0.55 then changed nothing at all.)
//
// Usage (one run per object):
//     DenoisingLoop loop;
//     if (Status s = loop.prepare(config, source, parameters); !s) return s;
//     loop.setRegion(strength, knownLatents, DenoisingLoop::Reimpose::Always);
//     Status s = loop.run(parameters, callbacks, noise, initialNoise, predict, preview, trace,
//                         latents);
class DenoisingLoop {
public:
    // When the loop writes the known picture back, after each step, into every pixel not free
    // at the next step (strength 0 always).
    enum class Reimpose {
        // Models that see only the latents (4-channel SD UNets, Kandinsky's decoder as diffusers
        // runs it).
        Always,
        // Only for a soft map: 9-channel SD UNets keep a binary mask's known region through
        // their mask input, as diffusers' inpainting pipeline leaves it to them.
        WhenSoft,
    };

    // The model's prediction for the scaled latents [batch, c, h, w] (batch doubled for
    // guidance: [uncond; cond]) at the timestep (a scalar on the latents' device), guidance
    // applied, in what the scheduler steps with: [candidates, c', h, w] float32. hole
    // [1, 1, h, w] is where the picture is free to change at this step: changeMask() for a
    // binary map; for a soft one it grows step by step, and an inpainting UNet is told only that
    // much, so it composes what it paints inside the strong part and touches the faint part
    // only in the last, low-noise steps (told the whole soft region, it centred its object on
    // it and then could not finish the faint half: blocky, half-drawn patches).
    using Predict = std::function<at::Tensor(const at::Tensor& scaledLatents,
                                             const at::Tensor& timestep, const at::Tensor& hole)>;

    // Builds the scheduler (SchedulerChoice) and picks the steps the strength keeps.
    Status prepare(const nlohmann::json& schedulerConfig, const std::string& schedulerSource,
                   const InpaintParameters& parameters);

    // strength [1, 1, h, w] float32 on the latent grid; known [1, c, h, w] float32 (the encoded
    // picture), needed when anything is re-imposed or the strength parameter is below 1.
    void setRegion(const at::Tensor& strength, const at::Tensor& known, Reimpose reimpose);

    // The mask a model input is conditioned on: 1 wherever the picture may change at all.
    at::Tensor changeMask() const;
    bool isSoft() const { return m_soft; }

    // Runs the steps from initial noise [candidates, c, h, w] (before init_noise_sigma). On
    // success latents holds the final latents [candidates, c, h, w]. preview may be null.
    Status run(const InpaintParameters& parameters, const InpaintCallbacks& callbacks,
               CandidateNoise& noise, const at::Tensor& initialNoise, const Predict& predict,
               const LatentPreview* preview, InpaintTrace* trace, at::Tensor& latents);

    Scheduler& scheduler() { return *m_scheduler; }
    int firstStep() const { return m_first; }
    int stepCount() const { return m_total - m_first; }

    // True when a strength map has levels strictly between 0 and 1 (one device sync).
    static bool hasSoftLevels(const at::Tensor& strength);
    // Where a strength map may change at a step whose threshold is given, as a 0/1 map.
    static at::Tensor freeAt(const at::Tensor& strength, double threshold);
    // The threshold of each step to run, (n - 1 - k) / n, and last that of the picture after
    // them (0): strengths above it are free. Below 1, so a strength of 1 is free throughout.
    const std::vector<double>& thresholds() const { return m_thresholds; }

private:
    at::Tensor knownAt(int stepIndex, const at::Tensor& initialNoise) const;
    at::Tensor reimposed(const at::Tensor& latents, int nextStep, const at::Tensor& initialNoise) const;

    std::unique_ptr<Scheduler> m_scheduler;
    at::Tensor m_timesteps;
    int m_first = 0;
    int m_total = 0;
    bool m_fullStrength = true;
    at::Tensor m_strength;
    at::Tensor m_known;
    Reimpose m_reimpose = Reimpose::Always;
    std::vector<double> m_thresholds;
    bool m_soft = false;
};

} // namespace limner::engine::ml
