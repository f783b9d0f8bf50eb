#include "engine/ml/io/Safetensors.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/ModelSummary.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <ATen/ATen.h>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sys/inotify.h>
#include <unistd.h>

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;
namespace fs = std::filesystem;

namespace {

const char* const decoderReadme = "---\nlicense: apache-2.0\nprior:\n- kandinsky-community/kandinsky-2-2-prior\n"
                                  "tags:\n- kandinsky\ninference: false\n---\n# Kandinsky 2.2 inpainting\n";

std::unique_ptr<InpaintPipeline> load(const PipelineFolder& folder) {
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(folder, c10::kCPU, c10::kFloat, p);
    INFO(s.message());
    REQUIRE(s.isOk());
    return p;
}

std::unique_ptr<InpaintPipeline> load(const std::string& location) {
    PipelineFolder folder;
    const Status s = PipelineFolder::open(location, folder);
    INFO(s.message());
    REQUIRE(s.isOk());
    return load(folder);
}

at::Tensor inpaintPixels(InpaintPipeline& pipeline, const std::string& prompt) {
    InpaintTensors in;
    in.image = PipelineTestFolders::image(64);
    in.mask = PipelineTestFolders::centreMask(64);
    InpaintParameters p;
    p.prompt = prompt;
    p.steps = 2;
    p.priorSteps = 3;
    p.seed = 11;
    InpaintOutput out;
    const Status s = pipeline.run(in, p, {}, out);
    INFO(s.message());
    REQUIRE(s.isOk());
    return out.images;
}

void writeText(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// Rewrites every tensor of a safetensors file as float16 (to), or as float32 holding the same
// float16-rounded values (roundedTo), so both files load to identical float32 weights.
void halfAndRounded(const fs::path& from, const fs::path& to, const fs::path& roundedTo) {
    Safetensors file;
    REQUIRE(Safetensors::open(from.string(), file));
    std::vector<std::pair<std::string, at::Tensor>> half, rounded;
    for (const std::string& name : file.names()) {
        at::Tensor t;
        REQUIRE(file.tensor(name, t));
        if (!t.is_floating_point()) {
            half.emplace_back(name, t);
            rounded.emplace_back(name, t);
            continue;
        }
        half.emplace_back(name, t.to(at::kHalf));
        rounded.emplace_back(name, t.to(at::kHalf).to(at::kFloat));
    }
    REQUIRE(Safetensors::write(to.string(), half));
    REQUIRE(Safetensors::write(roundedTo.string(), rounded));
}

// Sets an environment variable for one scope, then puts back what was there.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value)
        : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_had = true;
            m_old = old;
        }
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (m_had)
            ::setenv(m_name, m_old.c_str(), 1);
        else
            ::unsetenv(m_name);
    }

private:
    const char* m_name;
    bool m_had = false;
    std::string m_old;
};

// Watches folders for any file being opened (inotify IN_OPEN); lists the names opened.
class OpenWatch {
public:
    explicit OpenWatch(const std::vector<fs::path>& folders)
        : m_fd(inotify_init1(IN_NONBLOCK)) {
        REQUIRE(m_fd >= 0);
        for (const fs::path& folder : folders)
            REQUIRE(inotify_add_watch(m_fd, folder.c_str(), IN_OPEN) >= 0);
    }
    ~OpenWatch() { ::close(m_fd); }
    std::vector<std::string> opened() {
        std::vector<std::string> names;
        alignas(inotify_event) char buffer[1 << 16];
        for (;;) {
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + i);
                if (event->len > 0)
                    names.emplace_back(event->name);
                i += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            }
        }
        return names;
    }

private:
    int m_fd;
};

} // namespace

TEST_CASE("A Kandinsky decoder and its prior cached as two hub repos give the combined folder's "
          "pixels",
          "[ml][pipelines][models]") {
    const std::string cache = PipelineTestFolders::scratch("hub-kandinsky");
    const std::string decoderSource =
        PipelineTestFolders::copyOf(PipelineTestFolders::kandinskyDecoder(), "decoder-published");
    writeText(fs::path(decoderSource) / "README.md", decoderReadme);
    const std::string decoder = PipelineTestFolders::addToHubCache(
        cache, "kandinsky-community/kandinsky-2-2-decoder-inpaint", decoderSource, std::string(40, 'd'));
    const std::string prior =
        PipelineTestFolders::addToHubCache(cache, "kandinsky-community/kandinsky-2-2-prior",
                                           PipelineTestFolders::kandinskyPriorPipeline(),
                                           std::string(40, 'e'));
    REQUIRE(fs::is_symlink(fs::path(decoder) / "unet" / "diffusion_pytorch_model.safetensors"));

    const auto combined = load(PipelineTestFolders::kandinskyWithPrior());
    const at::Tensor expected = inpaintPixels(*combined, "a hat");

    // Opened as the snapshot or as the repo folder, the decoder finds its prior in its cache.
    for (const std::string& location :
         {decoder, cache + "/models--kandinsky-community--kandinsky-2-2-decoder-inpaint"}) {
        PipelineFolder folder;
        REQUIRE(PipelineFolder::open(location, folder));
        CHECK(folder.priorRepoWanted() == "kandinsky-community/kandinsky-2-2-prior");
        REQUIRE(folder.prior());
        CHECK(fs::equivalent(folder.prior()->root(), prior));
        const auto pipeline = load(folder);
        CHECK(pipeline->acceptsPrompt());
        CHECK(at::equal(inpaintPixels(*pipeline, "a hat"), expected));
    }

    ModelSummary summary;
    REQUIRE(inspectModel(decoder, summary));
    CHECK(fs::equivalent(summary.priorFolder, prior));
    CHECK(std::count(summary.components.begin(), summary.components.end(), "prior:prior") == 1);
    ModelSummary decoderOnly;
    REQUIRE(inspectModel(PipelineTestFolders::kandinskyDecoder(), decoderOnly));
    CHECK(summary.parameters > decoderOnly.parameters);
}

TEST_CASE("A decoder whose prior is not at hand says which prior to get, and pairs with one chosen",
          "[ml][pipelines][models]") {
    const std::string decoder =
        PipelineTestFolders::copyOf(PipelineTestFolders::kandinskyDecoder(), "decoder-alone");
    writeText(fs::path(decoder) / "README.md", decoderReadme);
    const ScopedEnv emptyHub("HF_HUB_CACHE", PipelineTestFolders::scratch("empty-hub"));
    PipelineFolder folder;
    REQUIRE(PipelineFolder::open(decoder, folder));
    CHECK(!folder.prior());
    {
        const auto pipeline = load(folder);
        CHECK(!pipeline->acceptsPrompt());
        InpaintOutput out;
        InpaintTensors in;
        in.image = PipelineTestFolders::image(64);
        in.mask = PipelineTestFolders::centreMask(64);
        InpaintParameters p;
        p.prompt = "a hat";
        p.steps = 1;
        const Status s = pipeline->run(in, p, {}, out);
        CHECK(s.code() == Status::Code::BadInput);
        CHECK_THAT(s.message(), Catch::Contains("kandinsky-community/kandinsky-2-2-prior"));
    }
    // The user picks the prior's folder once: the pair runs as the combined folder does.
    REQUIRE(folder.attachPrior(PipelineTestFolders::kandinskyPriorPipeline()));
    const auto paired = load(folder);
    const auto combined = load(PipelineTestFolders::kandinskyWithPrior());
    CHECK(at::equal(inpaintPixels(*paired, "a hat"), inpaintPixels(*combined, "a hat")));
    // A folder that is no prior pipeline is refused and leaves the pairing as it was.
    const Status wrong = folder.attachPrior(PipelineTestFolders::stableDiffusion());
    CHECK(wrong.code() == Status::Code::NotFound);
    CHECK_THAT(wrong.message(), Catch::Contains("not a Kandinsky 2.2 prior"));
    CHECK(folder.prior());
    // The prior alone is not an inpainting model, and says what to open instead.
    std::unique_ptr<InpaintPipeline> p;
    const Status priorOnly =
        InpaintPipeline::load(PipelineTestFolders::kandinskyPriorPipeline(), c10::kCPU, c10::kFloat, p);
    CHECK(priorOnly.code() == Status::Code::ModelFormat);
    CHECK_THAT(priorOnly.message(), Catch::Contains("choose this folder as its prior"));
}

TEST_CASE("A repo id opens the model from the hub cache, and one not cached says how to get it",
          "[ml][pipelines][models]") {
    const std::string cache = PipelineTestFolders::scratch("hub-sd");
    const std::string snapshot = PipelineTestFolders::addToHubCache(
        cache, "sd-legacy/tiny-inpainting", PipelineTestFolders::stableDiffusion(), std::string(40, 'a'));
    auto hub = std::make_unique<ScopedEnv>("HF_HUB_CACHE", cache);
    PipelineFolder folder;
    REQUIRE(PipelineFolder::open("sd-legacy/tiny-inpainting", folder));
    CHECK(fs::equivalent(folder.root(), snapshot));
    REQUIRE(PipelineFolder::open("sd-legacy/tiny-inpainting@" + std::string(40, 'a'), folder));
    const Status missing = PipelineFolder::open("sd-legacy/other-model", folder);
    CHECK(missing.code() == Status::Code::NotFound);
    CHECK_THAT(missing.message(), Catch::Contains("models download sd-legacy/other-model"));
    hub.reset();

    // A blob deleted under its link: an unfinished download, not a crash or "no weights".
    fs::remove(fs::canonical(fs::path(snapshot) / "vae" / "diffusion_pytorch_model.safetensors"));
    std::unique_ptr<InpaintPipeline> p;
    const Status s = InpaintPipeline::load(snapshot, c10::kCPU, c10::kFloat, p);
    CHECK(s.code() == Status::Code::NotFound);
    CHECK_THAT(s.message(), Catch::Contains("unfinished or deleted download"));
}

TEST_CASE("An fp16-only Stable Diffusion folder with pickle decoys gives the fp32 folder's pixels "
          "and never opens a pickle",
          "[ml][pipelines][models]") {
    const std::string fp16 = PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "sd-fp16");
    const std::string fp32 = PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "sd-fp32");
    std::vector<fs::path> watched;
    for (const auto& [component, stem] : {std::pair<const char*, const char*>{"unet", "diffusion_pytorch_model"},
                                          {"vae", "diffusion_pytorch_model"},
                                          {"text_encoder", "model"}}) {
        const fs::path dir = fs::path(fp16) / component;
        const fs::path plain = dir / (std::string(stem) + ".safetensors");
        halfAndRounded(plain, dir / (std::string(stem) + ".fp16.safetensors"),
                       fs::path(fp32) / component / (std::string(stem) + ".safetensors"));
        fs::remove(plain);
        // As stable-diffusion-v1-5/stable-diffusion-inpainting: pickles in fp32 and fp16 beside.
        const std::string stemBin = component == std::string("text_encoder") ? "pytorch_model" : stem;
        writeText(dir / (stemBin + ".bin"), "\x80\x02}q\x00.");
        writeText(dir / (stemBin + ".fp16.bin"), "\x80\x02}q\x00.");
        watched.push_back(dir);
    }
    OpenWatch watch(watched);
    PipelineFolder folder;
    REQUIRE(PipelineFolder::open(fp16, folder));
    std::vector<std::string> files;
    REQUIRE(folder.weightFiles("unet", files));
    CHECK(fs::path(files.at(0)).filename() == "diffusion_pytorch_model.fp16.safetensors");
    const at::Tensor fromHalf = inpaintPixels(*load(folder), "a hat");
    for (const std::string& name : watch.opened())
        CHECK(fs::path(name).extension() != ".bin");
    CHECK(at::equal(fromHalf, inpaintPixels(*load(fp32), "a hat")));

    ModelSummary summary;
    REQUIRE(inspectModel(fp16, summary));
    CHECK(summary.storedDtype == "float16");
}

TEST_CASE("A component with only pickle weights names the files to download instead",
          "[ml][pipelines][models]") {
    const std::string dir = PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "sd-pickle");
    const fs::path unet = fs::path(dir) / "unet";
    fs::remove(unet / "diffusion_pytorch_model.safetensors");
    writeText(unet / "diffusion_pytorch_model.bin", "\x80\x02");
    writeText(unet / "diffusion_pytorch_model.fp16.bin", "\x80\x02");
    PipelineFolder folder;
    REQUIRE(PipelineFolder::open(dir, folder));
    std::vector<std::string> files;
    const Status s = folder.weightFiles("unet", files);
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK_THAT(s.message(), Catch::Contains("diffusion_pytorch_model.bin, diffusion_pytorch_model.fp16.bin") &&
                                Catch::Contains("download unet/diffusion_pytorch_model.safetensors"));
    CHECK(files.empty());
    // By name or by content: a pickle or zip archive renamed .safetensors is still refused.
    for (const char* name : {"model.ckpt", "pytorch_model.bin", "model.pt"})
        CHECK(PipelineFolder::checkWeightsFile((unet / name).string()).code() == Status::Code::ModelFormat);
    writeText(unet / "diffusion_pytorch_model.safetensors", "PK\x03\x04rest");
    CHECK_THAT(folder.weightFiles("unet", files).message(), Catch::Contains("TorchScript"));
}

TEST_CASE("Sharded weights load through their index, variant and legacy index names included",
          "[ml][pipelines][models]") {
    const std::string dir = PipelineTestFolders::copyOf(PipelineTestFolders::stableDiffusion(), "sd-shards");
    const fs::path vae = fs::path(dir) / "vae";
    Safetensors whole;
    REQUIRE(Safetensors::open((vae / "diffusion_pytorch_model.safetensors").string(), whole));
    std::vector<std::pair<std::string, at::Tensor>> first, second;
    nlohmann::json map = nlohmann::json::object();
    const std::vector<std::string> names = whole.names();
    for (std::size_t i = 0; i < names.size(); ++i) {
        at::Tensor t;
        REQUIRE(whole.tensor(names[i], t));
        const bool firstHalf = i < names.size() / 2;
        (firstHalf ? first : second).emplace_back(names[i], t.to(at::kHalf));
        map[names[i]] = firstHalf ? "diffusion_pytorch_model-00001-of-00002.fp16.safetensors"
                                  : "diffusion_pytorch_model-00002-of-00002.fp16.safetensors";
    }
    fs::remove(vae / "diffusion_pytorch_model.safetensors");
    REQUIRE(Safetensors::write((vae / "diffusion_pytorch_model-00001-of-00002.fp16.safetensors").string(), first));
    REQUIRE(Safetensors::write((vae / "diffusion_pytorch_model-00002-of-00002.fp16.safetensors").string(), second));
    writeText(vae / "diffusion_pytorch_model.safetensors.fp16.index.json",
              nlohmann::json{{"metadata", {{"total_size", 1}}}, {"weight_map", map}}.dump());
    PipelineFolder folder;
    REQUIRE(PipelineFolder::open(dir, folder));
    std::vector<std::string> files;
    REQUIRE(folder.weightFiles("vae", files));
    CHECK(files.size() == 2);
    StateDict weights;
    REQUIRE(folder.loadWeights("vae", c10::kCPU, c10::kFloat, weights));
    CHECK(weights.size() == names.size());
    CHECK(weights.begin()->second.scalar_type() == at::kFloat);
    // A shard named by the index but missing is named in the message.
    fs::remove(vae / "diffusion_pytorch_model-00002-of-00002.fp16.safetensors");
    const Status s = folder.weightFiles("vae", files);
    CHECK(s.code() == Status::Code::NotFound);
    CHECK_THAT(s.message(), Catch::Contains("00002-of-00002"));
}

TEST_CASE("A text-prompted Kandinsky job never reads the image tower once its zero embedding is "
          "cached",
          "[ml][pipelines][models]") {
    const std::string cacheDir = PipelineTestFolders::scratch("limner-cache");
    const ScopedEnv cacheEnv("LIMNER_CACHE_DIR", cacheDir);
    const std::string folder = PipelineTestFolders::kandinskyWithPrior();
    const fs::path tower = fs::path(folder) / "prior_image_encoder";
    const auto towerOpens = [](OpenWatch& watch) {
        const std::vector<std::string> names = watch.opened();
        return std::count(names.begin(), names.end(), "model.safetensors");
    };
    OpenWatch watch({tower});
    const auto first = load(folder); // computes the zero-image embedding and keeps it
    CHECK(towerOpens(watch) >= 1);
    int entries = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(cacheDir) / "zero-image-embeddings"))
        entries += entry.path().filename().string().rfind("zero-embedding-", 0) == 0;
    CHECK(entries == 1);
    const at::Tensor computed = inpaintPixels(*first, "a hat");

    const auto second = load(folder);
    const at::Tensor cached = inpaintPixels(*second, "a hat");
    CHECK(towerOpens(watch) == 0);
    CHECK(at::equal(cached, computed));
    // A variation (no prompt: the picture is the reference) reads the tower, and frees it after
    // each job: the next one reads it again.
    inpaintPixels(*second, "");
    CHECK(towerOpens(watch) >= 1);
    inpaintPixels(*second, "");
    CHECK(towerOpens(watch) >= 1);
}
