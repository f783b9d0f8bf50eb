#include "engine/ml/pipelines/InpaintPipeline.h"

#include "engine/ml/pipelines/ExceptionStatus.h"
#include "engine/ml/pipelines/ImageTensor.h"
#include "engine/ml/pipelines/KandinskyInpaintPipeline.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "engine/ml/pipelines/StableDiffusionInpaintPipeline.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <cmath>

namespace limner::engine::ml {

namespace {

std::string sizeText(std::int64_t w, std::int64_t h) {
    return std::to_string(w) + "×" + std::to_string(h);
}

} // namespace

Status InpaintPipeline::load(const std::string& folderPath, c10::Device device, c10::ScalarType dtype,
                             std::unique_ptr<InpaintPipeline>& out) {
    try {
        PipelineFolder folder;
        if (Status s = PipelineFolder::open(folderPath, folder); !s)
            return s;
        return loadFamily(folder, device, dtype, out);
    } catch (...) {
        return statusFromCurrentException("loading " + folderPath);
    }
}

Status InpaintPipeline::load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                             std::unique_ptr<InpaintPipeline>& out) {
    try {
        return loadFamily(folder, device, dtype, out);
    } catch (...) {
        return statusFromCurrentException("loading " + folder.root());
    }
}

Status InpaintPipeline::loadFamily(const PipelineFolder& folder, c10::Device device,
                                   c10::ScalarType dtype, std::unique_ptr<InpaintPipeline>& out) {
    const std::string& folderPath = folder.root();
    const std::string cls = folder.className();
    bool kandinsky = cls.find("Kandinsky") != std::string::npos;
    bool sd = cls.find("StableDiffusion") != std::string::npos;
    if (cls.empty()) {
        kandinsky = folder.hasComponent("movq");
        sd = folder.hasComponent("vae") && folder.hasComponent("text_encoder");
    }
    if (kandinsky && cls.find("Prior") != std::string::npos)
        return Status::modelFormat(
            folderPath + " is a Kandinsky prior pipeline only; open the inpainting "
                         "decoder (unet/, movq/; e.g. kandinsky-community/"
                         "kandinsky-2-2-decoder-inpaint) and choose this folder as its prior");
    if (kandinsky)
        return KandinskyInpaintPipeline::load(folder, device, dtype, out);
    if (sd)
        return StableDiffusionInpaintPipeline::load(folder, device, dtype, out);
    return Status::modelFormat(
        folderPath + " is not a model Limner can run" +
        (cls.empty() ? std::string(" (no model_index.json, and neither movq/ nor vae/ + text_encoder/)")
                     : " (model_index.json names " + cls + ")") +
        "; it takes Kandinsky 2.2 inpainting and Stable Diffusion inpainting folders");
}

Status InpaintPipeline::validate(const InpaintTensors& in, const InpaintParameters& p) const {
    if (!in.image.defined() || in.image.dim() != 4 || in.image.size(0) != 1 || in.image.size(1) != 3)
        return Status::badInput("the image must be one RGB picture [1, 3, H, W]");
    if (!in.mask.defined() || in.mask.dim() != 4 || in.mask.size(0) != 1 || in.mask.size(1) != 1)
        return Status::badInput("the mask must be one single-channel picture [1, 1, H, W]");
    const std::int64_t h = in.image.size(2), w = in.image.size(3);
    if (in.mask.size(2) != h || in.mask.size(3) != w)
        return Status::badInput("mask is " + sizeText(in.mask.size(3), in.mask.size(2)) +
                                " but the image is " + sizeText(w, h));
    const int m = sizeMultiple();
    if (h < m || w < m || h % m != 0 || w % m != 0)
        return Status::badInput("the image is " + sizeText(w, h) +
                                "; this model needs sides that are multiples of " + std::to_string(m) +
                                " (resize the region, e.g. to " + std::to_string(nativeSize()) + "×" +
                                std::to_string(nativeSize()) + ")");
    if (p.steps < 1 || p.steps > 1000)
        return Status::badInput("steps is " + std::to_string(p.steps) + "; choose 1 to 1000");
    if (p.candidates < 1 || p.candidates > 64)
        return Status::badInput("candidates is " + std::to_string(p.candidates) + "; choose 1 to 64");
    if (!(p.strength > 0.0 && p.strength <= 1.0))
        return Status::badInput("strength must be in (0, 1], got " + std::to_string(p.strength));
    if (!std::isfinite(p.guidanceScale) || p.guidanceScale < 0)
        return Status::badInput("guidance scale must be a finite number >= 0");
    if (!std::isfinite(p.eta) || p.eta < 0)
        return Status::badInput("eta must be a finite number >= 0");
    if (p.imagePromptWeights.size() != in.imagePrompts.size())
        return Status::badInput(std::to_string(in.imagePrompts.size()) + " image prompt(s) but " +
                                std::to_string(p.imagePromptWeights.size()) + " weight(s)");
    const double lo = in.image.min().item<double>(), hi = in.image.max().item<double>();
    if (!(lo >= 0.0 && hi <= 1.0))
        return Status::badInput("image values must lie in [0, 1]");
    const double mlo = in.mask.min().item<double>(), mhi = in.mask.max().item<double>();
    if (!(mlo >= 0.0 && mhi <= 1.0))
        return Status::badInput("mask values must lie in [0, 1]");
    return Status::ok();
}

Status InpaintPipeline::run(const InpaintTensors& input, const InpaintParameters& parameters,
                            const InpaintCallbacks& callbacks, InpaintOutput& out,
                            InpaintTrace* trace) {
    try {
        c10::InferenceMode inference;
        if (Status s = validate(input, parameters); !s)
            return s;
        InpaintOutput result;
        if (Status s = runImpl(input, parameters, callbacks, result, trace); !s)
            return s;
        out = std::move(result);
        return Status::ok();
    } catch (...) {
        return statusFromCurrentException(std::string(familyName()) + " inpainting");
    }
}

Status InpaintPipeline::inpaint(const Image& image, const Image& mask,
                                const InpaintParameters& parameters, const InpaintCallbacks& callbacks,
                                std::vector<Image>& candidates, const std::vector<Image>& imagePrompts,
                                InpaintTimings* timings) {
    if (image.empty() || !image.isConsistent() || (image.channels != 3 && image.channels != 4))
        return Status::badInput("the image must be a non-empty RGB or RGBA picture");
    if (mask.empty() || !mask.isConsistent() || mask.channels != 1)
        return Status::badInput("the mask must be a non-empty single-channel picture");
    for (const Image& prompt : imagePrompts) {
        if (prompt.empty() || !prompt.isConsistent() || prompt.channels < 3)
            return Status::badInput("an image prompt is empty or not an RGB picture");
    }
    InpaintTensors in;
    try {
        in.image = ImageTensor::fromImage(image).slice(1, 0, 3);
        in.mask = ImageTensor::fromImage(mask);
        for (const Image& prompt : imagePrompts)
            in.imagePrompts.push_back(ImageTensor::fromImage(prompt).slice(1, 0, 3));
    } catch (...) {
        return statusFromCurrentException("preparing the image");
    }
    InpaintOutput out;
    if (Status s = run(in, parameters, callbacks, out); !s)
        return s;
    std::vector<Image> images;
    for (std::int64_t i = 0; i < out.images.size(0); ++i)
        images.push_back(ImageTensor::toImage(out.images[i]));
    candidates = std::move(images);
    if (timings)
        *timings = out.timings;
    return Status::ok();
}

} // namespace limner::engine::ml
