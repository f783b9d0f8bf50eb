#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/ClipVisionModel.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

using limner::engine::Status;
using limner::engine::ml::ClipTextModel;
using limner::engine::ml::ClipVisionModel;
using limner::tests::ParityFixture;

namespace {

void checkMatches(const ParityFixture& f, const std::string& name, const at::Tensor& got) {
    INFO(f.report(name, got));
    CHECK(f.excess(name, got) <= 0.0);
}

void checkTextFixture(const std::string& fixtureName) {
    const ParityFixture f(fixtureName);
    ClipTextModel model;
    const Status s =
        ClipTextModel::load(f.config(), f.weights(), ClipTextModel::headFromConfig(f.config()),
                            at::kCPU, at::kFloat, model);
    INFO(s.message());
    REQUIRE(s.isOk());
    const at::Tensor ids = f.input("input_ids");
    const at::Tensor mask = f.input("attention_mask");
    for (const bool masked : {false, true}) {
        const std::string suffix = masked ? "_masked" : "";
        const ClipTextModel::Output o = model.forward(ids, masked ? mask : at::Tensor(), !masked);
        checkMatches(f, "last_hidden_state" + suffix, o.lastHiddenState);
        if (f.hasOutput("pooler_output" + suffix))
            checkMatches(f, "pooler_output" + suffix, o.pooled);
        if (f.hasOutput("text_embeds" + suffix))
            checkMatches(f, "text_embeds" + suffix, o.textEmbeds);
        if (!masked && f.hasOutput("hidden_states"))
            checkMatches(f, "hidden_states", at::stack(o.hiddenStates));
    }
}

} // namespace

TEST_CASE("CLIP text encoder reproduces transformers' SD-style text embeddings", "[ml][nn][parity]") {
    checkTextFixture("clip_text");
}

TEST_CASE("CLIP text encoder pools at the eos token when the config names a real eos id",
          "[ml][nn][parity]") {
    checkTextFixture("clip_text_eos_pooling");
}

TEST_CASE("CLIP text encoder with projection reproduces transformers' text_embeds",
          "[ml][nn][parity]") {
    checkTextFixture("clip_text_with_projection");
}

TEST_CASE("CLIP vision tower reproduces transformers' image embeddings", "[ml][nn][parity]") {
    const ParityFixture f("clip_vision");
    ClipVisionModel model;
    const Status s = ClipVisionModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, model);
    INFO(s.message());
    REQUIRE(s.isOk());
    const ClipVisionModel::Output o = model.forward(f.input("pixel_values"), true);
    checkMatches(f, "image_embeds", o.imageEmbeds);
    checkMatches(f, "last_hidden_state", o.lastHiddenState);
    checkMatches(f, "penultimate_hidden_state", o.hiddenStates[o.hiddenStates.size() - 2]);
}

TEST_CASE("Loading refuses an activation it does not implement, naming the key and value", "[ml][nn]") {
    const ParityFixture f("clip_text");
    nlohmann::json config = f.config();
    config["hidden_act"] = "swiglu";
    ClipTextModel model;
    const Status s = ClipTextModel::load(config, f.weights(), ClipTextModel::Head::Pooled, at::kCPU,
                                         at::kFloat, model);
    REQUIRE_FALSE(s.isOk());
    CHECK(s.code() == Status::Code::ModelFormat);
    CHECK(s.message().find("hidden_act") != std::string::npos);
    CHECK(s.message().find("swiglu") != std::string::npos);
}

TEST_CASE("Loading names a missing or mis-shaped tensor", "[ml][nn]") {
    const ParityFixture f("clip_text");
    auto weights = f.weights();
    weights.erase("text_model.final_layer_norm.weight");
    ClipTextModel model;
    Status s = ClipTextModel::load(f.config(), weights, ClipTextModel::Head::Pooled, at::kCPU,
                                   at::kFloat, model);
    REQUIRE_FALSE(s.isOk());
    CHECK(s.message().find("text_model.final_layer_norm.weight") != std::string::npos);

    weights = f.weights();
    weights["text_model.encoder.layers.0.mlp.fc1.weight"] = at::zeros({3, 3});
    s = ClipTextModel::load(f.config(), weights, ClipTextModel::Head::Pooled, at::kCPU, at::kFloat,
                            model);
    REQUIRE_FALSE(s.isOk());
    CHECK(s.message().find("text_model.encoder.layers.0.mlp.fc1.weight") != std::string::npos);
}

TEST_CASE("Loading refuses weights of a bigger model than the config describes", "[ml][nn]") {
    const ParityFixture f("clip_text");
    nlohmann::json config = f.config();
    config["num_hidden_layers"] = config["num_hidden_layers"].get<int>() - 1;
    ClipTextModel model;
    const Status s = ClipTextModel::load(config, f.weights(), ClipTextModel::Head::Pooled, at::kCPU,
                                         at::kFloat, model);
    REQUIRE_FALSE(s.isOk());
    CHECK(s.message().find("has no place for") != std::string::npos);
}

TEST_CASE("A CLIP text encoder saved without the text_model. wrapper gives the same embeddings",
          "[ml][nn]") {
    const ParityFixture f("clip_text");
    limner::engine::ml::StateDict unwrapped;
    const std::string prefix = "text_model.";
    for (const auto& [name, tensor] : f.weights())
        unwrapped.emplace(name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name, tensor);
    REQUIRE(unwrapped.count("embeddings.token_embedding.weight") == 1);
    ClipTextModel model;
    const Status s = ClipTextModel::load(
        f.config(), unwrapped, ClipTextModel::headFromConfig(f.config()), at::kCPU, at::kFloat, model);
    INFO(s.message());
    REQUIRE(s.isOk());
    checkMatches(f, "last_hidden_state",
                 model.forward(f.input("input_ids"), at::Tensor(), false).lastHiddenState);
}
