#include "engine/ml/pipelines/SingleFileCheckpoint.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/ModelSummary.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "engine/ml/pipelines/SchedulerChoice.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"
#include "tests/ml/pipelines/TinyStableDiffusion.h"

#include <filesystem>
#include <fstream>

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;
using limner::tests::TinyStableDiffusion;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const c10::Device cpu(c10::kCPU);

SingleFileCheckpoint openCheckpoint(const std::string& path) {
    SingleFileCheckpoint checkpoint;
    const Status s = SingleFileCheckpoint::open(path, checkpoint);
    INFO(s.message());
    REQUIRE(s.isOk());
    return checkpoint;
}

Status openStatus(const std::string& path) {
    SingleFileCheckpoint checkpoint;
    return SingleFileCheckpoint::open(path, checkpoint);
}

template <typename Source>
json configOf(const Source& source, const std::string& component,
              const std::string& file = "config.json") {
    json config;
    const Status s = source.readJson(component, file, config);
    INFO(component << "/" << file << ": " << s.message());
    REQUIRE(s.isOk());
    return config;
}

template <typename Source>
StateDict weightsOf(const Source& source, const std::string& component,
                    c10::ScalarType dtype = c10::kFloat) {
    StateDict weights;
    const Status s = source.loadWeights(component, cpu, dtype, weights);
    INFO(component << ": " << s.message());
    REQUIRE(s.isOk());
    return weights;
}

PipelineFolder openFolder(const std::string& path) {
    PipelineFolder folder;
    REQUIRE(PipelineFolder::open(path, folder).isOk());
    return folder;
}

void requireSameWeights(const StateDict& expected, const StateDict& got) {
    CHECK(got.size() == expected.size());
    for (const auto& [name, tensor] : expected) {
        INFO(name);
        const auto it = got.find(name);
        REQUIRE(it != got.end());
        REQUIRE(it->second.sizes() == tensor.sizes());
        REQUIRE(it->second.scalar_type() == tensor.scalar_type());
        REQUIRE(at::equal(it->second, tensor));
    }
}

// Every key of the config the model was made from has the same value in the inferred one.
void requireConfigCovers(const json& made, const json& inferred, const std::vector<std::string>& skip) {
    for (const auto& [key, value] : made.items()) {
        if (std::find(skip.begin(), skip.end(), key) != skip.end())
            continue;
        INFO(key << ": made " << value.dump() << ", inferred "
                 << (inferred.contains(key) ? inferred[key].dump() : "nothing"));
        CHECK(inferred.contains(key));
        CHECK((inferred.contains(key) && inferred[key] == value));
    }
}

// The modules built from the folder and from the checkpoint compute bit-identical outputs.
void requireSameModules(const std::string& folderPath, const SingleFileCheckpoint& checkpoint) {
    const PipelineFolder folder = openFolder(folderPath);
    for (const char* component : {"unet", "vae", "text_encoder"}) {
        INFO(component);
        requireSameWeights(weightsOf(folder, component), weightsOf(checkpoint, component));
    }

    UNet2DConditionModel unetA, unetB;
    REQUIRE(UNet2DConditionModel::load(configOf(folder, "unet"), weightsOf(folder, "unet"), cpu,
                                       c10::kFloat, unetA)
                .isOk());
    const Status unetLoaded = UNet2DConditionModel::load(
        configOf(checkpoint, "unet"), weightsOf(checkpoint, "unet"), cpu, c10::kFloat, unetB);
    INFO(unetLoaded.message());
    REQUIRE(unetLoaded.isOk());
    at::manual_seed(5);
    const std::int64_t context = configOf(folder, "unet")["cross_attention_dim"].get<std::int64_t>();
    const at::Tensor sample = at::randn({2, unetA.inChannels(), 16, 16});
    const at::Tensor text = at::randn({2, 77, context});
    const at::Tensor t = at::tensor({981.0, 20.0});
    const at::Tensor epsA = unetA.forward(sample, t, text, {});
    CHECK(epsA.abs().sum().item<double>() > 0.0);
    CHECK(at::equal(epsA, unetB.forward(sample, t, text, {})));

    AutoencoderKl vaeA, vaeB;
    REQUIRE(
        AutoencoderKl::load(configOf(folder, "vae"), weightsOf(folder, "vae"), cpu, c10::kFloat, vaeA)
            .isOk());
    REQUIRE(AutoencoderKl::load(configOf(checkpoint, "vae"), weightsOf(checkpoint, "vae"), cpu,
                                c10::kFloat, vaeB)
                .isOk());
    const at::Tensor image = PipelineTestFolders::image(32) * 2 - 1;
    const AutoencoderKl::Posterior pA = vaeA.encode(image), pB = vaeB.encode(image);
    CHECK(at::equal(pA.mean, pB.mean));
    CHECK(at::equal(pA.std, pB.std));
    CHECK(vaeA.scalingFactor() == vaeB.scalingFactor());
    CHECK(at::equal(vaeA.decode(pA.mean), vaeB.decode(pA.mean)));

    ClipTextModel textA, textB;
    REQUIRE(ClipTextModel::load(configOf(folder, "text_encoder"), weightsOf(folder, "text_encoder"),
                                ClipTextModel::Head::Pooled, cpu, c10::kFloat, textA)
                .isOk());
    REQUIRE(ClipTextModel::load(configOf(checkpoint, "text_encoder"),
                                weightsOf(checkpoint, "text_encoder"), ClipTextModel::Head::Pooled, cpu,
                                c10::kFloat, textB)
                .isOk());
    const at::Tensor ids = at::randint(0, 49407, {2, 77}, at::TensorOptions().dtype(at::kLong));
    const ClipTextModel::Output oA = textA.forward(ids, {}, false), oB = textB.forward(ids, {}, false);
    CHECK(at::equal(oA.lastHiddenState, oB.lastHiddenState));
    CHECK(at::equal(oA.pooled, oB.pooled));
}

void writeJson(const fs::path& path, const json& value) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << value.dump(2);
}

// The diffusers folder a checkpoint stands for, written from its readJson() and loadWeights().
void materialise(const SingleFileCheckpoint& checkpoint, const std::string& folder) {
    const fs::path root(folder);
    writeJson(root / "model_index.json", configOf(checkpoint, "", "model_index.json"));
    writeJson(root / "scheduler" / "scheduler_config.json",
              configOf(checkpoint, "scheduler", "scheduler_config.json"));
    for (const char* file : {"tokenizer_config.json", "special_tokens_map.json"})
        writeJson(root / "tokenizer" / file, configOf(checkpoint, "tokenizer", file));
    const fs::path clip = fs::path(PipelineTestFolders::parityDir()) / "tokenizer" / "tokenizer";
    for (const char* file : {"vocab.json", "merges.txt"})
        fs::copy_file(clip / file, root / "tokenizer" / file, fs::copy_options::overwrite_existing);
    for (const auto& [component, file] : {std::pair{"unet", "diffusion_pytorch_model.safetensors"},
                                          std::pair{"vae", "diffusion_pytorch_model.safetensors"},
                                          std::pair{"text_encoder", "model.safetensors"}}) {
        writeJson(root / component / "config.json", configOf(checkpoint, component));
        const StateDict weights = weightsOf(checkpoint, component);
        const std::map<std::string, at::Tensor> sorted(weights.begin(), weights.end());
        REQUIRE(Safetensors::write((root / component / file).string(), {sorted.begin(), sorted.end()})
                    .isOk());
    }
}

std::int64_t elementsOf(const StateDict& weights) {
    std::int64_t n = 0;
    for (const auto& [name, t] : weights)
        n += t.numel();
    return n;
}

// A safetensors file written byte by byte, so that a test can give a tensor any dtype name.
void writeRawSafetensors(const std::string& path,
                         const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                         const std::map<std::string, std::string>& dtypeNames) {
    static const std::map<at::ScalarType, std::string> names = {
        {at::kFloat, "F32"}, {at::kHalf, "F16"}, {at::kBFloat16, "BF16"},
        {at::kLong, "I64"},  {at::kInt, "I32"},  {at::kByte, "U8"}};
    json header = json::object();
    std::string data;
    for (const auto& [name, tensor] : tensors) {
        const at::Tensor t = tensor.contiguous();
        const auto renamed = dtypeNames.find(name);
        header[name] = {
            {"dtype", renamed != dtypeNames.end() ? renamed->second : names.at(t.scalar_type())},
            {"shape", t.sizes().vec()},
            {"data_offsets", {data.size(), data.size() + t.numel() * t.element_size()}}};
        data.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::ofstream out(path, std::ios::binary);
    const std::uint64_t length = text.size();
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((length >> (8 * i)) & 0xFF));
    out << text << data;
}

std::vector<std::pair<std::string, at::Tensor>>
withoutPrefix(std::vector<std::pair<std::string, at::Tensor>> tensors, const std::string& prefix) {
    tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                 [&](const auto& t) { return t.first.rfind(prefix, 0) == 0; }),
                  tensors.end());
    return tensors;
}

void requireRefused(const std::string& path, const std::vector<std::string>& words) {
    const Status s = openStatus(path);
    INFO(s.message());
    CHECK(!s.isOk());
    CHECK(s.message().find(path) != std::string::npos);
    for (const std::string& word : words)
        CHECK(s.message().find(word) != std::string::npos);
}

} // namespace

TEST_CASE("An SD 1.x inpainting checkpoint in one LDM file gives the diffusers folder's weights and "
          "bit-identical UNet, VAE and text encoder outputs",
          "[ml][pipelines][single-file]") {
    const TinyStableDiffusion model = TinyStableDiffusion::sd1(/*inpainting=*/true, 7);
    const std::string dir = PipelineTestFolders::scratch("single-file-sd1");
    model.writeDiffusersFolder(dir + "/folder");
    model.writeLdmFile(dir + "/model.safetensors");
    const SingleFileCheckpoint checkpoint = openCheckpoint(dir + "/model.safetensors");
    CHECK(checkpoint.family() == SingleFileCheckpoint::Family::StableDiffusion1);
    CHECK(checkpoint.isInpainting());
    CHECK(checkpoint.className() == "StableDiffusionInpaintPipeline");
    requireSameModules(dir + "/folder", checkpoint);
    // EMA copies, schedule buffers, loss weights and position_ids are not weights of the pipeline.
    CHECK(checkpoint.components() == std::vector<std::string>{"text_encoder", "unet", "vae"});
    CHECK(checkpoint.parameterCounts() ==
          std::map<std::string, std::int64_t>{
              {"float32", elementsOf(model.unet) + elementsOf(model.vae) + elementsOf(model.text)}});
}

TEST_CASE("An SD 2.x checkpoint (OpenCLIP tower, linear projections, two transformer blocks) gives the "
          "diffusers folder's weights and bit-identical module outputs",
          "[ml][pipelines][single-file]") {
    const TinyStableDiffusion model = TinyStableDiffusion::sd2Model(/*inpainting=*/true, 8);
    const std::string dir = PipelineTestFolders::scratch("single-file-sd2");
    model.writeDiffusersFolder(dir + "/folder");
    model.writeLdmFile(dir + "/model.safetensors");
    const SingleFileCheckpoint checkpoint = openCheckpoint(dir + "/model.safetensors");
    CHECK(checkpoint.family() == SingleFileCheckpoint::Family::StableDiffusion2);
    CHECK(checkpoint.isInpainting());
    // q/k/v come split from OpenCLIP's fused projection; the unused last layer is not loaded.
    requireSameModules(dir + "/folder", checkpoint);
    CHECK(checkpoint.parameterCounts().at("float32") ==
          elementsOf(model.unet) + elementsOf(model.vae) + elementsOf(model.text));
}

TEST_CASE("A single-file checkpoint, loaded as it is and written out from its configs and weights, "
          "paints the same pixels as the diffusers folder it was made from",
          "[ml][pipelines][single-file]") {
    const TinyStableDiffusion model = TinyStableDiffusion::sd1(/*inpainting=*/true, 11);
    const std::string dir = PipelineTestFolders::scratch("single-file-pixels");
    model.writeDiffusersFolder(dir + "/original");
    model.writeLdmFile(dir + "/model.safetensors");
    const SingleFileCheckpoint checkpoint = openCheckpoint(dir + "/model.safetensors");
    materialise(checkpoint, dir + "/converted");

    InpaintTensors in;
    in.image = PipelineTestFolders::image(32);
    in.mask = PipelineTestFolders::centreMask(32);
    InpaintParameters p;
    p.prompt = "a squirrel eating a burger!";
    p.negativePrompt = "blurry";
    p.steps = 3;
    p.guidanceScale = 6.0;
    p.seed = 42;
    InpaintOutput original, converted, direct;
    for (const auto& [folder, output] :
         {std::pair{dir + "/original", &original}, std::pair{dir + "/converted", &converted},
          std::pair{dir + "/model.safetensors", &direct}}) {
        std::unique_ptr<InpaintPipeline> pipeline;
        const Status loaded = InpaintPipeline::load(folder, cpu, c10::kFloat, pipeline);
        INFO(folder << ": " << loaded.message());
        REQUIRE(loaded.isOk());
        REQUIRE(pipeline->run(in, p, {}, *output).isOk());
    }
    CHECK(original.images.sizes() == at::IntArrayRef({1, 3, 32, 32}));
    CHECK(at::equal(original.images, converted.images));
    CHECK(at::equal(original.images, direct.images));
    ModelSummary summary;
    REQUIRE(inspectModel(dir + "/model.safetensors", summary).isOk());
    CHECK(summary.family == "Stable Diffusion");
    CHECK(summary.parameters == checkpoint.parameterCounts().at("float32"));
    CHECK(summary.storedDtype == "float32");
    CHECK(summary.bytesOnDisk == std::filesystem::file_size(dir + "/model.safetensors"));

    // The tokenizer built from Limner's CLIP vocabulary is the folder's.
    ClipTokenizer shipped, fromFolder;
    REQUIRE(checkpoint.loadTokenizer(shipped).isOk());
    REQUIRE(ClipTokenizer::load(dir + "/converted/tokenizer", fromFolder).isOk());
    CHECK(shipped.encodePadded(p.prompt).ids == fromFolder.encodePadded(p.prompt).ids);
    CHECK(shipped.padId() == 49407);
}

TEST_CASE("F16 and BF16 tensors load converted from the dtype their header names",
          "[ml][pipelines][single-file]") {
    const TinyStableDiffusion model = TinyStableDiffusion::sd1(/*inpainting=*/false, 21);
    const std::string path = PipelineTestFolders::scratch("single-file-dtypes") + "/mixed.safetensors";
    TinyStableDiffusion::LdmOptions options;
    options.dtypes = {{"unet", c10::kHalf}, {"text_encoder", c10::kBFloat16}};
    model.writeLdmFile(path, options);
    const SingleFileCheckpoint checkpoint = openCheckpoint(path);
    CHECK(checkpoint.parameterCounts() ==
          std::map<std::string, std::int64_t>{{"float16", elementsOf(model.unet)},
                                              {"bfloat16", elementsOf(model.text)},
                                              {"float32", elementsOf(model.vae)}});
    auto rounded = [](const StateDict& weights, c10::ScalarType stored, c10::ScalarType loaded) {
        StateDict result;
        for (const auto& [name, t] : weights)
            result.emplace(name, t.to(stored).to(loaded));
        return result;
    };
    requireSameWeights(rounded(model.unet, c10::kHalf, c10::kFloat), weightsOf(checkpoint, "unet"));
    requireSameWeights(rounded(model.unet, c10::kHalf, c10::kHalf),
                       weightsOf(checkpoint, "unet", c10::kHalf));
    requireSameWeights(rounded(model.text, c10::kBFloat16, c10::kFloat),
                       weightsOf(checkpoint, "text_encoder"));
    requireSameWeights(rounded(model.vae, c10::kFloat, c10::kHalf),
                       weightsOf(checkpoint, "vae", c10::kHalf));
}

TEST_CASE("SD 1.x and 2.x, inpainting and ordinary, are told apart by tensor shapes whatever the file "
          "is called",
          "[ml][pipelines][single-file]") {
    const std::string dir = PipelineTestFolders::scratch("single-file-detection");
    struct Case {
        TinyStableDiffusion model;
        std::string fileName; // each one lies
        SingleFileCheckpoint::Family family;
        bool inpainting;
    };
    const std::vector<Case> cases = {
        {TinyStableDiffusion::sd2Model(false, 1), "sd-v1-5-inpainting.safetensors",
         SingleFileCheckpoint::Family::StableDiffusion2, false},
        {TinyStableDiffusion::sd1(false, 2), "512-inpainting-ema.safetensors",
         SingleFileCheckpoint::Family::StableDiffusion1, false},
        {TinyStableDiffusion::sd2Model(true, 3), "v1-5-pruned-emaonly.safetensors",
         SingleFileCheckpoint::Family::StableDiffusion2, true},
        {TinyStableDiffusion::sd1(true, 4), "sd_xl_base_1.0.safetensors",
         SingleFileCheckpoint::Family::StableDiffusion1, true}};
    for (const Case& c : cases) {
        INFO(c.fileName);
        c.model.writeLdmFile(dir + "/" + c.fileName);
        const SingleFileCheckpoint checkpoint = openCheckpoint(dir + "/" + c.fileName);
        CHECK(checkpoint.family() == c.family);
        CHECK(checkpoint.isInpainting() == c.inpainting);
        CHECK(checkpoint.className() ==
              (c.inpainting ? "StableDiffusionInpaintPipeline" : "StableDiffusionPipeline"));
        CHECK((checkpoint.description().find("inpainting") != std::string::npos) == c.inpainting);
        const bool sd2 = c.family == SingleFileCheckpoint::Family::StableDiffusion2;
        CHECK(checkpoint.description().find(sd2 ? "2.x" : "1.x") != std::string::npos);

        // The configs the model was made from, read back from its shapes and the conventions.
        requireConfigCovers(c.model.unetConfig, configOf(checkpoint, "unet"), {"sample_size"});
        requireConfigCovers(c.model.vaeConfig, configOf(checkpoint, "vae"), {"sample_size"});
        requireConfigCovers(c.model.textConfig, configOf(checkpoint, "text_encoder"), {});
        const json index = configOf(checkpoint, "", "model_index.json");
        CHECK(index["_class_name"] == checkpoint.className());

        const json scheduler = configOf(checkpoint, "scheduler", "scheduler_config.json");
        CHECK(scheduler["prediction_type"] == "epsilon");
        CHECK(scheduler["_class_name"] == (!sd2 && c.inpainting ? "DDIMScheduler" : "PNDMScheduler"));
        std::unique_ptr<Scheduler> made;
        CHECK(SchedulerChoice::create(scheduler, "scheduler_config.json", {}, 0.0, made).isOk());

        CHECK(configOf(checkpoint, "tokenizer", "special_tokens_map.json")["pad_token"] ==
              (sd2 ? "!" : "<|endoftext|>"));
        ClipTokenizer tokenizer;
        REQUIRE(checkpoint.loadTokenizer(tokenizer).isOk());
        CHECK(tokenizer.padId() == (sd2 ? 0 : 49407));
        CHECK(checkpoint.hasComponent("tokenizer"));
        CHECK(checkpoint.hasComponent("scheduler"));
        CHECK(!checkpoint.hasComponent("movq"));
        json none;
        CHECK(checkpoint.readJson("movq", "config.json", none).code() == Status::Code::NotFound);
    }
}

TEST_CASE("An ordinary SD 2.x checkpoint with a widely spread last attention norm bias reads as a "
          "768-pixel v-prediction model",
          "[ml][pipelines][single-file]") {
    TinyStableDiffusion model = TinyStableDiffusion::sd2Model(/*inpainting=*/false, 31);
    for (auto& [name, tensor] : model.unet) {
        if (name.rfind("up_blocks.", 0) == 0 &&
            name.find("transformer_blocks.0.norm1.bias") != std::string::npos)
            tensor = tensor * 4; // std about 0.2 where epsilon models keep it near 0.05
    }
    const std::string path = PipelineTestFolders::scratch("single-file-v") + "/model.safetensors";
    model.writeLdmFile(path);
    const SingleFileCheckpoint checkpoint = openCheckpoint(path);
    const json scheduler = configOf(checkpoint, "scheduler", "scheduler_config.json");
    CHECK(scheduler["prediction_type"] == "v_prediction");
    CHECK(scheduler["_class_name"] == "DDIMScheduler");
    const json unet = configOf(checkpoint, "unet");
    CHECK(unet["upcast_attention"] == true);
    CHECK(unet["sample_size"].get<int>() * 2 == 768); // the tiny VAE halves
}

TEST_CASE("SD 1.x files without \"text_model.\" in their text encoder names load the same weights",
          "[ml][pipelines][single-file]") {
    const TinyStableDiffusion model = TinyStableDiffusion::sd1(/*inpainting=*/false, 41);
    const std::string path =
        PipelineTestFolders::scratch("single-file-old-clip") + "/model.safetensors";
    TinyStableDiffusion::LdmOptions options;
    options.oldClipNames = true;
    model.writeLdmFile(path, options);
    requireSameWeights(model.text, weightsOf(openCheckpoint(path), "text_encoder"));
}

TEST_CASE("Files that are no SD 1.x/2.x checkpoint are refused with a message saying what they are",
          "[ml][pipelines][single-file]") {
    const std::string dir = PipelineTestFolders::scratch("single-file-hostile");
    const TinyStableDiffusion sd1 = TinyStableDiffusion::sd1(/*inpainting=*/true, 51);
    const auto tensors = sd1.ldmTensors({});
    REQUIRE(Safetensors::write(dir + "/good.safetensors", tensors).isOk());
    std::ifstream in(dir + "/good.safetensors", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    SECTION("truncated or garbage files") {
        for (const std::size_t size :
             {bytes.size() / 2, std::size_t{100}, std::size_t{4}, std::size_t{0}}) {
            const std::string path = dir + "/cut" + std::to_string(size) + ".safetensors";
            std::ofstream(path, std::ios::binary) << bytes.substr(0, size);
            requireRefused(path, {});
        }
        std::string garbage(4096, '\0');
        for (std::size_t i = 0; i < garbage.size(); ++i)
            garbage[i] = static_cast<char>((i * 7919 + 13) % 251);
        std::ofstream(dir + "/garbage.safetensors", std::ios::binary) << garbage;
        requireRefused(dir + "/garbage.safetensors", {});
        CHECK(openStatus(dir + "/absent.safetensors").code() == Status::Code::NotFound);
    }
    SECTION("a pickle checkpoint is never opened") {
        std::ofstream(dir + "/model.ckpt", std::ios::binary) << bytes;
        requireRefused(dir + "/model.ckpt", {"pickle"});
    }
    SECTION("no UNet: a VAE alone, a text encoder alone, other tensors") {
        REQUIRE(Safetensors::write(dir + "/vae.safetensors",
                                   withoutPrefix(withoutPrefix(tensors, "model."), "cond_stage_model."))
                    .isOk());
        requireRefused(dir + "/vae.safetensors", {"VAE"});
        REQUIRE(Safetensors::write(dir + "/misc.safetensors", {{"weight", at::ones({3, 3})}}).isOk());
        requireRefused(dir + "/misc.safetensors", {"not a Stable Diffusion checkpoint"});
        const std::string diffusersUnet = dir + "/folder/unet/diffusion_pytorch_model.safetensors";
        sd1.writeDiffusersFolder(dir + "/folder");
        requireRefused(diffusersUnet, {"diffusers"});
    }
    SECTION("a LoRA") {
        REQUIRE(
            Safetensors::write(
                dir + "/lora.safetensors",
                {{"lora_unet_down_blocks_0_attentions_0_proj_in.alpha", at::tensor(4.0f)},
                 {"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", at::zeros({4, 320})},
                 {"lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight", at::zeros({320, 4})}})
                .isOk());
        requireRefused(dir + "/lora.safetensors", {"LoRA"});
    }
    SECTION("SDXL") {
        auto sdxl = withoutPrefix(tensors, "cond_stage_model.");
        sdxl.push_back({"conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias",
                        at::zeros({1280})});
        REQUIRE(Safetensors::write(dir + "/sdxl.safetensors", sdxl).isOk());
        requireRefused(dir + "/sdxl.safetensors", {"SDXL"});
    }
    SECTION("a checkpoint without VAE or text encoder") {
        REQUIRE(
            Safetensors::write(dir + "/novae.safetensors", withoutPrefix(tensors, "first_stage_model."))
                .isOk());
        requireRefused(dir + "/novae.safetensors", {"no VAE"});
        REQUIRE(
            Safetensors::write(dir + "/notext.safetensors", withoutPrefix(tensors, "cond_stage_model."))
                .isOk());
        requireRefused(dir + "/notext.safetensors", {"no text encoder"});
    }
    SECTION("8-bit floats, unknown UNet tensors, 8 input channels, a broken fused projection") {
        auto fp8 = tensors;
        for (auto& [name, t] : fp8) {
            if (name == "model.diffusion_model.out.2.weight")
                t = at::zeros(t.sizes(), at::kByte); // one byte per element, as F8 has
        }
        writeRawSafetensors(dir + "/fp8.safetensors", fp8,
                            {{"model.diffusion_model.out.2.weight", "F8_E4M3"}});
        requireRefused(dir + "/fp8.safetensors", {"F8_E4M3", "8-bit float"});

        auto unknown = tensors;
        unknown.push_back({"model.diffusion_model.input_blocks.1.0.extra_gate.weight", at::zeros({4})});
        REQUIRE(Safetensors::write(dir + "/unknown.safetensors", unknown).isOk());
        requireRefused(dir + "/unknown.safetensors", {"extra_gate"});

        auto pix2pix = tensors;
        for (auto& [name, t] : pix2pix) {
            if (name == "model.diffusion_model.input_blocks.0.0.weight")
                t = at::zeros({t.size(0), 8, 3, 3});
        }
        REQUIRE(Safetensors::write(dir + "/pix2pix.safetensors", pix2pix).isOk());
        requireRefused(dir + "/pix2pix.safetensors", {"InstructPix2Pix"});

        auto fused = TinyStableDiffusion::sd2Model(false, 52).ldmTensors({});
        for (auto& [name, t] : fused) {
            if (name == "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight")
                t = at::zeros({t.size(0) + 1, t.size(1)});
        }
        REQUIRE(Safetensors::write(dir + "/fused.safetensors", fused).isOk());
        requireRefused(dir + "/fused.safetensors", {"q/k/v"});
    }
}
