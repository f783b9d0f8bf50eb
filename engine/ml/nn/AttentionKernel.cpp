#include "engine/ml/nn/AttentionKernel.h"

#include <torch/version.h>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define LIMNER_HAVE_SDPA_SCALE 1
#endif

namespace limner::engine::ml {

at::Tensor AttentionKernel::attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                   const at::Tensor& mask, double scale, bool upcastSoftmax) {
#ifdef LIMNER_HAVE_SDPA_SCALE
    // The fused kernels accumulate in float32 internally, which is what upcasting asks for.
    (void)upcastSoftmax;
    at::Tensor m = mask.defined() ? mask.to(q.scalar_type()) : mask;
    return at::scaled_dot_product_attention(q, k, v, m, 0.0, false, scale);
#else
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) * scale;
    if (mask.defined())
        scores = scores + mask;
    if (upcastSoftmax && scores.scalar_type() != at::kFloat)
        return at::matmul(at::softmax(scores, -1, at::kFloat).to(v.scalar_type()), v);
    return at::matmul(at::softmax(scores, -1), v);
#endif
}

} // namespace limner::engine::ml
