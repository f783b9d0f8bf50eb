#include "engine/ml/pipelines/parity/PipelineParityKinds.h"

#include "engine/ml/parity/ParityFixture.h"
#include "engine/ml/parity/ParityOptions.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityResult.h"
#include "engine/ml/pipelines/InpaintPipeline.h"

#include <ATen/ATen.h>

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
    f.compare("image_np", out.images.permute({0, 2, 3, 1}));
    f.compare("image_pt", out.decoded);
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
