// Without autograd (the editor's runs) the attention, resnet blocks and spatial norms reuse their
// own intermediates, attention runs in blocks of queries on the CPU (or chunks, when asked), and
// large convolutions run in bands; these tests
// pin that the pixels are the very ones the autograd path (checked against diffusers by the parity
// tests) gives, and still match diffusers' outputs themselves.
#include "engine/ml/nn/AttentionKernel.h"
#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/nn/VqModel.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <functional>

using limner::engine::ml::AttentionKernel;
using limner::engine::ml::AutoencoderKl;
using limner::engine::ml::Conv2d;
using limner::engine::ml::UNet2DConditionModel;
using limner::engine::ml::VqModel;
using limner::tests::ParityFixture;

namespace {

// The result with autograd on; in inference mode, where the fixtures' small attentions and
// convolutions run whole; and in inference mode with attention split into chunks of a few
// queries and convolutions into bands of a few rows (tiny budgets).
struct Runs {
    at::Tensor autograd, inference, unblocked, chunked;
};

Runs runAll(const std::function<at::Tensor()>& run) {
    Runs r;
    {
        const at::AutoGradMode enabled(true);
        r.autograd = run().detach();
    }
    {
        c10::InferenceMode inference;
        r.inference = run();
        // The same without what only inference shares out differently: the blocked attention
        // product and, on more than one thread, linear layers split by output features.
        AttentionKernel::setBlocked(false);
        const int threads = at::get_num_threads();
        at::set_num_threads(1);
        r.unblocked = run();
        at::set_num_threads(threads);
        AttentionKernel::setBlocked(true);
    }
    const std::int64_t budget = AttentionKernel::scoreBudgetBytes();
    const std::int64_t bands = Conv2d::bandBytes();
    AttentionKernel::setScoreBudgetBytes(4096);
    Conv2d::setBandBytes(2048);
    {
        c10::InferenceMode inference;
        r.chunked = run();
    }
    AttentionKernel::setScoreBudgetBytes(budget);
    Conv2d::setBandBytes(bands);
    return r;
}

// Convolution weights left plain for one test: the bit-for-bit comparison is of the in-place
// reuse, with the same kernels on both paths. Packed weights (Conv2d) go through oneDNN in another
// layout, whose sums round differently at the 1e-6 level; BandedConvolutionTest compares them to
// plain ones, and the parity tests (ml_parity) compare the packed modules with diffusers.
struct PlainConvolutions {
    PlainConvolutions() { Conv2d::setPacking(false); }
    ~PlainConvolutions() { Conv2d::setPacking(true); }
};

void checkSame(const ParityFixture& f, const std::string& name, const Runs& r) {
    INFO(name);
    // Reusing intermediates computes the very same operations: bit for bit the same values.
    CHECK(at::equal(r.unblocked, r.autograd));
    // Blocked attention and linear layers split among threads sum the same products in other
    // blocks: float32 rounding, no more.
    INFO("blocked attention: largest difference "
         << (r.inference - r.autograd).abs().max().item<double>());
    CHECK(r.inference.allclose(r.autograd, 1e-4, 1e-5));
    CHECK(f.excess(name, r.inference) <= 0.0);
    // Chunked products are summed by BLAS in other blocks: float32 rounding, no more.
    INFO("chunked attention, convolution bands: largest difference "
         << (r.chunked - r.autograd).abs().max().item<double>());
    CHECK(r.chunked.allclose(r.autograd, 1e-4, 1e-5));
    INFO(f.report(name, r.chunked));
    CHECK(f.excess(name, r.chunked) <= 0.0);
}

} // namespace

TEST_CASE("The MoVQ decodes the same pixels in an inpainting run as in the checked path",
          "[ml][nn][parity]") {
    const PlainConvolutions plain;
    const ParityFixture f("movq");
    VqModel movq;
    REQUIRE(VqModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, movq).isOk());
    checkSame(f, "decoded", runAll([&] { return movq.decode(f.input("latents"), true); }));
    checkSame(f, "encoded_latents", runAll([&] { return movq.encode(f.input("image")); }));
}

TEST_CASE("The SD VAE decodes the same pixels in an inpainting run as in the checked path",
          "[ml][nn][parity]") {
    const PlainConvolutions plain;
    const ParityFixture f("vae_kl");
    AutoencoderKl vae;
    REQUIRE(AutoencoderKl::load(f.config(), f.weights(), at::kCPU, at::kFloat, vae).isOk());
    checkSame(f, "decoded", runAll([&] { return vae.decode(f.input("latents")); }));
    checkSame(f, "posterior_mean", runAll([&] { return vae.encode(f.input("image")).mean; }));
}

TEST_CASE("Both UNets predict the same noise in an inpainting run as in the checked path",
          "[ml][nn][parity]") {
    const PlainConvolutions plain;
    {
        const ParityFixture f("unet_sd_inpaint");
        UNet2DConditionModel unet;
        REQUIRE(UNet2DConditionModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, unet).isOk());
        checkSame(f, "sample", runAll([&] {
                      return unet.forward(f.input("sample"), f.input("timestep"),
                                          f.input("encoder_hidden_states"), at::Tensor());
                  }));
    }
    {
        const ParityFixture f("unet_kandinsky22_inpaint");
        UNet2DConditionModel unet;
        REQUIRE(UNet2DConditionModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, unet).isOk());
        checkSame(f, "sample", runAll([&] {
                      return unet.forward(f.input("sample"), f.input("timestep"), at::Tensor(),
                                          f.input("image_embeds"));
                  }));
    }
}
