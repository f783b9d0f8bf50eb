#include "engine/ml/pipelines/InpaintPipeline.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;

namespace {

std::unique_ptr<InpaintPipeline> load(const std::string& folder) {
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(folder, c10::kCPU, c10::kFloat, p);
    INFO(s.message());
    REQUIRE(s.isOk());
    return p;
}

InpaintTensors inputs() {
    InpaintTensors in;
    in.image = PipelineTestFolders::image(64);
    in.mask = PipelineTestFolders::centreMask(64);
    return in;
}

InpaintParameters quick() {
    InpaintParameters p;
    p.prompt = "a hat";
    p.steps = 2;
    p.priorSteps = 3;
    p.seed = 7;
    return p;
}

} // namespace

TEST_CASE("A Kandinsky decoder folder without its prior refuses prompts with a message",
          "[ml][pipelines]") {
    const auto p = load(PipelineTestFolders::kandinskyDecoder());
    CHECK(p->family() == InpaintPipeline::Family::Kandinsky22);
    CHECK(!p->acceptsPrompt());
    CHECK(p->sizeMultiple() == 4);
    InpaintOutput out;
    const Status s = p->run(inputs(), quick(), {}, out);
    CHECK(s.code() == Status::Code::BadInput);
    CHECK(s.message().find("has no prior") != std::string::npos);
}

TEST_CASE("Kandinsky runs from a prompt through its prior, reproducibly per seed", "[ml][pipelines]") {
    const auto p = load(PipelineTestFolders::kandinskyWithPrior());
    REQUIRE(p->acceptsPrompt());
    InpaintOutput a, b, c;
    InpaintParameters params = quick();
    params.candidates = 2;
    REQUIRE(p->run(inputs(), params, {}, a).isOk());
    REQUIRE(p->run(inputs(), params, {}, b).isOk());
    params.prompt = "a red barn";
    REQUIRE(p->run(inputs(), params, {}, c).isOk());
    CHECK(a.images.sizes() == at::IntArrayRef({2, 3, 64, 64}));
    CHECK(at::equal(a.images, b.images));
    CHECK(!at::allclose(a.images, c.images));
    CHECK(at::isfinite(a.decoded).all().item<bool>());
}

TEST_CASE("Kandinsky makes variations without a prompt and mixes weighted image prompts",
          "[ml][pipelines]") {
    const auto p = load(PipelineTestFolders::kandinskyWithPrior());
    InpaintParameters params = quick();
    params.prompt.clear();
    InpaintOutput variation, mixed, other;
    REQUIRE(p->run(inputs(), params, {}, variation).isOk());

    InpaintTensors in = inputs();
    in.imagePrompts.push_back(1 - PipelineTestFolders::image(48));
    params.imagePromptWeights = {0.7};
    params.prompt = "a hat";
    params.textWeight = 0.3;
    REQUIRE(p->run(in, params, {}, mixed).isOk());
    params.imagePromptWeights = {0.2};
    REQUIRE(p->run(in, params, {}, other).isOk());
    CHECK(!at::allclose(variation.images, mixed.images));
    CHECK(!at::allclose(mixed.images, other.images));

    params.imagePromptWeights.clear();
    InpaintOutput out;
    const Status s = p->run(in, params, {}, out);
    CHECK(s.code() == Status::Code::BadInput);
}

TEST_CASE("Kandinsky cancel during the decoder stops within one step", "[ml][pipelines]") {
    const auto p = load(PipelineTestFolders::kandinskyWithPrior());
    std::atomic<bool> cancel{false};
    int steps = 0;
    InpaintCallbacks cb;
    cb.cancel = &cancel;
    cb.previewEvery = 1;
    cb.progress = [&](const InpaintProgress& progress) {
        ++steps;
        CHECK(progress.preview.sizes() == at::IntArrayRef({1, 3, 32, 32}));
        cancel = true;
    };
    InpaintParameters params = quick();
    params.steps = 4;
    InpaintOutput out;
    CHECK(p->run(inputs(), params, cb, out).code() == Status::Code::Cancelled);
    CHECK(steps == 1);
}
