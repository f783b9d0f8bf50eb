// Soft inpainting (differential diffusion, DenoisingLoop): a mask's grey levels say how much each
// pixel may change, on both families and on 4- and 9-channel UNets; binary masks run exactly as
// before.
#include "engine/ml/pipelines/DenoisingLoop.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/InpaintTrace.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"
#include "tests/ml/pipelines/SpearmanCorrelation.h"
#include "tests/ml/pipelines/TinyStableDiffusion.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <nlohmann/json.hpp>

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;
using limner::tests::spearman;
using limner::tests::TinyStableDiffusion;

namespace {

std::unique_ptr<InpaintPipeline> load(const std::string& folder) {
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(folder, c10::kCPU, c10::kFloat, p);
    INFO(s.message());
    REQUIRE(s.isOk());
    return p;
}

std::string fourChannelSd() {
    static const std::string folder = [] {
        const std::string dir = PipelineTestFolders::scratch("soft-sd-4ch");
        TinyStableDiffusion::sd1(/*inpainting=*/false, 5).writeDiffusersFolder(dir);
        return dir;
    }();
    return folder;
}

struct Model {
    const char* name;
    std::string folder;
};

std::vector<Model> models() {
    return {{"SD, 9-channel UNet", PipelineTestFolders::stableDiffusion()},
            {"SD, 4-channel UNet", fourChannelSd()},
            {"Kandinsky 2.2", PipelineTestFolders::kandinskyWithPrior()}};
}

InpaintParameters settings(bool soft) {
    InpaintParameters p;
    p.prompt = "a squirrel";
    p.negativePrompt = "blurry";
    p.steps = 20;
    p.priorSteps = 3;
    p.guidanceScale = 4.0;
    p.seed = 11;
    p.softMask = soft;
    return p;
}

// A mask that rises from 0.05 at the left edge to 1 at the right, on every row.
at::Tensor horizontalRamp(std::int64_t size) {
    return at::linspace(0.05, 1.0, size).view({1, 1, 1, size}).expand({1, 1, size, size}).contiguous();
}

} // namespace

TEST_CASE("A pixel of strength s follows the model in the last s · N of N steps", "[ml][soft]") {
    DenoisingLoop loop;
    InpaintParameters p = settings(true);
    p.steps = 10;
    const nlohmann::json ddim = {{"_class_name", "DDIMScheduler"}, {"beta_schedule", "scaled_linear"},
                                 {"beta_start", 0.00085},          {"beta_end", 0.012},
                                 {"num_train_timesteps", 1000},    {"steps_offset", 1}};
    REQUIRE(loop.prepare(ddim, "test", p).isOk());
    const std::vector<double>& t = loop.thresholds();
    REQUIRE(t.size() == 11);
    const at::Tensor strength = at::tensor({0.0f, 0.3f, 0.5f, 0.95f, 1.0f}).view({1, 1, 1, 5});
    std::vector<int> freeSteps(5, 0);
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        const at::Tensor f = DenoisingLoop::freeAt(strength, t[k]);
        for (int j = 0; j < 5; ++j)
            freeSteps[static_cast<std::size_t>(j)] += f[0][0][0][j].item<float>() > 0 ? 1 : 0;
    }
    CHECK(freeSteps == std::vector<int>{0, 3, 5, 10, 10});
    // After the last step everything with any strength keeps what the model made.
    CHECK(at::equal(DenoisingLoop::freeAt(strength, t.back()),
                    at::tensor({0.0f, 1.0f, 1.0f, 1.0f, 1.0f}).view({1, 1, 1, 5})));
}

TEST_CASE("A binary mask gives the same pixels with Soft on as with it off", "[ml][soft]") {
    for (const Model& model : models()) {
        INFO(model.name);
        const auto p = load(model.folder);
        InpaintTensors in;
        in.image = PipelineTestFolders::image(32);
        in.mask = PipelineTestFolders::centreMask(32);
        InpaintParameters hard = settings(false), soft = settings(true);
        hard.steps = soft.steps = 4;
        InpaintOutput a, b;
        REQUIRE(p->run(in, hard, {}, a).isOk());
        REQUIRE(p->run(in, soft, {}, b).isOk());
        CHECK(at::equal(a.images, b.images));
        // Without Soft, grey levels are binarised at 0.5 as they always were.
        InpaintTensors grey = in;
        grey.mask = in.mask * 0.75;
        InpaintOutput c;
        REQUIRE(p->run(grey, hard, {}, c).isOk());
        CHECK(at::equal(a.images, c.images));
    }
}

TEST_CASE("Along a ramp mask the change grows with the strength (Spearman >= 0.9)", "[ml][soft]") {
    for (const Model& model : models()) {
        INFO(model.name);
        const auto p = load(model.folder);
        InpaintTensors in;
        in.image = PipelineTestFolders::image(64);
        in.mask = horizontalRamp(64);
        InpaintParameters params = settings(true);
        params.candidates = 4;
        InpaintOutput out;
        InpaintTrace trace;
        REQUIRE(p->run(in, params, {}, out, &trace).isOk());
        REQUIRE(trace.knownLatents.defined());
        // The change the model made, per latent column: how far the final latents moved from the
        // encoded picture (random weights decode nothing meaningful, so pixels would not tell).
        const at::Tensor change =
            (trace.latentsPerStep.back() - trace.knownLatents).abs().mean({0, 1, 2});
        std::vector<double> perColumn(change.data_ptr<float>(),
                                      change.data_ptr<float>() + change.numel());
        std::vector<double> position(perColumn.size());
        for (std::size_t j = 0; j < position.size(); ++j)
            position[j] = static_cast<double>(j);
        const double rho = spearman(position, perColumn);
        INFO("Spearman rho " << rho << ", change left " << perColumn.front() << ", right "
                             << perColumn.back());
        CHECK(rho >= 0.9);
        // And it is the same ramp, not a hard edge: the middle changed less than the right edge
        // and more than the left.
        const double middle = perColumn[perColumn.size() / 2];
        CHECK(middle > perColumn.front());
        CHECK(middle < perColumn.back());
    }
}
