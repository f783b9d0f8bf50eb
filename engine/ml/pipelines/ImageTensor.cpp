#include "engine/ml/pipelines/ImageTensor.h"

#include <ATen/ATen.h>
#include <cstring>

namespace limner::engine::ml {

at::Tensor ImageTensor::fromImage(const Image& image) {
    const at::Tensor bytes = at::from_blob(const_cast<std::uint8_t*>(image.bytes.data()),
                                           {image.height, image.width, image.channels},
                                           at::TensorOptions().dtype(at::kByte));
    return bytes.permute({2, 0, 1}).unsqueeze(0).to(at::kFloat).div(255.0).contiguous();
}

Image ImageTensor::toImage(const at::Tensor& tensor) {
    const at::Tensor t = tensor.dim() == 4 ? tensor[0] : tensor;
    const at::Tensor bytes = t.detach()
                                 .to(at::kCPU, at::kFloat)
                                 .clamp(0, 1)
                                 .mul(255.0)
                                 .round()
                                 .to(at::kByte)
                                 .permute({1, 2, 0})
                                 .contiguous();
    Image out(static_cast<int>(t.size(2)), static_cast<int>(t.size(1)), static_cast<int>(t.size(0)));
    std::memcpy(out.bytes.data(), bytes.data_ptr<std::uint8_t>(), out.bytes.size());
    return out;
}

} // namespace limner::engine::ml
