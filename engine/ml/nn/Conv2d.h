#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.Conv2d with a square kernel, weight [out, in, k, k] and a bias [out].
//
// Without autograd, a stride-1 convolution whose input exceeds bandBytes() runs over bands of
// output rows, each from its own rows of the input (with the padding rows they need): every
// output pixel is the same sum of the same products, but libtorch's oneDNN convolution copies
// its whole input (or output) into a blocked layout first, which at a VAE's full resolution is
// another 576 MiB (768², 256 channels); per band that copy is a band's size.
//
// On the CPU, a weight that takes no gradient is reordered once at load into oneDNN's blocked
// layout (an MKLDNN tensor, in place of the plain one: no more memory), where libtorch's
// convolution would reorder the plain weight again at every call. For the UNets' low-resolution
// levels that reorder was most of the call: SD 1.5's 1280-channel 3x3 convolution on 2x4x4
// latents took 64 ms plain and 20 ms packed (2 threads, AVX2, identical outputs). Under
// autograd, with an input that takes gradients, the plain weight is restored for that call.
// While a ConvolutionPacking is alive on the loading thread, packing waits for its pack(): a
// pipeline packs after dropping the file's tensors, so that a plain and a packed copy of every
// weight are never in memory together.
class Conv2d {
public:
    static constexpr std::int64_t kBandBytes = std::int64_t{64} << 20;

    static Conv2d load(const WeightSource& weights, const std::string& name, std::int64_t in,
                       std::int64_t out, std::int64_t kernel, std::int64_t stride = 1,
                       std::int64_t padding = 0, bool bias = true);
    at::Tensor forward(const at::Tensor& x) const;

    // The input bytes one band may hold, process-wide (kBandBytes unless set; <= 0: never in
    // bands). For tests and benchmarks; thread-safe.
    static std::int64_t bandBytes();
    static void setBandBytes(std::int64_t bytes);
    // Whether load() packs CPU weights (default true). For benchmarks; thread-safe.
    static bool packing();
    static void setPacking(bool on);
    bool packed() const;

    // The weight, shared by copies of a convolution and packed in place.
    struct Weight {
        at::Tensor tensor;
        std::int64_t stride = 1, padding = 0;
        void pack();
    };

private:
    at::Tensor convolve(const at::Tensor& x, std::int64_t stride, std::int64_t padRows,
                        std::int64_t padColumns) const;

    std::shared_ptr<Weight> m_weight;
    at::Tensor m_bias;
    std::int64_t m_stride = 1;
    std::int64_t m_padding = 0;
};

// Defers the packing of the convolutions loaded on this thread while it is alive (innermost
// one), until pack(): load a component, drop its file's tensors, then pack.
class ConvolutionPacking {
public:
    ConvolutionPacking();
    ~ConvolutionPacking();
    ConvolutionPacking(const ConvolutionPacking&) = delete;
    ConvolutionPacking& operator=(const ConvolutionPacking&) = delete;

    // Packs every convolution loaded in this scope so far that still exists, one at a time.
    void pack();

private:
    friend class Conv2d;
    static ConvolutionPacking* current();

    std::vector<std::weak_ptr<Conv2d::Weight>> m_pending;
    ConvolutionPacking* m_outer = nullptr;
};

} // namespace limner::engine::ml
