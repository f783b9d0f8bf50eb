#include "engine/ml/parity/ModelParityKinds.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/ClipVisionModel.h"
#include "engine/ml/nn/PriorTransformer.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/nn/VqModel.h"
#include "engine/ml/parity/ParityFixture.h"
#include "engine/ml/parity/ParityOptions.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityResult.h"

#include <ATen/ATen.h>
#include <fstream>
#include <map>

namespace limner::engine::ml {

namespace {

// A model fixture's config.json and weights.safetensors, plus its inputs by name.
class ModelFixture {
public:
    ModelFixture(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result)
        : m_fixture(fixture)
        , m_options(options)
        , m_result(result) {}

    Status open() {
        std::ifstream stream(m_fixture.path("config.json"));
        if (!stream)
            return Status::notFound("fixture " + m_fixture.name() + " has no config.json");
        m_config = nlohmann::json::parse(stream, nullptr, false);
        if (m_config.is_discarded())
            return Status::modelFormat("fixture " + m_fixture.name() +
                                       ": config.json is not valid JSON");
        Safetensors file;
        if (Status s = Safetensors::open(m_fixture.path("weights.safetensors"), file); !s)
            return s;
        return file.loadAll(m_weights, std::nullopt);
    }

    const nlohmann::json& config() const { return m_config; }
    const StateDict& weights() const { return m_weights; }
    c10::Device device() const { return m_options.device; }
    c10::ScalarType dtype() const { return m_options.dtype; }

    // Float inputs in the requested dtype on the requested device; integer inputs keep theirs.
    at::Tensor input(const std::string& name) {
        at::Tensor t;
        if (Status s = m_fixture.input(name, t); !s) {
            m_missing = s;
            return {};
        }
        return t.is_floating_point() ? t.to(m_options.device, m_options.dtype) : t.to(m_options.device);
    }
    bool hasInput(const std::string& name) const { return m_fixture.hasInput(name); }
    bool wants(const std::string& name) const { return m_fixture.hasOutput(name); }
    const Status& missing() const { return m_missing; }

    void compare(const std::string& name, const at::Tensor& got) {
        at::Tensor expected;
        if (Status s = m_fixture.output(name, expected); !s) {
            m_result.fail(s.message());
            return;
        }
        const bool exact = m_fixture.isExactOutput(name) || !expected.is_floating_point();
        const at::Tensor g = got.defined() ? got.detach().to(at::kCPU) : got;
        m_result.compare(name, exact ? g.reshape(expected.sizes()) : g.to(at::kFloat), expected,
                         m_fixture.atol(), m_fixture.rtol(), exact);
    }

private:
    const ParityFixture& m_fixture;
    const ParityOptions& m_options;
    ParityResult& m_result;
    nlohmann::json m_config;
    StateDict m_weights;
    Status m_missing;
};

Status runClipText(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result,
                   ClipTextModel::Head head) {
    ModelFixture f(fixture, options, result);
    if (Status s = f.open(); !s)
        return s;
    ClipTextModel model;
    if (Status s = ClipTextModel::load(f.config(), f.weights(), head, f.device(), f.dtype(), model); !s)
        return s;
    const at::Tensor ids = f.input("input_ids");
    const at::Tensor mask = f.hasInput("attention_mask") ? f.input("attention_mask") : at::Tensor();
    if (!f.missing())
        return f.missing();
    for (const bool masked : {false, true}) {
        const std::string suffix = masked ? "_masked" : "";
        if (masked && !mask.defined())
            continue;
        const ClipTextModel::Output o = model.forward(ids, masked ? mask : at::Tensor(), true);
        if (f.wants("last_hidden_state" + suffix))
            f.compare("last_hidden_state" + suffix, o.lastHiddenState);
        if (f.wants("pooler_output" + suffix))
            f.compare("pooler_output" + suffix, o.pooled);
        if (f.wants("text_embeds" + suffix))
            f.compare("text_embeds" + suffix, o.textEmbeds);
        if (f.wants("hidden_states" + suffix))
            f.compare("hidden_states" + suffix, at::stack(o.hiddenStates));
    }
    return Status::ok();
}

Status runClipVision(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    ModelFixture f(fixture, options, result);
    if (Status s = f.open(); !s)
        return s;
    ClipVisionModel model;
    if (Status s = ClipVisionModel::load(f.config(), f.weights(), f.device(), f.dtype(), model); !s)
        return s;
    const at::Tensor pixels = f.input("pixel_values");
    if (!f.missing())
        return f.missing();
    const ClipVisionModel::Output o = model.forward(pixels, true);
    f.compare("image_embeds", o.imageEmbeds);
    f.compare("last_hidden_state", o.lastHiddenState);
    if (f.wants("penultimate_hidden_state"))
        f.compare("penultimate_hidden_state", o.hiddenStates[o.hiddenStates.size() - 2]);
    return Status::ok();
}

Status runVaeKl(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    ModelFixture f(fixture, options, result);
    if (Status s = f.open(); !s)
        return s;
    AutoencoderKl vae;
    if (Status s = AutoencoderKl::load(f.config(), f.weights(), f.device(), f.dtype(), vae); !s)
        return s;
    const at::Tensor image = f.input("image");
    const at::Tensor latents = f.input("latents");
    if (!f.missing())
        return f.missing();
    const AutoencoderKl::Posterior p = vae.encode(image);
    f.compare("posterior_mean", p.mean);
    f.compare("posterior_std", p.std);
    f.compare("posterior_logvar", p.logvar);
    f.compare("decoded", vae.decode(latents));
    return Status::ok();
}

Status runMovq(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    ModelFixture f(fixture, options, result);
    if (Status s = f.open(); !s)
        return s;
    VqModel movq;
    if (Status s = VqModel::load(f.config(), f.weights(), f.device(), f.dtype(), movq); !s)
        return s;
    const at::Tensor image = f.input("image");
    const at::Tensor latents = f.input("latents");
    if (!f.missing())
        return f.missing();
    f.compare("encoded_latents", movq.encode(image));
    f.compare("decoded", movq.decode(latents, true));
    const VqModel::Quantized q = movq.quantize(latents);
    f.compare("quantized", q.latents);
    f.compare("quant_indices", q.indices);
    f.compare("decoded_quantized", movq.decode(latents, false));
    return Status::ok();
}

Status runUnet(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    ModelFixture f(fixture, options, result);
    if (Status s = f.open(); !s)
        return s;
    UNet2DConditionModel unet;
    if (Status s = UNet2DConditionModel::load(f.config(), f.weights(), f.device(), f.dtype(), unet); !s)
        return s;
    const at::Tensor sample = f.input("sample");
    const at::Tensor timestep = f.input("timestep");
    const at::Tensor context =
        f.hasInput("encoder_hidden_states") ? f.input("encoder_hidden_states") : at::Tensor();
    const at::Tensor image = f.hasInput("image_embeds") ? f.input("image_embeds") : at::Tensor();
    if (!f.missing())
        return f.missing();
    f.compare("sample", unet.forward(sample, timestep, context, image));
    return Status::ok();
}

Status runPrior(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    ModelFixture f(fixture, options, result);
    if (Status s = f.open(); !s)
        return s;
    PriorTransformer prior;
    if (Status s = PriorTransformer::load(f.config(), f.weights(), f.device(), f.dtype(), prior); !s)
        return s;
    const at::Tensor hidden = f.input("hidden_states");
    const at::Tensor timestep = f.input("timestep");
    const at::Tensor proj = f.input("proj_embedding");
    const at::Tensor context = f.input("encoder_hidden_states");
    const at::Tensor mask = f.hasInput("attention_mask") ? f.input("attention_mask") : at::Tensor();
    if (!f.missing())
        return f.missing();
    const at::Tensor predicted = prior.forward(hidden, timestep, proj, context, mask);
    f.compare("predicted_image_embedding", predicted);
    if (f.wants("post_processed"))
        f.compare("post_processed", prior.postProcessLatents(predicted));
    if (f.wants("predicted_image_embedding_nomask"))
        f.compare("predicted_image_embedding_nomask",
                  prior.forward(hidden, timestep, proj, context, at::Tensor()));
    return Status::ok();
}

// Model code throws c10::Error on inputs it cannot take; a fixture then fails with the message.
ParityRegistry::Kind guarded(ParityRegistry::Kind kind) {
    return [kind](const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
        try {
            return kind(fixture, options, result);
        } catch (const c10::Error& e) {
            return Status::internal(e.what_without_backtrace());
        } catch (const std::exception& e) {
            return Status::internal(e.what());
        }
    };
}

} // namespace

void registerModelParityKinds(ParityRegistry& registry) {
    using namespace std::placeholders;
    registry.add("clip_text",
                 guarded([](const ParityFixture& f, const ParityOptions& o, ParityResult& r) {
                     return runClipText(f, o, r, ClipTextModel::Head::Pooled);
                 }));
    registry.add("clip_text_with_projection",
                 guarded([](const ParityFixture& f, const ParityOptions& o, ParityResult& r) {
                     return runClipText(f, o, r, ClipTextModel::Head::Projection);
                 }));
    registry.add("clip_vision_with_projection", guarded(runClipVision));
    registry.add("vae_kl", guarded(runVaeKl));
    registry.add("movq", guarded(runMovq));
    registry.add("unet_sd_inpaint", guarded(runUnet));
    registry.add("unet_kandinsky22_inpaint", guarded(runUnet));
    registry.add("prior_transformer", guarded(runPrior));
}

} // namespace limner::engine::ml
