#include "engine/ml/nn/AttentionKernel.h"

#include <ATen/ATen.h>
#include <ATen/ExpandUtils.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <algorithm>
#include <atomic>
#include <torch/version.h>
#include <vector>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define LIMNER_HAVE_SDPA_SCALE 1
#endif

namespace limner::engine::ml {

namespace {

// softmax(q kᵀ · scale + mask) v for one block of query rows. Without autograd the scores are
// scaled and masked in place, so one score matrix and one probability matrix are alive at most.
at::Tensor attendRows(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                      const at::Tensor& mask, double scale, bool upcastSoftmax, bool inPlace) {
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2));
    if (inPlace) {
        scores.mul_(scale);
        // In place only where the sum keeps the scores' shape and type; otherwise as before (a
        // float mask on half scores promotes the sum to float).
        if (mask.defined())
            scores = mask.scalar_type() == scores.scalar_type() &&
                             at::infer_size(scores.sizes(), mask.sizes()) == scores.sizes().vec()
                         ? scores.add_(mask)
                         : scores + mask;
    } else {
        scores = scores * scale;
        if (mask.defined())
            scores = scores + mask;
    }
    // bfloat16 probabilities always come from a float32 softmax (one rounding, not several).
    at::Tensor probabilities =
        (upcastSoftmax || scores.scalar_type() == at::kBFloat16) && scores.scalar_type() != at::kFloat
            ? at::softmax(scores, -1, at::kFloat).to(v.scalar_type())
            : at::softmax(scores, -1);
    scores.reset();
    return at::matmul(probabilities, v);
}

std::atomic<std::int64_t> g_scoreBudget{AttentionKernel::kScoreBudgetBytes};
std::atomic<bool> g_blocked{true};

// Score bytes of one block of the blocked product: small enough that a block's scores and
// probabilities stay in a core's cache between the two products.
constexpr std::int64_t kBlockScoreBytes = std::int64_t{1} << 20;
// Below this many scores in all, the blocks' bookkeeping costs more than it saves.
constexpr std::int64_t kBlockedMinimumScores = std::int64_t{1} << 16;

} // namespace

std::int64_t AttentionKernel::scoreBudgetBytes() {
    return g_scoreBudget.load(std::memory_order_relaxed);
}

void AttentionKernel::setScoreBudgetBytes(std::int64_t bytes) {
    g_scoreBudget.store(bytes, std::memory_order_relaxed);
}

bool AttentionKernel::blocked() {
    return g_blocked.load(std::memory_order_relaxed);
}

void AttentionKernel::setBlocked(bool on) {
    g_blocked.store(on, std::memory_order_relaxed);
}

bool AttentionKernel::blockedApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     const at::Tensor& mask) {
    if (at::GradMode::is_enabled() || q.dim() != 4 || k.dim() != 4 || v.dim() != 4 ||
        !q.device().is_cpu() || (q.scalar_type() != at::kFloat && q.scalar_type() != at::kBFloat16))
        return false;
    for (std::int64_t d = 0; d < 2; ++d)
        if (k.size(d) != q.size(d) || v.size(d) != q.size(d))
            return false;
    if (k.size(2) != v.size(2) || k.size(3) != q.size(3))
        return false;
    const std::vector<std::int64_t> scores{q.size(0), q.size(1), q.size(2), k.size(2)};
    if (mask.defined() && !at::is_expandable_to(mask.sizes(), scores))
        return false;
    return q.size(0) * q.size(1) * q.size(2) * k.size(2) >= kBlockedMinimumScores;
}

at::Tensor AttentionKernel::blockedProduct(const at::Tensor& q, const at::Tensor& k,
                                           const at::Tensor& v, const at::Tensor& mask, double scale,
                                           bool upcastSoftmax) {
    const std::int64_t batch = q.size(0), heads = q.size(1), queries = q.size(2), keys = k.size(2);
    const std::int64_t element = std::max<std::int64_t>(4, static_cast<std::int64_t>(q.element_size()));
    const std::int64_t rows =
        std::clamp<std::int64_t>(kBlockScoreBytes / std::max<std::int64_t>(1, keys * element), 16,
                                 std::max<std::int64_t>(queries, 1));
    const std::int64_t blocks = (queries + rows - 1) / rows;
    // [batch, queries, heads, head_dim] in memory, so that merging the heads afterwards (the
    // caller's transpose and flatten) is a view, not a copy.
    const at::Tensor out = at::empty({batch, queries, heads, v.size(3)}, v.options()).transpose(1, 2);
    const at::Tensor fullMask =
        mask.defined() ? mask.expand({batch, heads, queries, keys}) : at::Tensor();
    at::parallel_for(0, batch * heads * blocks, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const std::int64_t b = i / (heads * blocks), h = (i / blocks) % heads;
            const std::int64_t first = (i % blocks) * rows, last = std::min(queries, first + rows);
            const at::Tensor m = fullMask.defined()
                                     ? fullMask.select(0, b).select(0, h).slice(0, first, last)
                                     : at::Tensor();
            const at::Tensor part = attendRows(q.select(0, b).select(0, h).slice(0, first, last),
                                               k.select(0, b).select(0, h), v.select(0, b).select(0, h),
                                               m, scale, upcastSoftmax, true);
            out.select(0, b).select(0, h).slice(0, first, last).copy_(part);
        }
    });
    return out;
}

std::int64_t AttentionKernel::queryChunkFor(const at::Tensor& q, const at::Tensor& k,
                                            std::int64_t budgetBytes) {
    const std::int64_t queries = q.size(-2), keys = k.size(-2);
    std::int64_t rowsOfScores = 1; // batch × heads, as broadcast by the product
    for (std::int64_t d = 0; d + 2 < std::max(q.dim(), k.dim()); ++d) {
        const std::int64_t qi = d - (std::max(q.dim(), k.dim()) - q.dim());
        const std::int64_t ki = d - (std::max(q.dim(), k.dim()) - k.dim());
        rowsOfScores *= std::max(qi >= 0 ? q.size(qi) : 1, ki >= 0 ? k.size(ki) : 1);
    }
    const std::int64_t element = std::max<std::int64_t>(4, static_cast<std::int64_t>(q.element_size()));
    const std::int64_t bytesPerQuery = std::max<std::int64_t>(1, rowsOfScores * keys * element);
    return std::clamp<std::int64_t>(budgetBytes / bytesPerQuery, 1, std::max<std::int64_t>(queries, 1));
}

at::Tensor AttentionKernel::explicitProduct(const at::Tensor& q, const at::Tensor& k,
                                            const at::Tensor& v, const at::Tensor& mask, double scale,
                                            bool upcastSoftmax, std::int64_t queryChunk) {
    const bool inPlace = !at::GradMode::is_enabled();
    const std::int64_t queries = q.size(-2);
    if (queryChunk <= 0 || queryChunk >= queries)
        return attendRows(q, k, v, mask, scale, upcastSoftmax, inPlace);
    // A mask with a query axis of its own is cut with the queries; one that broadcasts over the
    // queries (size 1 there, or fewer than two axes) serves every chunk whole.
    const bool maskPerQuery = mask.defined() && mask.dim() >= 2 && mask.size(-2) == queries;
    std::vector<at::Tensor> parts;
    at::Tensor out;
    for (std::int64_t start = 0; start < queries; start += queryChunk) {
        const std::int64_t end = std::min(queries, start + queryChunk);
        const at::Tensor rows = q.slice(-2, start, end);
        const at::Tensor m = maskPerQuery ? mask.slice(-2, start, end) : mask;
        at::Tensor part = attendRows(rows, k, v, m, scale, upcastSoftmax, inPlace);
        if (!inPlace) {
            parts.push_back(part);
            continue;
        }
        if (!out.defined()) {
            std::vector<std::int64_t> shape = part.sizes().vec();
            shape[shape.size() - 2] = queries;
            out = at::empty(shape, part.options());
        }
        out.slice(-2, start, end).copy_(part);
    }
    return inPlace ? out : at::cat(parts, -2);
}

at::Tensor AttentionKernel::attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                   const at::Tensor& mask, double scale, bool upcastSoftmax) {
#ifdef LIMNER_HAVE_SDPA_SCALE
    // The fused kernels accumulate in float32 internally, which is what upcasting asks for.
    (void)upcastSoftmax;
    // No mask is an empty optional: an undefined tensor in the optional counts as a mask there,
    // whose dtype (none) the input check refuses.
    if (!mask.defined())
        return at::scaled_dot_product_attention(q, k, v, {}, 0.0, false, scale);
    return at::scaled_dot_product_attention(q, k, v, mask.to(q.scalar_type()), 0.0, false, scale);
#else
    // Under autograd every chunk's probabilities are kept for the backward pass anyway: the
    // product runs whole there, as it always did.
    const std::int64_t budget = scoreBudgetBytes();
    if (budget > 0 && blocked() && blockedApplies(q, k, v, mask))
        return blockedProduct(q, k, v, mask, scale, upcastSoftmax);
    const std::int64_t chunk =
        at::GradMode::is_enabled() || budget <= 0 ? 0 : queryChunkFor(q, k, budget);
    return explicitProduct(q, k, v, mask, scale, upcastSoftmax, chunk);
#endif
}

} // namespace limner::engine::ml
