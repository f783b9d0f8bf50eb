#include "engine/ml/pipelines/InpaintPipeline.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <filesystem>

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;
namespace fs = std::filesystem;

TEST_CASE("A model folder with pickle weights is refused with a pointer to safetensors",
          "[ml][pipelines]") {
    const std::string dir =
        PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "pickle");
    fs::rename(fs::path(dir) / "unet" / "diffusion_pytorch_model.safetensors",
               fs::path(dir) / "unet" / "diffusion_pytorch_model.bin");
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(dir, c10::kCPU, c10::kFloat, p);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK(s.message().find("diffusion_pytorch_model.bin") != std::string::npos);
    CHECK(s.message().find("safetensors") != std::string::npos);
    CHECK(!p);
}

TEST_CASE("A model folder missing a component names it", "[ml][pipelines]") {
    const std::string dir =
        PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "no-vae");
    fs::remove_all(fs::path(dir) / "vae");
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(dir, c10::kCPU, c10::kFloat, p);
    CHECK(s.code() == Status::Code::NotFound);
    CHECK(s.message().find("lacks vae/") != std::string::npos);
}

TEST_CASE("Weights of another configuration are refused naming the tensor", "[ml][pipelines]") {
    const std::string dir =
        PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "swapped");
    // The Kandinsky decoder's UNet weights do not fit the SD UNet config.
    fs::copy_file(fs::path(PipelineTestFolders::kandinskyDecoder()) / "unet" /
                      "diffusion_pytorch_model.safetensors",
                  fs::path(dir) / "unet" / "diffusion_pytorch_model.safetensors",
                  fs::copy_options::overwrite_existing);
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(dir, c10::kCPU, c10::kFloat, p);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK(s.message().rfind("unet: ", 0) == 0);
    CHECK(s.message().find("tensor") != std::string::npos);
}

TEST_CASE("A folder that is no inpainting model says what Limner takes", "[ml][pipelines]") {
    const std::string dir = PipelineTestFolders::scratch("empty-model");
    std::unique_ptr<InpaintPipeline> p;
    Status s = InpaintPipeline::load(dir, c10::kCPU, c10::kFloat, p);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK(s.message().find("Kandinsky 2.2 inpainting and Stable Diffusion inpainting") !=
          std::string::npos);
    s = InpaintPipeline::load(dir + "/missing", c10::kCPU, c10::kFloat, p);
    CHECK(s.code() == Status::Code::NotFound);
}
