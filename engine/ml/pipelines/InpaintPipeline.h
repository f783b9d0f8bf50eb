#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"
#include "engine/ml/pipelines/InpaintCallbacks.h"
#include "engine/ml/pipelines/InpaintOutput.h"
#include "engine/ml/pipelines/InpaintParameters.h"
#include "engine/ml/pipelines/InpaintTensors.h"
#include "engine/ml/pipelines/InpaintTrace.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <memory>
#include <string>
#include <vector>

namespace limner::engine::ml {

class PipelineFolder;

// A loaded inpainting model: Kandinsky 2.2 (unCLIP prior + inpainting decoder) or Stable
// Diffusion 1.x/2.x inpainting, run as diffusers 0.25 runs them.
//
//     std::unique_ptr<InpaintPipeline> model;
//     if (Status s = InpaintPipeline::load(folder, c10::kCUDA, c10::kHalf, model); !s) …
//     InpaintParameters p; p.prompt = "a red barn"; p.steps = 30; p.candidates = 2;
//     InpaintCallbacks cb; cb.cancel = &cancelFlag; cb.progress = …; cb.previewEvery = 5;
//     std::vector<Image> results;
//     Status s = model->inpaint(crop512, mask512, p, cb, results);
//
// Load once and keep the object: load() reads every weight; a run allocates only its own
// activations and frees them before returning (also when cancelled or failing).
// Thread safety: one run at a time per object, on any one thread (the engine's worker); the
// cancel flag may be set from any thread. Within engine/ml tensors are used; no exception leaves
// a public member function.
class InpaintPipeline {
public:
    enum class Family { StableDiffusion, Kandinsky22 };

    virtual ~InpaintPipeline() = default;

    // Detects the family from model_index.json (else from the components present) and loads
    // every component on device in dtype. Missing components, non-safetensors weights and
    // mis-shaped tensors give a message naming them.
    static Status load(const std::string& folder, c10::Device device, c10::ScalarType dtype,
                       std::unique_ptr<InpaintPipeline>& out);
    // The same for a folder already opened (a Kandinsky decoder with a prior attached to it).
    static Status load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                       std::unique_ptr<InpaintPipeline>& out);

    virtual Family family() const = 0;
    virtual const char* familyName() const = 0;
    // The size the model was trained at (a square side in pixels), and the multiple that
    // heights and widths must be.
    virtual int nativeSize() const = 0;
    virtual int sizeMultiple() const = 0;
    // False when a prompt cannot steer this model (a Kandinsky decoder without its prior).
    virtual bool acceptsPrompt() const { return true; }
    // True when reference images can steer the result (unCLIP: Kandinsky with its prior).
    virtual bool acceptsImagePrompts() const { return false; }
    // Rough peak bytes of a run's activations at height × width pixels in runDtype (weights not
    // included): a job whose estimate exceeds the free memory is refused before it starts.
    // Works on a pipeline built on the meta device (no weight in memory), in any dtype.
    virtual std::uint64_t estimateRunBytes(int height, int width, int candidates, bool guided,
                                           c10::ScalarType runDtype) const = 0;
    c10::Device device() const { return m_device; }
    c10::ScalarType dtype() const { return m_dtype; }

    // Tensor-level run (see InpaintTensors for conventions). out.images [candidates, 3, H, W].
    Status run(const InpaintTensors& input, const InpaintParameters& parameters,
               const InpaintCallbacks& callbacks, InpaintOutput& out, InpaintTrace* trace = nullptr);

    // Image-level run: image RGB or RGBA (alpha ignored) and mask (1 channel, 255 = repaint) of
    // the same size, a multiple of sizeMultiple(); one RGB image of that size per candidate.
    // imagePrompts (Kandinsky): RGB images weighted by parameters.imagePromptWeights.
    // timings, when given, receives the seconds each stage took.
    Status inpaint(const Image& image, const Image& mask, const InpaintParameters& parameters,
                   const InpaintCallbacks& callbacks, std::vector<Image>& candidates,
                   const std::vector<Image>& imagePrompts = {}, InpaintTimings* timings = nullptr);

protected:
    InpaintPipeline(c10::Device device, c10::ScalarType dtype)
        : m_device(device)
        , m_dtype(dtype) {}

    virtual Status runImpl(const InpaintTensors& input, const InpaintParameters& parameters,
                           const InpaintCallbacks& callbacks, InpaintOutput& out,
                           InpaintTrace* trace) = 0;

    static bool cancelled(const InpaintCallbacks& callbacks) {
        return callbacks.cancel && callbacks.cancel->load(std::memory_order_relaxed);
    }
    // The dtype the autoencoder computes in when the rest computes in `dtype`: float32 for
    // bfloat16, whose 8-bit mantissa shows in the decoded pixels (tiny models' decoders lose
    // 0.35-0.78 of the [-1, 1] range; the whole picture 31 dB or less against float32), while
    // the autoencoder is a small part of a job's time.
    static c10::ScalarType autoencoderDtype(c10::ScalarType dtype) {
        return dtype == c10::kBFloat16 ? c10::kFloat : dtype;
    }
    // Checks image, mask and parameters common to every family.
    Status validate(const InpaintTensors& input, const InpaintParameters& parameters) const;

private:
    static Status loadFamily(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                             std::unique_ptr<InpaintPipeline>& out);

    c10::Device m_device;
    c10::ScalarType m_dtype;
};

} // namespace limner::engine::ml
