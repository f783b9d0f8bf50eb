#include "tests/ml/pipelines/TinyStableDiffusion.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/RandomWeightScope.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <ATen/ATen.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace limner::tests {

using namespace engine::ml;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

void check(const engine::Status& s, const std::string& what) {
    if (!s)
        throw std::runtime_error(what + ": " + s.message());
}

// Every tensor a module asks for, drawn at random under its diffusers name.
template <typename Load>
StateDict randomWeights(std::uint64_t seed, Load load) {
    StateDict weights;
    RandomWeightScope scope(seed);
    scope.recordInto(&weights);
    load();
    return weights;
}

void writeJson(const fs::path& path, const json& value) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << value.dump(2);
}

void writeWeights(const fs::path& path, const StateDict& weights) {
    fs::create_directories(path.parent_path());
    const std::map<std::string, at::Tensor> sorted(weights.begin(), weights.end());
    check(Safetensors::write(path.string(), {sorted.begin(), sorted.end()}), path.string());
}

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// ---- diffusers → LDM, walking the architecture the config describes ----

enum class Inner { Same, UnetResnet, VaeResnet, VaeAttention };

struct Rule {
    std::string diffusers;
    std::string ldm;
    Inner inner = Inner::Same;
};

std::string renameInner(const std::string& rest, Inner inner) {
    static const std::vector<std::pair<std::string, std::string>> unetResnet = {
        {"norm1.", "in_layers.0."},          {"conv1.", "in_layers.2."},
        {"time_emb_proj.", "emb_layers.1."}, {"norm2.", "out_layers.0."},
        {"conv2.", "out_layers.3."},         {"conv_shortcut.", "skip_connection."}};
    static const std::vector<std::pair<std::string, std::string>> vaeResnet = {
        {"conv_shortcut.", "nin_shortcut."}};
    static const std::vector<std::pair<std::string, std::string>> vaeAttention = {
        {"group_norm.", "norm."},
        {"to_q.", "q."},
        {"to_k.", "k."},
        {"to_v.", "v."},
        {"to_out.0.", "proj_out."}};
    const auto* table = inner == Inner::UnetResnet     ? &unetResnet
                        : inner == Inner::VaeResnet    ? &vaeResnet
                        : inner == Inner::VaeAttention ? &vaeAttention
                                                       : nullptr;
    if (table) {
        for (const auto& [from, to] : *table) {
            if (startsWith(rest, from))
                return to + rest.substr(from.size());
        }
    }
    return rest;
}

std::vector<Rule> unetRules(const json& config) {
    const int levels = static_cast<int>(config["block_out_channels"].size());
    const int resnets = config["layers_per_block"].get<int>();
    std::vector<Rule> rules = {{"conv_in.", "input_blocks.0.0."},
                               {"time_embedding.linear_1.", "time_embed.0."},
                               {"time_embedding.linear_2.", "time_embed.2."},
                               {"conv_norm_out.", "out.0."},
                               {"conv_out.", "out.2."},
                               {"mid_block.resnets.0.", "middle_block.0.", Inner::UnetResnet},
                               {"mid_block.attentions.0.", "middle_block.1."},
                               {"mid_block.resnets.1.", "middle_block.2.", Inner::UnetResnet}};
    int input = 1; // LDM numbers the blocks of the down path one after another
    for (int b = 0; b < levels; ++b) {
        const std::string down = "down_blocks." + std::to_string(b) + ".";
        for (int r = 0; r < resnets; ++r, ++input) {
            const std::string at = "input_blocks." + std::to_string(input) + ".";
            rules.push_back(
                {down + "resnets." + std::to_string(r) + ".", at + "0.", Inner::UnetResnet});
            rules.push_back({down + "attentions." + std::to_string(r) + ".", at + "1."});
        }
        if (b + 1 < levels)
            rules.push_back(
                {down + "downsamplers.0.conv.", "input_blocks." + std::to_string(input++) + ".0.op."});
    }
    int output = 0;
    for (int b = 0; b < levels; ++b) {
        const std::string up = "up_blocks." + std::to_string(b) + ".";
        const bool attention = startsWith(config["up_block_types"][b].get<std::string>(), "CrossAttn");
        for (int r = 0; r <= resnets; ++r, ++output) {
            const std::string at = "output_blocks." + std::to_string(output) + ".";
            rules.push_back({up + "resnets." + std::to_string(r) + ".", at + "0.", Inner::UnetResnet});
            rules.push_back({up + "attentions." + std::to_string(r) + ".", at + "1."});
            // The upsampler follows the block's attention when there is one.
            if (r == resnets && b + 1 < levels)
                rules.push_back({up + "upsamplers.0.conv.", at + (attention ? "2" : "1") + ".conv."});
        }
    }
    return rules;
}

std::vector<Rule> vaeRules(const json& config) {
    const int levels = static_cast<int>(config["block_out_channels"].size());
    const int resnets = config["layers_per_block"].get<int>();
    std::vector<Rule> rules = {{"quant_conv.", "quant_conv."},
                               {"post_quant_conv.", "post_quant_conv."}};
    for (const std::string side : {"encoder.", "decoder."}) {
        rules.push_back({side + "conv_in.", side + "conv_in."});
        rules.push_back({side + "conv_out.", side + "conv_out."});
        rules.push_back({side + "conv_norm_out.", side + "norm_out."});
        rules.push_back({side + "mid_block.resnets.0.", side + "mid.block_1.", Inner::VaeResnet});
        rules.push_back({side + "mid_block.resnets.1.", side + "mid.block_2.", Inner::VaeResnet});
        rules.push_back({side + "mid_block.attentions.0.", side + "mid.attn_1.", Inner::VaeAttention});
    }
    for (int i = 0; i < levels; ++i) {
        const std::string down = "encoder.down_blocks." + std::to_string(i) + ".";
        const std::string ldmDown = "encoder.down." + std::to_string(i) + ".";
        for (int r = 0; r < resnets; ++r)
            rules.push_back({down + "resnets." + std::to_string(r) + ".",
                             ldmDown + "block." + std::to_string(r) + ".", Inner::VaeResnet});
        if (i + 1 < levels)
            rules.push_back({down + "downsamplers.0.conv.", ldmDown + "downsample.conv."});
        // LDM's decoder counts its levels from the full-resolution end.
        const std::string up = "decoder.up_blocks." + std::to_string(i) + ".";
        const std::string ldmUp = "decoder.up." + std::to_string(levels - 1 - i) + ".";
        for (int r = 0; r <= resnets; ++r)
            rules.push_back({up + "resnets." + std::to_string(r) + ".",
                             ldmUp + "block." + std::to_string(r) + ".", Inner::VaeResnet});
        if (i + 1 < levels)
            rules.push_back({up + "upsamplers.0.conv.", ldmUp + "upsample.conv."});
    }
    return rules;
}

void convert(const StateDict& weights, const std::vector<Rule>& rules, const std::string& prefix,
             std::vector<std::pair<std::string, at::Tensor>>& out) {
    for (const auto& [name, tensor] : weights) {
        const Rule* best = nullptr;
        for (const Rule& rule : rules) {
            if (startsWith(name, rule.diffusers) &&
                (!best || rule.diffusers.size() > best->diffusers.size()))
                best = &rule;
        }
        if (!best)
            throw std::runtime_error("the test's LDM writer has no rule for " + name);
        at::Tensor t = tensor;
        // LDM's VAE attention projections are 1×1 convolutions.
        if (best->inner == Inner::VaeAttention && t.dim() == 2)
            t = t.view({t.size(0), t.size(1), 1, 1});
        out.push_back(
            {prefix + best->ldm + renameInner(name.substr(best->diffusers.size()), best->inner), t});
    }
}

// OpenCLIP's names for a CLIPTextModel layer; q, k and v are fused row-wise into in_proj.
void convertOpenClip(const StateDict& weights, const std::string& prefix,
                     std::vector<std::pair<std::string, at::Tensor>>& out) {
    static const std::vector<std::pair<std::string, std::string>> layerNames = {
        {"layer_norm1.", "ln_1."},
        {"layer_norm2.", "ln_2."},
        {"mlp.fc1.", "mlp.c_fc."},
        {"mlp.fc2.", "mlp.c_proj."},
        {"self_attn.out_proj.", "attn.out_proj."}};
    const std::string layers = "text_model.encoder.layers.";
    std::map<std::string, std::map<std::string, at::Tensor>> fused; // layer → "weight_q" …
    for (const auto& [name, tensor] : weights) {
        if (name == "text_model.embeddings.token_embedding.weight") {
            out.push_back({prefix + "token_embedding.weight", tensor});
        } else if (name == "text_model.embeddings.position_embedding.weight") {
            out.push_back({prefix + "positional_embedding", tensor});
        } else if (startsWith(name, "text_model.final_layer_norm.")) {
            out.push_back({prefix + "ln_final." + name.substr(28), tensor});
        } else if (startsWith(name, layers)) {
            const std::string rest = name.substr(layers.size());
            const std::string index = rest.substr(0, rest.find('.'));
            const std::string inner = rest.substr(index.size() + 1);
            const std::string block = prefix + "transformer.resblocks." + index + ".";
            bool done = false;
            for (const auto& [from, to] : layerNames) {
                if (startsWith(inner, from)) {
                    out.push_back({block + to + inner.substr(from.size()), tensor});
                    done = true;
                }
            }
            for (const char* projection : {"q", "k", "v"}) {
                const std::string head = std::string("self_attn.") + projection + "_proj.";
                if (startsWith(inner, head)) {
                    fused[block][inner.substr(head.size()) + "_" + projection] = tensor;
                    done = true;
                }
            }
            if (!done)
                throw std::runtime_error("the test's OpenCLIP writer has no rule for " + name);
        } else {
            throw std::runtime_error("the test's OpenCLIP writer has no rule for " + name);
        }
    }
    for (const auto& [block, parts] : fused) {
        for (const std::string kind : {"weight", "bias"})
            out.push_back(
                {block + "attn.in_proj_" + kind,
                 at::cat({parts.at(kind + "_q"), parts.at(kind + "_k"), parts.at(kind + "_v")})});
    }
}

json clipTokenizerConfig(const std::string& pad) {
    return {{"bos_token", "<|startoftext|>"},
            {"eos_token", "<|endoftext|>"},
            {"unk_token", "<|endoftext|>"},
            {"pad_token", pad},
            {"model_max_length", 77},
            {"do_lower_case", true},
            {"tokenizer_class", "CLIPTokenizer"}};
}

json tinyVaeConfig(int layersPerBlock) {
    return {{"_class_name", "AutoencoderKL"},
            {"block_out_channels", {32, 64}},
            {"down_block_types", {"DownEncoderBlock2D", "DownEncoderBlock2D"}},
            {"up_block_types", {"UpDecoderBlock2D", "UpDecoderBlock2D"}},
            {"latent_channels", 4},
            {"layers_per_block", layersPerBlock},
            {"norm_num_groups", 32},
            {"sample_size", 64},
            {"scaling_factor", 0.18215}};
}

json schedulerConfigOf(const char* className) {
    return {{"_class_name", className},         {"beta_start", 0.00085}, {"beta_end", 0.012},
            {"beta_schedule", "scaled_linear"}, {"clip_sample", false},  {"set_alpha_to_one", false},
            {"skip_prk_steps", true},           {"steps_offset", 1},     {"num_train_timesteps", 1000}};
}

template <typename Model>
void fillWeights(Model& m, std::uint64_t seed) {
    const c10::Device cpu(c10::kCPU);
    m.unet = randomWeights(seed, [&] {
        UNet2DConditionModel unet;
        check(UNet2DConditionModel::load(m.unetConfig, {}, cpu, c10::kFloat, unet), "tiny unet");
    });
    m.vae = randomWeights(seed + 1, [&] {
        AutoencoderKl vae;
        check(AutoencoderKl::load(m.vaeConfig, {}, cpu, c10::kFloat, vae), "tiny vae");
    });
    m.text = randomWeights(seed + 2, [&] {
        ClipTextModel text;
        check(
            ClipTextModel::load(m.textConfig, {}, ClipTextModel::Head::Pooled, cpu, c10::kFloat, text),
            "tiny text encoder");
    });
}

} // namespace

TinyStableDiffusion TinyStableDiffusion::sd1(bool inpainting, std::uint64_t seed) {
    TinyStableDiffusion m;
    m.unetConfig = {
        {"_class_name", "UNet2DConditionModel"},
        {"attention_head_dim", 8},
        {"block_out_channels", {32, 64, 64}},
        {"cross_attention_dim", 128},
        {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
        {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
        {"in_channels", inpainting ? 9 : 4},
        {"out_channels", 4},
        {"layers_per_block", 2},
        {"norm_num_groups", 32},
        {"sample_size", 32},
        {"use_linear_projection", false}};
    m.vaeConfig = tinyVaeConfig(2);
    m.textConfig = {{"architectures", json::array({"CLIPTextModel"})},
                    {"model_type", "clip_text_model"},
                    {"hidden_act", "quick_gelu"},
                    {"hidden_size", 128},
                    {"intermediate_size", 512},
                    {"num_attention_heads", 2},
                    {"num_hidden_layers", 2},
                    {"max_position_embeddings", 77},
                    {"vocab_size", 49408},
                    {"eos_token_id", 2},
                    {"projection_dim", 768}};
    m.schedulerConfig = schedulerConfigOf("DDIMScheduler");
    fillWeights(m, seed);
    return m;
}

TinyStableDiffusion TinyStableDiffusion::sd2Model(bool inpainting, std::uint64_t seed) {
    TinyStableDiffusion m;
    m.sd2 = true;
    m.unetConfig = {{"_class_name", "UNet2DConditionModel"},
                    {"attention_head_dim", {1, 2}},
                    {"block_out_channels", {64, 128}},
                    {"cross_attention_dim", 64},
                    {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D"}},
                    {"up_block_types", {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
                    {"in_channels", inpainting ? 9 : 4},
                    {"out_channels", 4},
                    {"layers_per_block", 1},
                    {"transformer_layers_per_block", 2},
                    {"norm_num_groups", 32},
                    {"sample_size", 32},
                    {"use_linear_projection", true}};
    m.vaeConfig = tinyVaeConfig(1);
    m.textConfig = {{"architectures", json::array({"CLIPTextModel"})},
                    {"model_type", "clip_text_model"},
                    {"hidden_act", "gelu"},
                    {"hidden_size", 64},
                    {"intermediate_size", 256},
                    {"num_attention_heads", 1},
                    {"num_hidden_layers", 4},
                    {"max_position_embeddings", 77},
                    {"vocab_size", 49408},
                    {"eos_token_id", 2},
                    {"projection_dim", 512}};
    m.schedulerConfig = schedulerConfigOf("PNDMScheduler");
    fillWeights(m, seed + 10);
    // The diffusers model uses three of the four layers; the file keeps the fourth.
    m.textConfig["num_hidden_layers"] = 3;
    const std::string last = "text_model.encoder.layers.3.";
    for (auto it = m.text.begin(); it != m.text.end();) {
        if (startsWith(it->first, last)) {
            m.unusedTextLayer.insert(*it);
            it = m.text.erase(it);
        } else {
            ++it;
        }
    }
    return m;
}

void TinyStableDiffusion::writeDiffusersFolder(const std::string& folder) const {
    const fs::path root(folder);
    const bool inpainting = unetConfig["in_channels"] == 9;
    writeJson(
        root / "model_index.json",
        {{"_class_name", inpainting ? "StableDiffusionInpaintPipeline" : "StableDiffusionPipeline"},
         {"scheduler", json::array({"diffusers", schedulerConfig["_class_name"]})},
         {"text_encoder", json::array({"transformers", "CLIPTextModel"})},
         {"tokenizer", json::array({"transformers", "CLIPTokenizer"})},
         {"unet", json::array({"diffusers", "UNet2DConditionModel"})},
         {"vae", json::array({"diffusers", "AutoencoderKL"})}});
    writeJson(root / "unet" / "config.json", unetConfig);
    writeWeights(root / "unet" / "diffusion_pytorch_model.safetensors", unet);
    writeJson(root / "vae" / "config.json", vaeConfig);
    writeWeights(root / "vae" / "diffusion_pytorch_model.safetensors", vae);
    writeJson(root / "text_encoder" / "config.json", textConfig);
    writeWeights(root / "text_encoder" / "model.safetensors", text);
    writeJson(root / "scheduler" / "scheduler_config.json", schedulerConfig);
    const fs::path clip = fs::path(PipelineTestFolders::parityDir()) / "tokenizer" / "tokenizer";
    fs::create_directories(root / "tokenizer");
    for (const char* file : {"vocab.json", "merges.txt"})
        fs::copy_file(clip / file, root / "tokenizer" / file, fs::copy_options::overwrite_existing);
    writeJson(root / "tokenizer" / "tokenizer_config.json",
              clipTokenizerConfig(sd2 ? "!" : "<|endoftext|>"));
}

std::vector<std::pair<std::string, at::Tensor>>
TinyStableDiffusion::ldmTensors(const LdmOptions& options) const {
    std::vector<std::pair<std::string, at::Tensor>> out;
    convert(unet, unetRules(unetConfig), "model.diffusion_model.", out);
    const std::size_t unetEnd = out.size();
    convert(vae, vaeRules(vaeConfig), "first_stage_model.", out);
    const std::size_t vaeEnd = out.size();
    if (sd2) {
        StateDict all = text;
        all.insert(unusedTextLayer.begin(), unusedTextLayer.end());
        convertOpenClip(all, "cond_stage_model.model.", out);
    } else {
        for (const auto& [name, tensor] : text)
            out.push_back(
                {"cond_stage_model.transformer." +
                     (options.oldClipNames ? name.substr(std::string("text_model.").size()) : name),
                 tensor});
    }
    auto stored = [&](const char* component) {
        const auto it = options.dtypes.find(component);
        return it == options.dtypes.end() ? c10::kFloat : it->second;
    };
    for (std::size_t i = 0; i < out.size(); ++i) {
        const char* component = i < unetEnd ? "unet" : i < vaeEnd ? "vae" : "text_encoder";
        out[i].second = out[i].second.to(stored(component));
    }
    if (options.extras) {
        const at::Tensor convIn = unet.at("conv_in.weight");
        out.push_back({"model_ema.decay", at::tensor(0.9999f)});
        out.push_back({"model_ema.num_updates", at::tensor(1234, at::kInt)});
        out.push_back({"model_ema.diffusion_modelinput_blocks00weight", convIn * 2});
        out.push_back({"betas", at::linspace(0.00085, 0.012, 1000)});
        out.push_back({"alphas_cumprod", at::linspace(0.999, 0.005, 1000)});
        out.push_back({"first_stage_model.loss.logvar", at::tensor(0.0f)});
        out.push_back({"first_stage_model.loss.discriminator.main.0.weight", at::randn({8, 3, 4, 4})});
        if (sd2) {
            const std::int64_t width = textConfig["hidden_size"].get<std::int64_t>();
            out.push_back({"cond_stage_model.model.text_projection", at::randn({width, width})});
            out.push_back({"cond_stage_model.model.logit_scale", at::tensor(4.6f)});
        } else {
            out.push_back({std::string("cond_stage_model.transformer.") +
                               (options.oldClipNames ? "" : "text_model.") + "embeddings.position_ids",
                           at::arange(77, at::kLong).unsqueeze(0)});
        }
    }
    return out;
}

void TinyStableDiffusion::writeLdmFile(const std::string& path, const LdmOptions& options) const {
    check(Safetensors::write(path, ldmTensors(options)), path);
}

} // namespace limner::tests
