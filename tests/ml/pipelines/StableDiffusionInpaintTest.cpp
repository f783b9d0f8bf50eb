#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/SchedulerChoice.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

using limner::engine::Image;
using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;

namespace {

std::unique_ptr<InpaintPipeline> loadSd() {
    std::unique_ptr<InpaintPipeline> p;
    const Status s =
        InpaintPipeline::load(PipelineTestFolders::stableDiffusion(), c10::kCPU, c10::kFloat, p);
    INFO(s.message());
    REQUIRE(s.isOk());
    return p;
}

InpaintTensors inputs() {
    InpaintTensors in;
    in.image = PipelineTestFolders::image(32);
    in.mask = PipelineTestFolders::centreMask(32);
    return in;
}

InpaintParameters quick() {
    InpaintParameters p;
    p.prompt = "a squirrel";
    p.negativePrompt = "blurry";
    p.steps = 3;
    p.guidanceScale = 6.0;
    p.seed = 42;
    return p;
}

} // namespace

TEST_CASE("A Stable Diffusion inpainting folder is recognised and sized by its configs",
          "[ml][pipelines]") {
    const auto p = loadSd();
    CHECK(p->family() == InpaintPipeline::Family::StableDiffusion);
    CHECK(p->sizeMultiple() == 2);
    CHECK(p->acceptsPrompt());
}

TEST_CASE("The same seed gives the same pixels and another seed different ones", "[ml][pipelines]") {
    const auto p = loadSd();
    InpaintOutput a, b, c;
    REQUIRE(p->run(inputs(), quick(), {}, a).isOk());
    REQUIRE(p->run(inputs(), quick(), {}, b).isOk());
    InpaintParameters other = quick();
    other.seed = 43;
    REQUIRE(p->run(inputs(), other, {}, c).isOk());
    CHECK(at::equal(a.images, b.images));
    CHECK(!at::allclose(a.images, c.images));
    CHECK(a.images.sizes() == at::IntArrayRef({1, 3, 32, 32}));
    CHECK(a.seeds == std::vector<std::uint64_t>{42});
}

TEST_CASE("Batched candidates each match the run of their own seed", "[ml][pipelines]") {
    const auto p = loadSd();
    InpaintParameters batched = quick();
    batched.candidates = 3;
    InpaintOutput all, second;
    REQUIRE(p->run(inputs(), batched, {}, all).isOk());
    REQUIRE(all.images.size(0) == 3);
    CHECK(all.seeds == std::vector<std::uint64_t>{42, 43, 44});
    InpaintParameters alone = quick();
    alone.seed = 43;
    REQUIRE(p->run(inputs(), alone, {}, second).isOk());
    CHECK(!at::allclose(all.images[0], all.images[1]));
    CHECK(at::allclose(all.images[1], second.images[0], 1e-4, 1e-4));
}

TEST_CASE("Progress is reported every step with previews in [0, 1], and cancel stops within one step",
          "[ml][pipelines]") {
    const auto p = loadSd();
    std::atomic<bool> cancel{false};
    std::vector<int> steps;
    InpaintCallbacks cb;
    cb.cancel = &cancel;
    cb.previewEvery = 1;
    cb.progress = [&](const InpaintProgress& progress) {
        steps.push_back(progress.step);
        CHECK(progress.total == 3);
        REQUIRE(progress.preview.defined());
        CHECK(progress.preview.sizes() == at::IntArrayRef({1, 3, 16, 16}));
        CHECK(progress.preview.min().item<float>() >= 0.0f);
        CHECK(progress.preview.max().item<float>() <= 1.0f);
        if (progress.step == 1)
            cancel = true;
    };
    InpaintOutput out;
    const Status s = p->run(inputs(), quick(), cb, out);
    CHECK(s.code() == Status::Code::Cancelled);
    CHECK(steps == std::vector<int>{1});
    CHECK(!out.images.defined());
}

TEST_CASE("Every scheduler choice runs with its own input scaling and gives finite pixels",
          "[ml][pipelines]") {
    const auto p = loadSd();
    for (const std::string& name : SchedulerChoice::names()) {
        InpaintParameters params = quick();
        params.scheduler = name;
        InpaintOutput out;
        const Status s = p->run(inputs(), params, {}, out);
        INFO(name << ": " << s.message());
        REQUIRE(s.isOk());
        CHECK(at::isfinite(out.images).all().item<bool>());
    }
}

TEST_CASE("Strength below one runs only the last part of the schedule", "[ml][pipelines]") {
    const auto p = loadSd();
    InpaintParameters params = quick();
    params.steps = 4;
    params.strength = 0.5;
    int calls = 0;
    InpaintCallbacks cb;
    cb.progress = [&](const InpaintProgress& progress) {
        ++calls;
        CHECK(progress.total == 2);
    };
    InpaintOutput out;
    REQUIRE(p->run(inputs(), params, cb, out).isOk());
    CHECK(calls == 2);
}

TEST_CASE("Bad inputs are refused with a message and nothing runs", "[ml][pipelines]") {
    const auto p = loadSd();
    InpaintTensors in = inputs();
    in.mask = PipelineTestFolders::centreMask(16);
    InpaintOutput out;
    Status s = p->run(in, quick(), {}, out);
    CHECK(s.code() == Status::Code::BadInput);
    CHECK(s.message() == "mask is 16×16 but the image is 32×32");

    InpaintParameters params = quick();
    params.scheduler = "heun";
    s = p->run(inputs(), params, {}, out);
    CHECK(s.code() == Status::Code::BadInput);
    CHECK(s.message().find("unknown scheduler \"heun\"") != std::string::npos);

    in = inputs();
    in.image = PipelineTestFolders::image(31);
    in.mask = PipelineTestFolders::centreMask(31);
    s = p->run(in, quick(), {}, out);
    CHECK(s.code() == Status::Code::BadInput);
    CHECK(s.message().find("multiples of 2") != std::string::npos);
    CHECK(!out.images.defined());
}

TEST_CASE("The image-level call returns one RGB picture per candidate at the input size",
          "[ml][pipelines]") {
    const auto p = loadSd();
    Image image(32, 32, 4, 128);
    Image mask(32, 32, 1, 0);
    for (int y = 8; y < 24; ++y)
        for (int x = 8; x < 24; ++x)
            *mask.pixel(x, y) = 255;
    InpaintParameters params = quick();
    params.candidates = 2;
    std::vector<Image> candidates;
    const Status s = p->inpaint(image, mask, params, {}, candidates);
    INFO(s.message());
    REQUIRE(s.isOk());
    REQUIRE(candidates.size() == 2);
    CHECK(candidates[0].width == 32);
    CHECK(candidates[0].height == 32);
    CHECK(candidates[0].channels == 3);
    CHECK(candidates[0] != candidates[1]);
}
