#include "engine/ml/pipelines/parity/PipelineParityKinds.h"

#include "engine/ml/nn/StateDict.h"
#include "engine/ml/nn/VqModel.h"
#include "engine/ml/parity/ParityFixture.h"
#include "engine/ml/parity/ParityOptions.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityResult.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/PipelineFolder.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <cmath>

namespace limner::engine::ml {

namespace {

// The fixture's inputs and expected outputs, compared as the runner requires.
class PipelineFixture {
public:
    PipelineFixture(const ParityFixture& fixture, ParityResult& result)
        : m_fixture(fixture)
        , m_result(result) {}

    Status input(const std::string& name, at::Tensor& out) const { return m_fixture.input(name, out); }

    void compare(const std::string& name, const at::Tensor& got) {
        if (!m_fixture.hasOutput(name))
            return;
        at::Tensor expected;
        if (Status s = m_fixture.output(name, expected); !s) {
            m_result.fail(s.message());
            return;
        }
        if (!got.defined()) {
            m_result.fail(name + " was not produced");
            return;
        }
        const bool exact = m_fixture.isExactOutput(name) || !expected.is_floating_point();
        const at::Tensor g = got.detach().to(at::kCPU);
        m_result.compare(name, exact ? g.reshape(expected.sizes()) : g.to(at::kFloat), expected,
                         m_fixture.atol(), m_fixture.rtol(), exact);
    }

    // manifest.call, with the defaults of the diffusers call where a key is absent.
    InpaintParameters parameters(double defaultGuidance) const {
        const nlohmann::json call = m_fixture.manifest().value("call", nlohmann::json::object());
        InpaintParameters p;
        p.steps = call.value("num_inference_steps", 50);
        p.guidanceScale = call.value("guidance_scale", defaultGuidance);
        p.eta = call.value("eta", 0.0);
        p.strength = call.value("strength", 1.0);
        p.prompt = call.value("prompt", std::string());
        p.negativePrompt = call.value("negative_prompt", std::string());
        return p;
    }

    // As compare(), widened per element by `allowance` (see ParityResult::compareWithAllowance).
    void compareWithAllowance(const std::string& name, const at::Tensor& got,
                              const at::Tensor& allowance) {
        if (!m_fixture.hasOutput(name))
            return;
        at::Tensor expected;
        if (Status s = m_fixture.output(name, expected); !s) {
            m_result.fail(s.message());
            return;
        }
        m_result.compareWithAllowance(name, got.detach().to(at::kCPU).to(at::kFloat), expected,
                                      m_fixture.atol(), m_fixture.rtol(), allowance);
    }

private:
    const ParityFixture& m_fixture;
    ParityResult& m_result;
};

Status loadPipeline(const ParityFixture& fixture, const ParityOptions& options,
                    std::unique_ptr<InpaintPipeline>& pipeline) {
    return InpaintPipeline::load(fixture.directory(), options.device, options.dtype, pipeline);
}

Status runStableDiffusion(const ParityFixture& fixture, const ParityOptions& options,
                          ParityResult& result) {
    PipelineFixture f(fixture, result);
    std::unique_ptr<InpaintPipeline> pipeline;
    if (Status s = loadPipeline(fixture, options, pipeline); !s)
        return s;
    InpaintTensors in;
    for (const auto& [name, tensor] : {std::pair<const char*, at::Tensor*>{"image", &in.image},
                                       {"mask_image", &in.mask},
                                       {"latents", &in.initialNoise},
                                       {"vae_encode_noise", &in.vaeEncodeNoise}}) {
        if (Status s = f.input(name, *tensor); !s)
            return s;
    }
    InpaintParameters p = f.parameters(7.5);
    p.candidates = static_cast<int>(in.initialNoise.size(0));
    InpaintOutput out;
    InpaintTrace trace;
    if (Status s = pipeline->run(in, p, {}, out, &trace); !s)
        return s;
    f.compare("image", out.images);
    f.compare("latents_per_step", at::stack(trace.latentsPerStep));
    f.compare("mask_latent", trace.maskLatent);
    f.compare("masked_image_latents", trace.maskedImageLatents);
    f.compare("prompt_embeds_cfg", trace.promptEmbeds);
    f.compare("prompt_input_ids", trace.promptIds);
    f.compare("negative_prompt_input_ids", trace.negativePromptIds);
    return Status::ok();
}

double unitRoundoff(c10::ScalarType dtype) {
    switch (dtype) {
    case at::kHalf:
        return std::ldexp(1.0, -11);
    case at::kBFloat16:
        return std::ldexp(1.0, -8);
    case at::kDouble:
        return std::ldexp(1.0, -53);
    default:
        return std::ldexp(1.0, -24);
    }
}

// How far each decoded value may sit from the reference because of differences that are
// already accepted upstream. The MoVQ decoder can be ill-conditioned at the latents a random
// tiny UNet produces (latents of ±18; in float64 a 1e-9 relative change of the input moves
// the output by 3e-5): there, the final latents' difference that passed at the pipeline's
// tolerance, and the rounding of any float evaluation, move single pixels by more than that
// tolerance. The allowance is the exact image of that latent difference, |D(ref) - D(ours)|,
// plus twice the largest change that one-unit-roundoff noise on the reference latents causes
// (two implementations, each with its own rounding). A decoder that is wrong, rather than
// merely rounded differently, still fails: the allowance is small wherever the decoder is
// well-conditioned.
Status decodedAllowance(const ParityFixture& fixture, const ParityOptions& options,
                        const at::Tensor& ourLatents, const at::Tensor& ourDecoded,
                        at::Tensor& allowance) {
    at::Tensor steps;
    if (Status s = fixture.output("latents_per_step", steps); !s)
        return s;
    PipelineFolder folder;
    if (Status s = PipelineFolder::open(fixture.directory(), folder); !s)
        return s;
    nlohmann::json config;
    if (Status s = folder.readJson("movq", "config.json", config); !s)
        return s;
    StateDict weights;
    if (Status s = folder.loadWeights("movq", options.device, options.dtype, weights); !s)
        return s;
    VqModel movq;
    if (Status s = VqModel::load(config, weights, options.device, options.dtype, movq); !s)
        return s;
    const at::Tensor reference = steps[steps.size(0) - 1].to(ourLatents.device(), ourLatents.dtype());
    const at::Tensor decodedReference = movq.decode(reference, true);
    at::Tensor noiseFloor = at::zeros_like(decodedReference);
    at::Generator generator = at::detail::createCPUGenerator(20261122);
    for (int trial = 0; trial < 4; ++trial) {
        const at::Tensor sign =
            at::randint(0, 2, reference.sizes(), generator, at::kFloat).mul(2).sub(1);
        const at::Tensor nudge = sign.to(reference.device(), reference.dtype()) * reference.abs() *
                                 unitRoundoff(options.dtype);
        noiseFloor =
            at::maximum(noiseFloor, (movq.decode(reference + nudge, true) - decodedReference).abs());
    }
    allowance = ((decodedReference - ourDecoded).abs() + 2 * noiseFloor).to(at::kCPU, at::kFloat);
    return Status::ok();
}

Status runKandinsky(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    PipelineFixture f(fixture, result);
    std::unique_ptr<InpaintPipeline> pipeline;
    if (Status s = loadPipeline(fixture, options, pipeline); !s)
        return s;
    InpaintTensors in;
    for (const auto& [name, tensor] : {std::pair<const char*, at::Tensor*>{"image", &in.image},
                                       {"mask_image", &in.mask},
                                       {"latents", &in.initialNoise},
                                       {"image_embeds", &in.imageEmbeds},
                                       {"negative_image_embeds", &in.negativeImageEmbeds}}) {
        if (Status s = f.input(name, *tensor); !s)
            return s;
    }
    // The Kandinsky pipeline takes images in [-1, 1]; the Limner pipeline takes [0, 1].
    in.image = (in.image + 1) / 2;
    InpaintParameters p = f.parameters(4.0);
    p.candidates = static_cast<int>(in.initialNoise.size(0));
    InpaintOutput out;
    InpaintTrace trace;
    if (Status s = pipeline->run(in, p, {}, out, &trace); !s)
        return s;
    at::Tensor allowance;
    if (Status s =
            decodedAllowance(fixture, options, trace.latentsPerStep.back(), out.decoded, allowance);
        !s)
        return s;
    // image_np = clamp(decoded * 0.5 + 0.5, 0, 1): half the allowance, clamping only shrinks it.
    f.compareWithAllowance("image_np", out.images.permute({0, 2, 3, 1}),
                           (allowance * 0.5).permute({0, 2, 3, 1}));
    f.compareWithAllowance("image_pt", out.decoded, allowance);
    f.compare("latents_per_step", at::stack(trace.latentsPerStep));
    f.compare("mask_latent", trace.maskLatent);
    f.compare("masked_image_latents", trace.maskedImageLatents);
    f.compare("image_embeds_cfg", trace.imageEmbeds);
    return Status::ok();
}

} // namespace

void registerPipelineParityKinds(ParityRegistry& registry) {
    registry.add("pipeline_sd_inpaint", runStableDiffusion);
    registry.add("pipeline_kandinsky22_inpaint", runKandinsky);
}

} // namespace limner::engine::ml
