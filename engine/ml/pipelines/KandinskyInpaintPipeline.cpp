#include "engine/ml/pipelines/KandinskyInpaintPipeline.h"

#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/pipelines/CandidateNoise.h"
#include "engine/ml/pipelines/DenoisingLoop.h"
#include "engine/ml/pipelines/LatentPreview.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "engine/ml/pipelines/PipelineStopwatch.h"
#include "engine/ml/pipelines/SchedulerChoice.h"

#include <ATen/ATen.h>
#include <algorithm>

namespace limner::engine::ml {

namespace {

// A pixel of the keep mask is cleared when the hole holds the pixel at one of these offsets
// from it (diffusers' prepare_mask).
constexpr int kErodeOffsets[][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {-1, 0}, {0, -1}, {-1, -1}};

} // namespace

at::Tensor KandinskyInpaintPipeline::erodeKeepMask(const at::Tensor& keep) {
    const std::int64_t h = keep.size(2), w = keep.size(3);
    const at::Tensor hole =
        at::constant_pad_nd((keep.slice(1, 0, 1) == 0).to(keep.scalar_type()), {1, 1, 1, 1});
    at::Tensor cleared = at::zeros_like(keep.slice(1, 0, 1));
    for (const auto& o : kErodeOffsets)
        cleared = at::maximum(cleared,
                              hole.slice(2, 1 + o[0], 1 + o[0] + h).slice(3, 1 + o[1], 1 + o[1] + w));
    return keep * (1 - cleared);
}

at::Tensor KandinskyInpaintPipeline::growRepaintMask(const at::Tensor& repaint) {
    const std::int64_t h = repaint.size(2), w = repaint.size(3);
    const at::Tensor padded = at::constant_pad_nd(repaint.slice(1, 0, 1), {1, 1, 1, 1});
    at::Tensor grown = at::zeros_like(repaint.slice(1, 0, 1));
    for (const auto& o : kErodeOffsets)
        grown = at::maximum(grown,
                            padded.slice(2, 1 + o[0], 1 + o[0] + h).slice(3, 1 + o[1], 1 + o[1] + w));
    return grown;
}

namespace {

// The masked pixels (mask >= 0.5) replaced by the average of the known pixels around them, over
// neighbourhoods that grow until every hole pixel has known neighbours (normalised convolution).
// With nothing known, the picture as it is.
at::Tensor filledFromSurroundings(const at::Tensor& image, const at::Tensor& mask) {
    const at::Tensor rgb = image.to(at::kFloat);
    const at::Tensor keep = (mask.to(rgb.device(), at::kFloat) < 0.5).to(at::kFloat);
    if (keep.max().item<float>() <= 0)
        return rgb; // all of it is masked: a variation of the whole picture
    at::Tensor filled = rgb * keep;
    at::Tensor known = keep;
    const std::int64_t side = std::max(rgb.size(2), rgb.size(3));
    for (std::int64_t radius = 2; known.min().item<float>() <= 0 && radius <= 2 * side; radius *= 2) {
        const at::Tensor sum = at::avg_pool2d(filled, {2 * radius + 1, 2 * radius + 1}, {1, 1},
                                              {radius, radius}, false, true);
        const at::Tensor weight = at::avg_pool2d(known, {2 * radius + 1, 2 * radius + 1}, {1, 1},
                                                 {radius, radius}, false, true);
        const at::Tensor reached = (weight > 0).to(at::kFloat) * (1 - known);
        filled = filled + reached * sum / weight.clamp_min(1e-12);
        known = known + reached;
    }
    return rgb * keep + filled * (1 - keep);
}

} // namespace

Status KandinskyInpaintPipeline::load(const PipelineFolder& folder, c10::Device device,
                                      c10::ScalarType dtype, std::unique_ptr<InpaintPipeline>& out) {
    for (const char* name : {"unet", "movq", "scheduler"}) {
        if (!folder.hasComponent(name))
            return Status::notFound("model folder " + folder.root() + " lacks " + name +
                                    "/, which a Kandinsky 2.2 inpainting model needs");
    }
    std::unique_ptr<KandinskyInpaintPipeline> p(new KandinskyInpaintPipeline(device, dtype));
    nlohmann::json unetConfig, movqConfig;
    if (Status s = folder.readJson("unet", "config.json", unetConfig); !s)
        return s;
    if (Status s = folder.readJson("movq", "config.json", movqConfig); !s)
        return s;
    if (Status s = folder.readJson("scheduler", "scheduler_config.json", p->m_schedulerConfig); !s)
        return s;
    p->m_schedulerSource = folder.sourceOf("scheduler", "scheduler_config.json");
    {
        std::unique_ptr<Scheduler> probe;
        if (Status s =
                SchedulerChoice::create(p->m_schedulerConfig, p->m_schedulerSource, {}, 0.0, probe);
            !s)
            return s;
    }
    // Convolution weights are packed for oneDNN once the file's tensors are gone (Conv2d).
    ConvolutionPacking packing;
    StateDict weights;
    p->m_movqDtype = autoencoderDtype(dtype);
    if (Status s = folder.loadWeights("movq", device, p->m_movqDtype, weights); !s)
        return s;
    if (Status s = VqModel::load(movqConfig, weights, device, p->m_movqDtype, p->m_movq); !s)
        return Status(s.code(), "movq: " + s.message());
    if (Status s = folder.loadWeights("unet", device, dtype, weights); !s)
        return s;
    if (Status s = UNet2DConditionModel::load(unetConfig, weights, device, dtype, p->m_unet); !s)
        return Status(s.code(), "unet: " + s.message());
    weights.clear();
    packing.pack();
    const auto sampleSize = unetConfig.find("sample_size");
    const std::int64_t latentSide = sampleSize != unetConfig.end() && sampleSize->is_number_integer()
                                        ? sampleSize->get<std::int64_t>()
                                        : 64;
    p->m_nativeSize = static_cast<int>(latentSide * p->m_movq.downFactor());
    const std::int64_t c = p->m_movq.latentChannels();
    if (p->m_unet.inChannels() != 2 * c + 1)
        return Status::modelFormat(
            "unet/config.json: in_channels = " + std::to_string(p->m_unet.inChannels()) +
            "; a Kandinsky inpainting UNet takes " + std::to_string(2 * c + 1) +
            " (latents, masked image, mask)");
    if (p->m_unet.outChannels() != c && p->m_unet.outChannels() != 2 * c)
        return Status::modelFormat(
            "unet/config.json: out_channels = " + std::to_string(p->m_unet.outChannels()) +
            " does not match the MoVQ's " + std::to_string(c) + " latent channels");
    bool found = false;
    KandinskyPrior prior;
    if (Status s = KandinskyPrior::load(folder, device, dtype, found, prior); !s)
        return s;
    if (found)
        p->m_prior = std::move(prior);
    p->m_priorRepoWanted = folder.priorRepoWanted();
    out = std::move(p);
    return Status::ok();
}

Status KandinskyInpaintPipeline::imageEmbeddings(const InpaintTensors& in, const InpaintParameters& p,
                                                 const InpaintCallbacks& callbacks,
                                                 CandidateNoise& noise, at::Tensor& positive,
                                                 at::Tensor& negative) const {
    const std::int64_t n = p.candidates;
    const at::TensorOptions opts = at::TensorOptions().device(device()).dtype(dtype());
    if (in.imageEmbeds.defined()) {
        positive = in.imageEmbeds.to(opts);
        if (in.negativeImageEmbeds.defined())
            negative = in.negativeImageEmbeds.to(opts);
        else if (m_prior)
            negative = m_prior->zeroEmbedding();
        else
            return Status::badInput(
                "image embeddings were given without negative ones, and this model has no "
                "prior to make the zero-image embedding");
        if (positive.size(0) == 1)
            positive = positive.repeat({n, 1});
        if (negative.size(0) == 1)
            negative = negative.repeat({n, 1});
        if (positive.size(0) != n || negative.size(0) != n)
            return Status::badInput("image embeddings need 1 or `candidates` rows");
        return Status::ok();
    }
    if (!m_prior)
        return Status::badInput(
            "this Kandinsky 2.2 decoder has no prior, so neither a prompt nor an image prompt can "
            "steer it; " +
            (m_priorRepoWanted.empty()
                 ? std::string("choose its prior pipeline folder, or add the prior's components")
                 : "it needs " + m_priorRepoWanted +
                       ": download it, or choose the folder that holds it"));
    const bool textPrompt = !p.prompt.empty();
    const bool variation = !textPrompt && in.imagePrompts.empty();
    if (textPrompt || !p.negativePrompt.empty()) {
        if (Status s = m_prior->embed(p.prompt, p.negativePrompt, p.priorSteps, p.priorGuidanceScale,
                                      p.candidates, noise, callbacks, positive, negative);
            !s)
            return s;
        positive = textPrompt ? positive * p.textWeight : at::zeros_like(positive);
    } else {
        positive = at::zeros({n, m_prior->zeroEmbedding().size(1)}, opts);
        negative = m_prior->zeroEmbedding().repeat({n, 1});
    }
    // Image prompts add their CLIP image embeddings (DALL·E 2's interpolation); with neither a
    // prompt nor an image prompt the picture itself is the reference (variations) — the picture
    // with the masked region filled from its surroundings, so what is under the mask does not
    // come back: an empty prompt continues the picture (and erases), as users of other editors'
    // fills expect; the region's own content stays reachable as an image prompt.
    for (std::size_t i = 0; i < in.imagePrompts.size(); ++i)
        positive = positive + p.imagePromptWeights[i] * m_prior->imageEmbedding(in.imagePrompts[i]);
    if (variation)
        positive = positive + m_prior->imageEmbedding(filledFromSurroundings(in.image, in.mask));
    return Status::ok();
}

Status KandinskyInpaintPipeline::runImpl(const InpaintTensors& in, const InpaintParameters& p,
                                         const InpaintCallbacks& callbacks, InpaintOutput& out,
                                         InpaintTrace* trace) {
    const c10::Device dev = device();
    // Latents and the scheduler's arithmetic stay in float32 whatever the models compute in: a
    // step adds a small update to the latents, which bfloat16's 8-bit mantissa would round away.
    const at::TensorOptions opts = at::TensorOptions().device(dev).dtype(at::kFloat);
    const std::int64_t n = p.candidates;
    const bool guided = p.guidanceScale > 1.0;
    const std::int64_t c = m_movq.latentChannels();
    CandidateNoise noise(p.seed, p.candidates);
    out.seeds = noise.seeds();
    PipelineStopwatch clock(dev);

    at::Tensor positive, negative;
    {
        // The CLIP image tower (read for image prompts or the picture as reference) is freed
        // before the decoder runs, failed or not: it is the prior's largest part.
        struct ReleaseImageEncoder {
            const std::optional<KandinskyPrior>& prior;
            ~ReleaseImageEncoder() {
                if (prior)
                    prior->releaseImageEncoder();
            }
        } release{m_prior};
        if (Status s = imageEmbeddings(in, p, callbacks, noise, positive, negative); !s)
            return s;
    }
    const at::Tensor embeds = (guided ? at::cat({negative, positive}) : positive).to(dtype());
    if (trace)
        trace->imageEmbeds = embeds;
    out.timings.prior = clock.lap(embeds);
    if (cancelled(callbacks))
        return Status::cancelled();

    DenoisingLoop loop;
    if (Status s = loop.prepare(m_schedulerConfig, m_schedulerSource, p); !s)
        return s;
    const bool learnedVariance = SchedulerChoice::usesLearnedVariance(m_schedulerConfig, p.scheduler);

    // The image in [-1, 1], MoVQ-encoded without quantisation; the strength map (the binarised
    // mask, or a soft mask's grey levels) on the latent grid, grown as diffusers erodes its keep
    // mask; the masked image formed in latent space.
    const at::Tensor imageLatents =
        m_movq.encode((in.image.to(dev, at::kFloat) * 2 - 1).to(m_movqDtype)).to(at::kFloat);
    const std::int64_t h = imageLatents.size(2), w = imageLatents.size(3);
    const at::Tensor pixelMask = in.mask.to(dev, at::kFloat);
    const at::Tensor repaint = p.softMask ? pixelMask : (pixelMask >= 0.5).to(at::kFloat);
    const at::Tensor strength = growRepaintMask(at::upsample_nearest2d(repaint, {h, w})).to(opts);
    loop.setRegion(strength, imageLatents, DenoisingLoop::Reimpose::Always);
    const at::Tensor keep = 1 - loop.changeMask();
    const at::Tensor maskedImage = imageLatents * keep;
    const at::Tensor unetKeep = keep.repeat({guided ? 2 * n : n, 1, 1, 1});
    const at::Tensor unetMasked = maskedImage.repeat({guided ? 2 * n : n, 1, 1, 1});
    if (trace) {
        trace->maskLatent = unetKeep;
        trace->maskedImageLatents = unetMasked;
    }
    LatentPreview preview;
    if (callbacks.previewEvery > 0)
        preview.fit(imageLatents, in.image);
    out.timings.autoencoder = clock.lap(imageLatents);

    at::Tensor initialNoise;
    if (in.initialNoise.defined()) {
        if (in.initialNoise.sizes() != at::IntArrayRef({n, c, h, w}))
            return Status::badInput("initial noise must be [candidates, latent channels, h, w]");
        initialNoise = in.initialNoise.to(opts);
    } else {
        initialNoise = noise.draw({c, h, w}).to(opts);
    }
    const std::int64_t batch = guided ? 2 * n : n;
    const DenoisingLoop::Predict predict = [&](const at::Tensor& scaled, const at::Tensor& t,
                                               const at::Tensor& hole) {
        // Kandinsky's pipeline omits scale_model_input; it is the identity for DDPM/DDIM and
        // needed for Euler-type samplers.
        at::Tensor x;
        if (loop.isSoft()) {
            const at::Tensor keepNow = 1 - hole;
            x = at::cat({scaled, (imageLatents * keepNow).repeat({batch, 1, 1, 1}),
                         keepNow.repeat({batch, 1, 1, 1})},
                        1);
        } else {
            x = at::cat({scaled, unetMasked, unetKeep}, 1);
        }
        at::Tensor prediction = m_unet.forward(x.to(dtype()), t, at::Tensor(), embeds).to(at::kFloat);
        if (guided) {
            const auto parts = prediction.split(c, 1);
            const auto noiseHalves = parts[0].chunk(2);
            at::Tensor guidedNoise =
                noiseHalves[0] + p.guidanceScale * (noiseHalves[1] - noiseHalves[0]);
            prediction =
                parts.size() > 1 ? at::cat({guidedNoise, parts[1].chunk(2)[1]}, 1) : guidedNoise;
        }
        return learnedVariance ? prediction : prediction.slice(1, 0, c);
    };
    // The loop re-imposes the known region after every step, the last one included, so the
    // latents decoded hold the encoded picture wherever nothing was to change.
    at::Tensor latents;
    if (Status s = loop.run(p, callbacks, noise, initialNoise, predict,
                            preview.isFitted() ? &preview : nullptr, trace, latents);
        !s)
        return s;
    out.timings.denoise = clock.lap(latents);

    const at::Tensor decoded = m_movq.decode(latents.to(m_movqDtype), true);
    out.decoded = decoded;
    out.images = (decoded.to(at::kFloat) * 0.5 + 0.5).clamp(0, 1).to(at::kCPU);
    out.timings.autoencoder += clock.lap(decoded);
    return Status::ok();
}

std::uint64_t KandinskyInpaintPipeline::estimateRunBytes(int height, int width, int candidates,
                                                         bool guided, c10::ScalarType runDtype) const {
    const auto element = static_cast<std::int64_t>(c10::elementSize(runDtype));
    const std::int64_t factor = m_movq.downFactor();
    const std::int64_t batch = static_cast<std::int64_t>(candidates) * (guided ? 2 : 1);
    // Encoding the picture and decoding the candidates run at full resolution (in tiles of one
    // image when the region is larger than the autoencoder's tile).
    return m_unet.activationBytes(batch, height / factor, width / factor, element) +
           m_movq.decodeBytes(std::max(candidates, 1), height, width, element);
}

} // namespace limner::engine::ml
