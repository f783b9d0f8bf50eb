#include "engine/ml/config/ConfigReader.h"
#include "engine/ml/config/JsonFile.h"
#include "engine/ml/config/HubCache.h"
#include "engine/ml/config/ModelCard.h"
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

TEST_CASE("A Kandinsky decoder's model card names its prior in any YAML list form", "[ml][config]") {
    const auto dir = freshDirectory("card");
    // As kandinsky-community/kandinsky-2-2-decoder-inpaint's README.md begins.
    writeFile(dir / "block.md", "---\nlicense: apache-2.0\nprior:\n- kandinsky-community/kandinsky-2-2-prior\n"
                                "tags:\n- text-to-image\n- kandinsky\ninference: false\n---\n# Kandinsky\n");
    CHECK(ModelCard::priorRepos((dir / "block.md").string()) ==
          std::vector<std::string>{"kandinsky-community/kandinsky-2-2-prior"});
    writeFile(dir / "flow.md", "---\nprior: [\"org/prior-a\", org/prior-b]  # two\n---\n");
    CHECK(ModelCard::priorRepos((dir / "flow.md").string()) ==
          std::vector<std::string>{"org/prior-a", "org/prior-b"});
    writeFile(dir / "scalar.md", "---\nprior: 'org/p'\n---\n");
    CHECK(ModelCard::priorRepos((dir / "scalar.md").string()) == std::vector<std::string>{"org/p"});
    // Not front matter, another key's list, a path instead of a repo id: no prior.
    writeFile(dir / "none.md", "# Title\nprior:\n- org/p\n");
    CHECK(ModelCard::priorRepos((dir / "none.md").string()).empty());
    writeFile(dir / "other.md", "---\ntags:\n- org/p\nprior:\n- ../../etc\n---\n");
    CHECK(ModelCard::priorRepos((dir / "other.md").string()).empty());
    CHECK(ModelCard::priorRepos((dir / "missing.md").string()).empty());
}

TEST_CASE("Repo ids map to the hub cache's folder names and back", "[ml][config]") {
    CHECK(HubCache::repoFolderName("kandinsky-community/kandinsky-2-2-prior") ==
          "models--kandinsky-community--kandinsky-2-2-prior");
    std::string id, revision;
    CHECK(HubCache::repoIdFromFolderName("models--stabilityai--stable-diffusion-2-inpainting", id));
    CHECK(id == "stabilityai/stable-diffusion-2-inpainting");
    CHECK_FALSE(HubCache::repoIdFromFolderName("datasets--org--name", id));
    CHECK(HubCache::splitReference("org/name@v1.0", id, revision));
    CHECK((id == "org/name" && revision == "v1.0"));
    CHECK(HubCache::splitReference("org/name", id, revision));
    CHECK(revision == "main");
    for (const char* bad : {"name", "org/name/x", "../etc", "org/..", "org/na me", "/abs", "org/"})
        CHECK_FALSE(HubCache::isRepoId(bad));
}

TEST_CASE("The hub cache resolves a revision to its snapshot through refs", "[ml][config]") {
    const auto root = freshDirectory("hub");
    HubCache cache(root.string());
    const std::string id = "org/model";
    const std::string oldCommit(40, 'a'), newCommit(40, 'b');
    writeFile(fs::path(cache.snapshotDir(id, oldCommit)) / "model_index.json", "{}");
    writeFile(fs::path(cache.snapshotDir(id, newCommit)) / "model_index.json", "{}");
    std::string folder;
    // No refs/main yet (an interrupted first download): the newest snapshot.
    fs::last_write_time(cache.snapshotDir(id, oldCommit),
                        fs::last_write_time(cache.snapshotDir(id, newCommit)) + std::chrono::hours(1));
    REQUIRE(cache.snapshot(id, "main", folder));
    CHECK(fs::path(folder).filename() == oldCommit);
    writeFile(cache.refPath(id, "main"), newCommit);
    REQUIRE(cache.snapshot(id, "main", folder));
    CHECK(fs::path(folder).filename() == newCommit);
    CHECK(cache.snapshots(id).front() == folder);
    REQUIRE(cache.snapshot(id, oldCommit, folder));
    CHECK(fs::path(folder).filename() == oldCommit);
    CHECK(cache.snapshot(id, "v2", folder).code() == Status::Code::NotFound);
    CHECK(cache.snapshot("org/absent", "main", folder).code() == Status::Code::NotFound);
    CHECK(cache.repos() == std::vector<std::string>{"org/model"});
    CHECK(cache.lockPath(id, "abc") == (root / ".locks" / "models--org--model" / "abc.lock").string());
}

TEST_CASE("The hub cache is where huggingface_hub's variables put it", "[ml][config]") {
    const auto setOrUnset = [](const char* name, const char* value) {
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    };
    setOrUnset("HF_HUB_CACHE", nullptr);
    setOrUnset("HUGGINGFACE_HUB_CACHE", nullptr);
    setOrUnset("HF_HOME", "/data/hf");
    CHECK(HubCache::defaultRoot() == "/data/hf/hub");
    CHECK(HubCache::legacyDiffusersRoot() == "/data/hf/diffusers");
    setOrUnset("HUGGINGFACE_HUB_CACHE", "/legacy");
    CHECK(HubCache::defaultRoot() == "/legacy");
    setOrUnset("HF_HUB_CACHE", "/new");
    CHECK(HubCache::defaultRoot() == "/new");
    setOrUnset("HF_HUB_CACHE", nullptr);
    setOrUnset("HUGGINGFACE_HUB_CACHE", nullptr);
    setOrUnset("HF_HOME", nullptr);
    setOrUnset("XDG_CACHE_HOME", "/xdg");
    CHECK(HubCache::defaultRoot() == "/xdg/huggingface/hub");
    setOrUnset("XDG_CACHE_HOME", nullptr);
    const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
    CHECK(HubCache::defaultRoot() == home + "/.cache/huggingface/hub");
}
