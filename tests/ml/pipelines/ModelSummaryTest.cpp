#include "engine/ml/pipelines/ModelSummary.h"

#include "engine/ml/io/Safetensors.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <filesystem>

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;
namespace fs = std::filesystem;

TEST_CASE("Inspecting a model folder names its family, size and parameter count", "[ml][pipelines]") {
    ModelSummary sd;
    REQUIRE(inspectModel(PipelineTestFolders::stableDiffusion(), sd));
    CHECK(sd.family == "Stable Diffusion");
    CHECK(sd.acceptsPrompt);
    CHECK(!sd.acceptsImagePrompts);
    CHECK(sd.sizeMultiple > 0);
    CHECK(sd.nativeSize % sd.sizeMultiple == 0);
    CHECK(sd.components == std::vector<std::string>{"text_encoder", "unet", "vae"});
    CHECK(sd.storedDtype == "float32");
    // The parameter count is the sum over the safetensors headers of the three components.
    std::int64_t expected = 0;
    for (const char* c : {"text_encoder/model.safetensors", "unet/diffusion_pytorch_model.safetensors",
                          "vae/diffusion_pytorch_model.safetensors"}) {
        Safetensors file;
        REQUIRE(Safetensors::open(PipelineTestFolders::stableDiffusion() + "/" + c, file));
        for (const auto& e : file.header().entries()) {
            std::int64_t n = 1;
            for (auto d : e.shape)
                n *= d;
            if (e.dtype == SafetensorsDtype::F32)
                expected += n;
        }
    }
    CHECK(sd.parameters == expected);
    std::int64_t byComponent = 0;
    for (const auto& [component, parameters] : sd.componentParameters)
        byComponent += parameters;
    CHECK(byComponent == expected);
    CHECK(sd.componentParameters.size() == 3);
    CHECK(sd.weightBytes(2) == static_cast<std::uint64_t>(expected) * 2);
    CHECK(sd.bytesOnDisk > static_cast<std::uint64_t>(expected) * 4);

    ModelSummary k;
    const Status ks = inspectModel(PipelineTestFolders::kandinskyWithPrior(), k);
    INFO(ks.message());
    REQUIRE(ks);
    CHECK(k.family == "Kandinsky 2.2");
    CHECK(k.acceptsPrompt);
    CHECK(k.acceptsImagePrompts);
    // sample_size is null: 64 latents at the MoVQ factor (2 in this tiny model; 8, so 512 px, in
    // the real Kandinsky 2.2).
    CHECK(k.nativeSize == 128);
    // The prior's image tower is counted on its own (a text job never reads it).
    CHECK(k.componentParameters.count("prior_image_encoder") == 1);
    CHECK(k.componentParameters.at("prior_image_encoder") > 0);

    ModelSummary decoderOnly;
    REQUIRE(inspectModel(PipelineTestFolders::kandinskyDecoder(), decoderOnly));
    CHECK(!decoderOnly.acceptsPrompt);
}

TEST_CASE("Inspecting a broken model folder names the tensor and reads no weights", "[ml][pipelines]") {
    const std::string dir =
        PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "inspect-misshaped");
    // Re-write the VAE with one tensor of the wrong shape.
    const std::string vae = dir + "/vae/diffusion_pytorch_model.safetensors";
    Safetensors file;
    REQUIRE(Safetensors::open(vae, file));
    std::unordered_map<std::string, at::Tensor> tensors;
    REQUIRE(file.loadAll(tensors, at::kFloat, at::kCPU));
    const std::string victim = "decoder.conv_out.weight";
    REQUIRE(tensors.count(victim) == 1);
    tensors[victim] = at::zeros({tensors[victim].size(0), tensors[victim].size(1) + 1, 3, 3});
    file = Safetensors();
    REQUIRE(Safetensors::write(vae, {tensors.begin(), tensors.end()}));
    ModelSummary summary;
    const Status s = inspectModel(dir, summary);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK(s.message().find(victim) != std::string::npos);
    CHECK(summary.family.empty());

    // A truncated weight file is caught by the header check.
    fs::resize_file(vae, fs::file_size(vae) / 2);
    CHECK(!inspectModel(dir, summary));
}
