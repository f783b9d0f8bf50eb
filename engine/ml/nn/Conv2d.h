#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.Conv2d with a square kernel, weight [out, in, k, k] and a bias [out].
//
// Without autograd, a stride-1 convolution whose input exceeds bandBytes() runs over bands of
// output rows, each from its own rows of the input (with the padding rows they need): every
// output pixel is the same sum of the same products, but libtorch's oneDNN convolution copies
// its whole input (or output) into a blocked layout first, which at a VAE's full resolution is
// another 576 MiB (768², 256 channels); per band that copy is a band's size.
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

private:
    at::Tensor m_weight;
    at::Tensor m_bias;
    std::int64_t m_stride = 1;
    std::int64_t m_padding = 0;
};

} // namespace limner::engine::ml
