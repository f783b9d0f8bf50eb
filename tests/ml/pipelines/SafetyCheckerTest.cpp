// diffusers' StableDiffusionSafetyChecker: the decision at each threshold, exactly as diffusers
// makes it, and a `safety_checker/` component read from a model folder and run on pictures.
#include "engine/ml/pipelines/SafetyChecker.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/pipelines/PipelineFolder.h"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using limner::engine::ml::SafetyChecker;

namespace {

constexpr int kDim = 8;

std::vector<double> axis(int k) {
    std::vector<double> v(kDim, 0.0);
    v[static_cast<std::size_t>(k)] = 1.0;
    return v;
}

// An image embedding whose cosine with axis k is exactly `cosine` (and 0 with the others but
// the last axis, which no concept uses).
std::vector<double> embeddingAt(int k, double cosine) {
    std::vector<double> v(kDim, 0.0);
    v[static_cast<std::size_t>(k)] = cosine;
    v[kDim - 1] = std::sqrt(1.0 - cosine * cosine);
    return v;
}

struct Concepts {
    std::vector<std::vector<double>> special{axis(0), axis(1)};
    std::vector<double> specialThresholds{0.3, 0.25};
    std::vector<std::vector<double>> concepts{axis(2), axis(3), axis(4)};
    std::vector<double> conceptThresholds{0.2, 0.22, 0.18};

    SafetyChecker::Verdict verdict(const std::vector<double>& embedding) const {
        return SafetyChecker::decide(SafetyChecker::cosines(embedding, special), specialThresholds,
                                     SafetyChecker::cosines(embedding, concepts), conceptThresholds);
    }
};

} // namespace

TEST_CASE("Safety checker flags a picture just above a concept's threshold and not just below",
          "[ml][safety]") {
    const Concepts c;
    for (int k = 0; k < 3; ++k) {
        const double threshold = c.conceptThresholds[static_cast<std::size_t>(k)];
        INFO("concept " << k);
        const auto above = c.verdict(embeddingAt(2 + k, threshold + 0.002));
        CHECK(above.flagged);
        CHECK(above.badConcepts == std::vector<int>{k});
        CHECK_FALSE(c.verdict(embeddingAt(2 + k, threshold - 0.002)).flagged);
        // diffusers rounds each score to 0.001 before comparing with 0.
        CHECK_FALSE(c.verdict(embeddingAt(2 + k, threshold + 0.0004)).flagged);
        CHECK(c.verdict(embeddingAt(2 + k, threshold + 0.0006)).flagged);
    }
}

TEST_CASE("Safety checker: a special-care concept makes every concept 0.01 stricter", "[ml][safety]") {
    const Concepts c;
    // Cosine 0.195 with concept 0 (threshold 0.2): below it, not flagged on its own...
    std::vector<double> e(kDim, 0.0);
    e[2] = 0.195;
    e[0] = 0.305; // ... but special concept 0 (threshold 0.3) is just above its threshold
    e[kDim - 1] = std::sqrt(1.0 - e[2] * e[2] - e[0] * e[0]);
    const auto withSpecial = c.verdict(e);
    CHECK(withSpecial.specialCare);
    CHECK(withSpecial.flagged); // -0.005 + 0.01 > 0
    e[0] = 0.295;               // special concept just below its threshold: no adjustment
    e[kDim - 1] = std::sqrt(1.0 - e[2] * e[2] - e[0] * e[0]);
    const auto without = c.verdict(e);
    CHECK_FALSE(without.specialCare);
    CHECK_FALSE(without.flagged);
    // A special-care hit alone flags nothing: only the concepts do.
    const auto specialOnly = c.verdict(embeddingAt(1, 0.5));
    CHECK(specialOnly.specialCare);
    CHECK_FALSE(specialOnly.flagged);
}

namespace {

// A StableDiffusionSafetyChecker of tiny sizes with random weights, in diffusers' names, every
// concept threshold set to `threshold`.
void writeSafetyChecker(const std::filesystem::path& root, double threshold) {
    const int hidden = 32, inter = 37, layers = 2, patch = 8, image = 32, projection = 16;
    std::filesystem::create_directories(root / "safety_checker");
    std::filesystem::create_directories(root / "feature_extractor");
    const nlohmann::json config = {{"_class_name", "StableDiffusionSafetyChecker"},
                                   {"model_type", "clip"},
                                   {"projection_dim", projection},
                                   {"vision_config",
                                    {{"hidden_size", hidden},
                                     {"intermediate_size", inter},
                                     {"num_hidden_layers", layers},
                                     {"num_attention_heads", 4},
                                     {"patch_size", patch},
                                     {"image_size", image},
                                     {"num_channels", 3},
                                     {"hidden_act", "quick_gelu"},
                                     {"layer_norm_eps", 1e-5}}}};
    std::ofstream(root / "safety_checker" / "config.json") << config.dump(2);
    std::ofstream(root / "feature_extractor" / "preprocessor_config.json") << nlohmann::json{
        {"image_mean", {0.48145466, 0.4578275, 0.40821073}},
        {"image_std", {0.26862954, 0.26130258, 0.27577711}}}.dump();
    at::manual_seed(7);
    std::vector<std::pair<std::string, at::Tensor>> w;
    auto add = [&](const std::string& name, at::IntArrayRef shape) {
        w.emplace_back(name, at::randn(shape) * 0.05);
    };
    const std::string v = "vision_model.vision_model.";
    add(v + "embeddings.class_embedding", {hidden});
    add(v + "embeddings.patch_embedding.weight", {hidden, 3, patch, patch});
    add(v + "embeddings.position_embedding.weight", {(image / patch) * (image / patch) + 1, hidden});
    for (const char* norm : {"pre_layrnorm", "post_layernorm"}) {
        w.emplace_back(v + norm + ".weight", at::ones({hidden}));
        w.emplace_back(v + norm + ".bias", at::zeros({hidden}));
    }
    for (int i = 0; i < layers; ++i) {
        const std::string l = v + "encoder.layers." + std::to_string(i) + ".";
        for (const char* p : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            add(l + "self_attn." + p + ".weight", {hidden, hidden});
            add(l + "self_attn." + p + ".bias", {hidden});
        }
        for (const char* norm : {"layer_norm1", "layer_norm2"}) {
            w.emplace_back(l + norm + ".weight", at::ones({hidden}));
            w.emplace_back(l + norm + ".bias", at::zeros({hidden}));
        }
        add(l + "mlp.fc1.weight", {inter, hidden});
        add(l + "mlp.fc1.bias", {inter});
        add(l + "mlp.fc2.weight", {hidden, inter});
        add(l + "mlp.fc2.bias", {hidden});
    }
    add("visual_projection.weight", {projection, hidden});
    add("concept_embeds", {17, projection});
    w.emplace_back("concept_embeds_weights", at::full({17}, threshold));
    add("special_care_embeds", {3, projection});
    w.emplace_back("special_care_embeds_weights", at::full({3}, 2.0)); // never reached
    REQUIRE(limner::engine::ml::Safetensors::write(
        (root / "safety_checker" / "model.safetensors").string(), w));
    std::ofstream(root / "model_index.json") << nlohmann::json{
        {"_class_name", "StableDiffusionInpaintPipeline"},
        {"safety_checker", {"stable_diffusion", "StableDiffusionSafetyChecker"}},
        {"feature_extractor",
         {"transformers", "CLIPImageProcessor"}}}.dump();
}

} // namespace

TEST_CASE("Safety checker reads a model folder's safety_checker/ and checks pictures", "[ml][safety]") {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / "limner-safety-checker-test";
    fs::remove_all(root);
    const at::Tensor pictures = at::rand({2, 3, 48, 40}); // any size: resized and cropped to 32
    for (const auto& [threshold, flagged] : {std::pair{-1.5, true}, std::pair{1.5, false}}) {
        writeSafetyChecker(root, threshold);
        limner::engine::ml::PipelineFolder folder;
        REQUIRE(limner::engine::ml::PipelineFolder::open(root.string(), folder));
        SafetyChecker checker;
        const auto status = SafetyChecker::load(folder, c10::kCPU, c10::kFloat, checker);
        INFO(status.message());
        REQUIRE(status);
        const auto verdicts = checker.check(pictures);
        REQUIRE(verdicts.size() == 2);
        for (const auto& verdict : verdicts) {
            CHECK(verdict.flagged == flagged);
            CHECK(verdict.conceptScores.size() == 17);
            CHECK(verdict.specialScores.size() == 3);
        }
    }
    // A checker whose weights are missing a tensor is refused with its name.
    fs::remove(root / "safety_checker" / "model.safetensors");
    std::vector<std::pair<std::string, at::Tensor>> partial{{"concept_embeds", at::zeros({17, 16})}};
    REQUIRE(limner::engine::ml::Safetensors::write(
        (root / "safety_checker" / "model.safetensors").string(), partial));
    limner::engine::ml::PipelineFolder folder;
    REQUIRE(limner::engine::ml::PipelineFolder::open(root.string(), folder));
    SafetyChecker checker;
    const auto status = SafetyChecker::load(folder, c10::kCPU, c10::kFloat, checker);
    CHECK_FALSE(status);
    CHECK(status.message().find("safety_checker") != std::string::npos);
    fs::remove_all(root);
}
