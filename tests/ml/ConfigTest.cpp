#include "engine/ml/config/ConfigReader.h"
#include "engine/ml/config/JsonFile.h"
#include "engine/ml/config/ModelFolder.h"
#include "engine/ml/schedulers/SchedulerFactory.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <filesystem>
#include <fstream>

using limner::engine::Status;
using namespace limner::engine::ml;
namespace fs = std::filesystem;

namespace {

fs::path freshDirectory(const std::string& name) {
    const fs::path dir = fs::path(LIMNER_BINARY_DIR) / ("ml_config_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void writeFile(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

} // namespace

TEST_CASE("Configs written by Python with -Infinity are read", "[ml][config]") {
    nlohmann::json json;
    REQUIRE(JsonFile::parse(R"({"lambda_min_clipped": -Infinity, "name": "-Infinity"})", "test", json));
    ConfigReader c(json, "test");
    CHECK(std::isinf(c.number("lambda_min_clipped", 0)));
    CHECK(c.string("name", "") == "-Infinity");
}

TEST_CASE("An unimplemented config value is an error naming the key and the value", "[ml][config]") {
    const auto json =
        nlohmann::json::parse(R"({"_class_name": "DDIMScheduler", "thresholding": true})");
    std::unique_ptr<Scheduler> scheduler;
    const Status s = SchedulerFactory::create(json, "scheduler_config.json", scheduler);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK_THAT(s.message(), Catch::Contains("\"thresholding\"") && Catch::Contains("true"));
    CHECK_FALSE(scheduler);

    const auto spacing = nlohmann::json::parse(R"({"_class_name": "EulerDiscreteScheduler",
                                                   "timestep_spacing": "cosine"})");
    const Status t = SchedulerFactory::create(spacing, "scheduler_config.json", scheduler);
    CHECK_THAT(t.message(), Catch::Contains("\"timestep_spacing\"") && Catch::Contains("cosine"));
}

TEST_CASE("An unknown scheduler class is refused with the list of known ones", "[ml][config]") {
    std::unique_ptr<Scheduler> scheduler;
    const Status s = SchedulerFactory::create(
        nlohmann::json::parse(R"({"_class_name": "LMSDiscreteScheduler"})"), "x", scheduler);
    CHECK_THAT(s.message(),
               Catch::Contains("LMSDiscreteScheduler") && Catch::Contains("DDIMScheduler"));
}

TEST_CASE("A pipeline folder resolves into its components", "[ml][config]") {
    const auto dir = freshDirectory("pipeline");
    writeFile(dir / "model_index.json", R"({"_class_name": "StableDiffusionInpaintPipeline",
        "_diffusers_version": "0.25.1", "requires_safety_checker": false,
        "safety_checker": [null, null], "unet": ["diffusers", "UNet2DConditionModel"],
        "scheduler": ["diffusers", "DDIMScheduler"], "tokenizer": ["transformers", "CLIPTokenizer"]})");
    writeFile(dir / "unet" / "config.json", R"({"_class_name": "UNet2DConditionModel"})");
    writeFile(dir / "unet" / "diffusion_pytorch_model.safetensors",
              std::string("\x02\0\0\0\0\0\0\0{}", 10));
    writeFile(dir / "scheduler" / "scheduler_config.json", R"({"_class_name": "DDIMScheduler"})");
    writeFile(dir / "tokenizer" / "vocab.json", "{}");
    ModelFolder folder;
    REQUIRE(ModelFolder::open(dir.string(), folder));
    CHECK(folder.pipelineClass() == "StableDiffusionInpaintPipeline");
    CHECK(folder.components().size() == 3);
    REQUIRE(folder.component("unet"));
    CHECK(folder.component("unet")->className == "UNet2DConditionModel");
    CHECK(folder.component("tokenizer")->library == "transformers");
    CHECK_FALSE(folder.component("safety_checker"));
    std::string weights;
    REQUIRE(ModelFolder::findWeights(folder.component("unet")->path, weights));
    CHECK(fs::path(weights).filename() == "diffusion_pytorch_model.safetensors");
    nlohmann::json config;
    REQUIRE(ModelFolder::readConfig(folder.component("scheduler")->path, config));
    CHECK(config["_class_name"] == "DDIMScheduler");
}

TEST_CASE("A pipeline folder missing a listed component says which", "[ml][config]") {
    const auto dir = freshDirectory("missing");
    writeFile(dir / "model_index.json",
              R"({"_class_name": "P", "vae": ["diffusers", "AutoencoderKL"]})");
    ModelFolder folder;
    const Status s = ModelFolder::open(dir.string(), folder);
    CHECK(s.code() == Status::Code::NotFound);
    CHECK_THAT(s.message(), Catch::Contains("\"vae\""));
}

TEST_CASE("Pickle and TorchScript weights are refused with a pointer to safetensors", "[ml][config]") {
    const auto dir = freshDirectory("pickle");
    for (const char* name : {"model.ckpt", "pytorch_model.bin", "model.pt"}) {
        writeFile(dir / name, "\x80\x02}q\x00.");
        const Status s = ModelFolder::checkWeightsFile((dir / name).string());
        CHECK(s.code() == Status::Code::ModelFormat);
        CHECK_THAT(s.message(), Catch::Contains("safetensors"));
    }
    // A zip archive (torch.save / TorchScript) renamed to .safetensors is still refused.
    writeFile(dir / "renamed.safetensors", "PK\x03\x04rest");
    CHECK_THAT(ModelFolder::checkWeightsFile((dir / "renamed.safetensors").string()).message(),
               Catch::Contains("TorchScript"));
    const auto only = freshDirectory("only_bin");
    writeFile(only / "diffusion_pytorch_model.bin", "\x80\x02");
    std::string weights;
    const Status s = ModelFolder::findWeights(only.string(), weights);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK(weights.empty());
}
