#include "engine/ml/pipelines/SingleFileCheckpoint.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"
#include "engine/ml/tokenizer/ClipVocabulary.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <mutex>
#include <optional>
#include <set>

namespace limner::engine::ml {

namespace {

using json = nlohmann::json;

const std::string unetPrefix = "model.diffusion_model.";
const std::string vaePrefix = "first_stage_model.";
const std::string clipPrefix = "cond_stage_model.transformer.";
const std::string openClipPrefix = "cond_stage_model.model.";

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool contains(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

// "12.rest" -> 12 and "rest"; false unless the text starts with a small decimal number and a dot.
bool takeIndex(const std::string& s, int& index, std::string& rest) {
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 6 || digits >= s.size() || s[digits] != '.')
        return false;
    index = std::stoi(s.substr(0, digits));
    rest = s.substr(digits + 1);
    return true;
}

// "<head>I.J.tail" -> I, J and tail.
bool takeBlock(const std::string& s, const std::string& head, int& i, int& j, std::string& tail) {
    std::string afterI;
    return startsWith(s, head) && takeIndex(s.substr(head.size()), i, afterI) &&
           takeIndex(afterI, j, tail);
}

enum class SourceKind {
    Copy,
    SqueezeConv, // a 1×1 convolution [C, C, 1, 1] (or [C, C, 1]) read as a linear layer [C, C]
    Rows         // one third of OpenCLIP's fused q/k/v projection
};

struct TensorSource {
    std::string name; // in the file
    SourceKind kind = SourceKind::Copy;
    int part = 0; // Rows: 0 q, 1 k, 2 v
};

// diffusers name and where its tensor comes from, in file order (a fused tensor's parts adjacent).
using ComponentWeights = std::vector<std::pair<std::string, TensorSource>>;

enum class Mapped { Yes, Ignored, Unknown };

struct UnetLevel {
    std::int64_t channels = 0;
    int resnets = 0;
    bool attention = false;
};

struct UnetShape {
    std::int64_t inChannels = 0;
    std::int64_t outChannels = 0;
    std::int64_t convInKernel = 3;
    std::int64_t convOutKernel = 3;
    std::vector<UnetLevel> levels;
    int layersPerBlock = 0;
    std::int64_t depth = -1; // transformer blocks per attention
    std::int64_t context = -1;
    bool linear = false;
    int lastAttentionOutput = -1; // the last output block with attention
};

struct VaeShape {
    std::int64_t inChannels = 3;
    std::int64_t outChannels = 3;
    std::int64_t latentChannels = 4;
    std::vector<std::int64_t> blockOut;
    int layersPerBlock = 0;
    bool quantConv = true;
    bool postQuantConv = true;
    bool midAttention = true;
};

struct TextShape {
    bool openClip = false;
    std::string prefix; // in the file, up to the CLIPTextModel names (or OpenCLIP's)
    bool textModelPrefix = true;
    std::int64_t vocabulary = 0;
    std::int64_t hidden = 0;
    std::int64_t positions = 0;
    std::int64_t layers = 0;
    std::int64_t intermediate = 0;
    int droppedLayer = -1; // OpenCLIP: SD 2.x conditions on the penultimate layer
};

// Name and shape queries over the header.
class HeaderView {
public:
    explicit HeaderView(const SafetensorsHeader& header)
        : m_header(header) {}

    bool has(const std::string& name) const { return m_header.find(name) != nullptr; }
    std::vector<std::int64_t> shape(const std::string& name) const {
        const SafetensorsEntry* e = m_header.find(name);
        return e ? e->shape : std::vector<std::int64_t>();
    }
    bool anyStartsWith(const std::string& prefix) const {
        for (const SafetensorsEntry& e : m_header.entries()) {
            if (startsWith(e.name, prefix))
                return true;
        }
        return false;
    }
    bool anyContains(const char* part) const {
        for (const SafetensorsEntry& e : m_header.entries()) {
            if (contains(e.name, part))
                return true;
        }
        return false;
    }
    // The numbers N of names "<prefix>N.…".
    std::set<int> indices(const std::string& prefix) const {
        std::set<int> result;
        for (const SafetensorsEntry& e : m_header.entries()) {
            int index = 0;
            std::string rest;
            if (startsWith(e.name, prefix) && takeIndex(e.name.substr(prefix.size()), index, rest))
                result.insert(index);
        }
        return result;
    }

private:
    const SafetensorsHeader& m_header;
};

bool isRange(const std::set<int>& s) {
    return !s.empty() && *s.begin() == 0 && *s.rbegin() == static_cast<int>(s.size()) - 1;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// What a file that is no SD 1.x/2.x checkpoint is, when its names tell; empty otherwise.
std::string foreignKind(const HeaderView& h) {
    if (h.anyStartsWith("conditioner.embedders.1."))
        return "an SDXL checkpoint (two text encoders under conditioner.embedders.*)";
    if (h.anyStartsWith("conditioner.embedders."))
        return "a checkpoint in Stability's sgm layout (conditioner.embedders.0.*: an SDXL "
               "refiner, or a model saved by sgm), not the CompVis/LDM layout";
    if (h.anyContains("joint_blocks."))
        return "a Stable Diffusion 3 checkpoint";
    if (h.anyContains("double_blocks.") && h.anyContains("single_blocks."))
        return "a Flux checkpoint";
    if (h.anyContains("lora_down") || h.anyContains("lora_up") || h.anyContains(".lora_A.") ||
        h.anyContains(".lora_B.") || h.anyStartsWith("lora_"))
        return "a LoRA (a low-rank add-on for a model, not a model itself)";
    if (h.anyStartsWith("control_model.") || h.anyContains("input_hint_block."))
        return "a ControlNet";
    if (h.anyStartsWith("string_to_param") || h.has("emb_params") || h.anyStartsWith("string_to_token"))
        return "a textual-inversion embedding";
    if (h.has(unetPrefix + "label_emb.0.0.weight") || h.has(unetPrefix + "label_emb.weight"))
        return "a UNet with class or size conditioning (label_emb.*), as SDXL and the x4 upscaler "
               "have";
    if (h.anyStartsWith(unetPrefix))
        return {};
    if (h.has("encoder.conv_in.weight") || h.has(vaePrefix + "encoder.conv_in.weight") ||
        h.has("vae.encoder.conv_in.weight"))
        return "a VAE (autoencoder) alone";
    if (h.has("conv_in.weight") && h.anyStartsWith("down_blocks."))
        return "one component of a diffusers model folder (a UNet in diffusers layout); open the "
               "whole folder instead";
    if (h.anyStartsWith("text_model.") || h.anyStartsWith("cond_stage_model."))
        return "a text encoder alone";
    return "not a Stable Diffusion checkpoint (it has no model.diffusion_model.* tensors)";
}

class Analysis {
public:
    Analysis(const std::string& path, const HeaderView& header)
        : m_path(path)
        , h(header) {}

    Status refuse(const std::string& why) const {
        return Status::modelFormat(m_path + ": " + why +
                                   "; Limner opens Stable Diffusion 1.x and 2.x checkpoints");
    }

    Status unet(UnetShape& u) const {
        const std::string p = unetPrefix;
        const auto convIn = h.shape(p + "input_blocks.0.0.weight");
        const auto convOut = h.shape(p + "out.2.weight");
        if (convIn.size() != 4 || convOut.size() != 4)
            return refuse("the UNet lacks input_blocks.0.0.weight or out.2.weight as convolutions");
        u.inChannels = convIn[1];
        u.convInKernel = convIn[2];
        u.outChannels = convOut[0];
        u.convOutKernel = convOut[2];

        const std::set<int> inputs = h.indices(p + "input_blocks.");
        if (!isRange(inputs))
            return refuse("the UNet's input_blocks are not numbered 0, 1, 2, …");
        UnetLevel level;
        for (int i = 1; i < static_cast<int>(inputs.size()); ++i) {
            const std::string block = p + "input_blocks." + std::to_string(i) + ".";
            if (h.has(block + "0.op.weight")) {
                if (level.resnets == 0)
                    return refuse("input block " + std::to_string(i) + " downsamples an empty level");
                u.levels.push_back(level);
                level = UnetLevel();
                continue;
            }
            const auto conv2 = h.shape(block + "0.out_layers.3.weight");
            if (conv2.empty())
                return refuse("input block " + std::to_string(i) +
                              " is neither a res-block nor a "
                              "downsampler");
            const bool attention = h.has(block + "1.proj_in.weight");
            if (level.resnets > 0 && (conv2[0] != level.channels || attention != level.attention))
                return refuse("the res-blocks of one UNet level differ in width or attention");
            level.channels = conv2[0];
            level.attention = attention;
            ++level.resnets;
            if (attention) {
                if (Status s = noteAttention(block + "1.", u); !s)
                    return s;
            }
        }
        if (level.resnets == 0)
            return refuse("the UNet's last level has no res-block");
        u.levels.push_back(level);
        u.layersPerBlock = u.levels.front().resnets;
        for (const UnetLevel& l : u.levels) {
            if (l.resnets != u.layersPerBlock)
                return refuse("the UNet levels hold different numbers of res-blocks");
        }
        const int perLevel = u.layersPerBlock + 1;
        if (!h.has(p + "middle_block.1.proj_in.weight") ||
            !h.has(p + "middle_block.2.in_layers.0.weight"))
            return refuse("the UNet has no middle block with attention");
        if (Status s = noteAttention(p + "middle_block.1.", u); !s)
            return s;

        const std::set<int> outputs = h.indices(p + "output_blocks.");
        const int levels = static_cast<int>(u.levels.size());
        if (!isRange(outputs) || static_cast<int>(outputs.size()) != levels * perLevel)
            return refuse("the UNet has " + std::to_string(outputs.size()) + " output blocks where " +
                          std::to_string(levels) + " levels of " + std::to_string(u.layersPerBlock) +
                          " res-blocks need " + std::to_string(levels * perLevel));
        for (int i = 0; i < levels * perLevel; ++i) {
            const std::string block = p + "output_blocks." + std::to_string(i) + ".";
            const bool attention = h.has(block + "1.proj_in.weight");
            if (attention != u.levels[levels - 1 - i / perLevel].attention)
                return refuse("output block " + std::to_string(i) +
                              " does not mirror its input level's attention");
            if (attention) {
                if (Status s = noteAttention(block + "1.", u); !s)
                    return s;
                u.lastAttentionOutput = i;
            }
        }
        return Status::ok();
    }

    Status text(TextShape& t) const {
        const bool clip = h.anyStartsWith(clipPrefix);
        const bool openClip = h.anyStartsWith(openClipPrefix);
        if (clip && openClip)
            return refuse("it holds two text encoders (cond_stage_model.transformer.* and "
                          "cond_stage_model.model.*)");
        if (!clip && !openClip)
            return refuse("it has no text encoder (cond_stage_model.transformer.* for SD 1.x, "
                          "cond_stage_model.model.* for SD 2.x)");
        t.openClip = openClip;
        std::vector<std::int64_t> tokens, positions, fc1;
        if (clip) {
            t.textModelPrefix = h.anyStartsWith(clipPrefix + "text_model.");
            t.prefix = clipPrefix + (t.textModelPrefix ? "text_model." : "");
            tokens = h.shape(t.prefix + "embeddings.token_embedding.weight");
            positions = h.shape(t.prefix + "embeddings.position_embedding.weight");
            fc1 = h.shape(t.prefix + "encoder.layers.0.mlp.fc1.weight");
            const std::set<int> layers = h.indices(t.prefix + "encoder.layers.");
            if (!isRange(layers))
                return refuse("the text encoder's layers are not numbered 0, 1, 2, …");
            t.layers = static_cast<std::int64_t>(layers.size());
        } else {
            t.prefix = openClipPrefix;
            tokens = h.shape(t.prefix + "token_embedding.weight");
            positions = h.shape(t.prefix + "positional_embedding");
            fc1 = h.shape(t.prefix + "transformer.resblocks.0.mlp.c_fc.weight");
            const std::set<int> blocks = h.indices(t.prefix + "transformer.resblocks.");
            if (!isRange(blocks) || blocks.size() < 2)
                return refuse("the OpenCLIP text encoder's blocks are not numbered 0, 1, 2, … "
                              "(SD 2.x needs at least two)");
            t.layers = static_cast<std::int64_t>(blocks.size()) - 1;
            t.droppedLayer = static_cast<int>(t.layers);
        }
        if (tokens.size() != 2 || positions.size() != 2 || fc1.size() != 2 || tokens[1] != positions[1])
            return refuse("the text encoder lacks token/position embeddings or its first MLP");
        t.vocabulary = tokens[0];
        t.hidden = tokens[1];
        t.positions = positions[0];
        t.intermediate = fc1[0];
        if (t.hidden % 64 != 0)
            return refuse("the text encoder is " + std::to_string(t.hidden) +
                          " wide, not a multiple of CLIP's 64-wide attention heads");
        return Status::ok();
    }

    Status vae(VaeShape& v) const {
        const std::string p = vaePrefix;
        const auto convIn = h.shape(p + "encoder.conv_in.weight");
        const auto decoderIn = h.shape(p + "decoder.conv_in.weight");
        const auto convOut = h.shape(p + "decoder.conv_out.weight");
        if (convIn.size() != 4 || decoderIn.size() != 4 || convOut.size() != 4)
            return refuse("it has no VAE (first_stage_model.encoder.* and .decoder.*); Limner "
                          "needs a checkpoint with its VAE inside");
        v.inChannels = convIn[1];
        v.outChannels = convOut[0];
        v.latentChannels = decoderIn[1];
        v.quantConv = h.has(p + "quant_conv.weight");
        v.postQuantConv = h.has(p + "post_quant_conv.weight");
        v.midAttention = h.has(p + "encoder.mid.attn_1.q.weight");
        const std::set<int> down = h.indices(p + "encoder.down.");
        const std::set<int> up = h.indices(p + "decoder.up.");
        if (!isRange(down) || down.size() != up.size())
            return refuse("the VAE's encoder and decoder levels do not match");
        const std::set<int> blocks = h.indices(p + "encoder.down.0.block.");
        if (!isRange(blocks))
            return refuse("the VAE's first level has no res-blocks");
        v.layersPerBlock = static_cast<int>(blocks.size());
        for (int i = 0; i < static_cast<int>(down.size()); ++i) {
            const auto conv2 =
                h.shape(p + "encoder.down." + std::to_string(i) + ".block.0.conv2.weight");
            if (conv2.size() != 4)
                return refuse("VAE level " + std::to_string(i) + " has no res-block");
            v.blockOut.push_back(conv2[0]);
        }
        return Status::ok();
    }

private:
    // One spatial transformer: depth, projection kind and context width must agree everywhere.
    Status noteAttention(const std::string& at, UnetShape& u) const {
        const std::set<int> blocks = h.indices(at + "transformer_blocks.");
        const auto projIn = h.shape(at + "proj_in.weight");
        const auto toK = h.shape(at + "transformer_blocks.0.attn2.to_k.weight");
        if (!isRange(blocks) || toK.size() != 2 || (projIn.size() != 2 && projIn.size() != 4))
            return refuse(at + " is not a spatial transformer with cross-attention");
        const auto depth = static_cast<std::int64_t>(blocks.size());
        const bool linear = projIn.size() == 2;
        if (u.depth < 0) {
            u.depth = depth;
            u.linear = linear;
            u.context = toK[1];
        } else if (u.depth != depth || u.linear != linear || u.context != toK[1]) {
            return refuse("the UNet's spatial transformers differ in depth, projection or context "
                          "width (" +
                          at + ")");
        }
        return Status::ok();
    }

    std::string m_path;
    const HeaderView& h;
};

// ---- LDM → diffusers names ----

std::optional<std::string> unetResnet(const std::string& tail) {
    static const std::pair<const char*, const char*> names[] = {
        {"in_layers.0.", "norm1."},          {"in_layers.2.", "conv1."},
        {"emb_layers.1.", "time_emb_proj."}, {"out_layers.0.", "norm2."},
        {"out_layers.3.", "conv2."},         {"skip_connection.", "conv_shortcut."}};
    for (const auto& [from, to] : names) {
        if (startsWith(tail, from))
            return to + tail.substr(std::string(from).size());
    }
    return std::nullopt;
}

std::optional<std::string> unetAttention(const std::string& tail) {
    for (const char* part : {"norm.", "proj_in.", "proj_out.", "transformer_blocks."}) {
        if (startsWith(tail, part))
            return tail;
    }
    return std::nullopt;
}

std::optional<std::string> unetName(const std::string& rest, int layersPerBlock) {
    const int perLevel = layersPerBlock + 1;
    for (const auto& [from, to] :
         {std::pair{"time_embed.0.", "time_embedding.linear_1."},
          std::pair{"time_embed.2.", "time_embedding.linear_2."}, std::pair{"out.0.", "conv_norm_out."},
          std::pair{"out.2.", "conv_out."}}) {
        if (startsWith(rest, from))
            return to + rest.substr(std::string(from).size());
    }
    int i = 0, j = 0;
    std::string tail;
    auto within = [](const std::string& head, const std::optional<std::string>& inner) {
        return inner ? std::optional<std::string>(head + *inner) : std::nullopt;
    };
    if (takeBlock(rest, "input_blocks.", i, j, tail)) {
        if (i == 0)
            return j == 0 ? std::optional<std::string>("conv_in." + tail) : std::nullopt;
        const int b = (i - 1) / perLevel, l = (i - 1) % perLevel;
        const std::string level = "down_blocks." + std::to_string(b) + ".";
        if (j == 0 && startsWith(tail, "op.") && l == layersPerBlock)
            return level + "downsamplers.0.conv." + tail.substr(3);
        if (l == layersPerBlock)
            return std::nullopt;
        if (j == 0)
            return within(level + "resnets." + std::to_string(l) + ".", unetResnet(tail));
        if (j == 1)
            return within(level + "attentions." + std::to_string(l) + ".", unetAttention(tail));
        return std::nullopt;
    }
    const std::string middle = "middle_block.";
    if (startsWith(rest, middle)) {
        if (!takeIndex(rest.substr(middle.size()), i, tail))
            return std::nullopt;
        if (i == 0)
            return within("mid_block.resnets.0.", unetResnet(tail));
        if (i == 1)
            return within("mid_block.attentions.0.", unetAttention(tail));
        if (i == 2)
            return within("mid_block.resnets.1.", unetResnet(tail));
        return std::nullopt;
    }
    if (takeBlock(rest, "output_blocks.", i, j, tail)) {
        const std::string level = "up_blocks." + std::to_string(i / perLevel) + ".";
        const int l = i % perLevel;
        if (j == 0)
            return within(level + "resnets." + std::to_string(l) + ".", unetResnet(tail));
        if ((j == 1 || j == 2) && startsWith(tail, "conv."))
            return level + "upsamplers.0.conv." + tail.substr(5);
        if (j == 1)
            return within(level + "attentions." + std::to_string(l) + ".", unetAttention(tail));
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> vaeResnet(const std::string& tail) {
    for (const char* same : {"norm1.", "conv1.", "norm2.", "conv2."}) {
        if (startsWith(tail, same))
            return tail;
    }
    if (startsWith(tail, "nin_shortcut."))
        return "conv_shortcut." + tail.substr(13);
    return std::nullopt;
}

// The VAE's names; `squeeze` is set for the attention's 1×1-convolution weights.
std::optional<std::string> vaeName(const std::string& rest, int levels, bool& squeeze) {
    squeeze = false;
    for (const char* same : {"encoder.conv_in.", "encoder.conv_out.", "decoder.conv_in.",
                             "decoder.conv_out.", "quant_conv.", "post_quant_conv."}) {
        if (startsWith(rest, same))
            return rest;
    }
    for (const std::string side : {"encoder.", "decoder."}) {
        if (!startsWith(rest, side))
            continue;
        const std::string s = rest.substr(side.size());
        auto within = [&](const std::string& head, const std::optional<std::string>& inner) {
            return inner ? std::optional<std::string>(side + head + *inner) : std::nullopt;
        };
        if (startsWith(s, "norm_out."))
            return side + "conv_norm_out." + s.substr(9);
        if (startsWith(s, "mid.block_1."))
            return within("mid_block.resnets.0.", vaeResnet(s.substr(12)));
        if (startsWith(s, "mid.block_2."))
            return within("mid_block.resnets.1.", vaeResnet(s.substr(12)));
        if (startsWith(s, "mid.attn_1.")) {
            const std::string a = s.substr(11);
            for (const auto& [from, to] :
                 {std::pair{"norm.", "group_norm."}, std::pair{"q.", "to_q."}, std::pair{"k.", "to_k."},
                  std::pair{"v.", "to_v."}, std::pair{"proj_out.", "to_out.0."}}) {
                if (startsWith(a, from)) {
                    squeeze = std::string(from) != "norm.";
                    return side + "mid_block.attentions.0." + to + a.substr(std::string(from).size());
                }
            }
            return std::nullopt;
        }
        int i = 0, j = 0;
        std::string tail, afterLevel;
        const bool encoder = side == "encoder.";
        const std::string levelHead = encoder ? "down." : "up.";
        if (!startsWith(s, levelHead) || !takeIndex(s.substr(levelHead.size()), i, afterLevel) ||
            i >= levels)
            return std::nullopt;
        // The decoder's up.k runs from the smallest resolution in diffusers, the largest in LDM.
        const std::string level = (encoder ? "down_blocks." : "up_blocks.") +
                                  std::to_string(encoder ? i : levels - 1 - i) + ".";
        if (startsWith(afterLevel, "block.") && takeIndex(afterLevel.substr(6), j, tail))
            return within(level + "resnets." + std::to_string(j) + ".", vaeResnet(tail));
        const std::string sample = encoder ? "downsample.conv." : "upsample.conv.";
        if (startsWith(afterLevel, sample))
            return side + level + (encoder ? "downsamplers" : "upsamplers") + ".0.conv." +
                   afterLevel.substr(sample.size());
        return std::nullopt;
    }
    return std::nullopt;
}

Mapped mapClip(const std::string& rest, const std::string& fileName, ComponentWeights& out) {
    const std::string name = startsWith(rest, "text_model.") ? rest : "text_model." + rest;
    if (name == "text_model.embeddings.position_ids")
        return Mapped::Ignored; // a constant buffer, sometimes stored as float by merging tools
    for (const char* part :
         {"text_model.embeddings.token_embedding.", "text_model.embeddings.position_embedding.",
          "text_model.encoder.layers.", "text_model.final_layer_norm."}) {
        if (startsWith(name, part)) {
            out.push_back({name, {fileName, SourceKind::Copy, 0}});
            return Mapped::Yes;
        }
    }
    return Mapped::Unknown;
}

Mapped mapOpenClip(const std::string& rest, const std::string& fileName, int droppedLayer,
                   ComponentWeights& out) {
    auto add = [&](const std::string& name) {
        out.push_back({name, {fileName, SourceKind::Copy, 0}});
        return Mapped::Yes;
    };
    if (rest == "token_embedding.weight")
        return add("text_model.embeddings.token_embedding.weight");
    if (rest == "positional_embedding")
        return add("text_model.embeddings.position_embedding.weight");
    if (startsWith(rest, "ln_final."))
        return add("text_model.final_layer_norm." + rest.substr(9));
    if (rest == "text_projection" || rest == "logit_scale" || rest == "attn_mask" ||
        startsWith(rest, "visual."))
        return Mapped::Ignored;
    int i = 0;
    std::string tail;
    const std::string head = "transformer.resblocks.";
    if (!startsWith(rest, head) || !takeIndex(rest.substr(head.size()), i, tail))
        return Mapped::Unknown;
    if (i == droppedLayer)
        return Mapped::Ignored;
    const std::string layer = "text_model.encoder.layers." + std::to_string(i) + ".";
    for (const auto& [from, to] :
         {std::pair{"ln_1.", "layer_norm1."}, std::pair{"ln_2.", "layer_norm2."},
          std::pair{"mlp.c_fc.", "mlp.fc1."}, std::pair{"mlp.c_proj.", "mlp.fc2."},
          std::pair{"attn.out_proj.", "self_attn.out_proj."}}) {
        if (startsWith(tail, from))
            return add(layer + to + tail.substr(std::string(from).size()));
    }
    for (const auto& [from, suffix] :
         {std::pair{"attn.in_proj_weight", "weight"}, std::pair{"attn.in_proj_bias", "bias"}}) {
        if (tail == from) {
            int part = 0;
            for (const char* projection : {"q_proj.", "k_proj.", "v_proj."})
                out.push_back(
                    {layer + "self_attn." + projection + suffix, {fileName, SourceKind::Rows, part++}});
            return Mapped::Yes;
        }
    }
    return Mapped::Unknown;
}

nlohmann::json addedToken(const std::string& content) {
    return {{"content", content},
            {"lstrip", false},
            {"normalized", true},
            {"rstrip", false},
            {"single_word", false}};
}

} // namespace

struct SingleFileCheckpoint::Layout {
    std::string path;
    Safetensors file;
    Family family = Family::StableDiffusion1;
    bool inpainting = false;
    UnetShape unet;
    VaeShape vae;
    TextShape text;
    std::map<std::string, ComponentWeights> weights;
    std::map<std::string, std::int64_t> parameterCounts;
    std::string probeTensor; // SD 2.x without inpainting: tells v-prediction from epsilon
    mutable std::once_flag probeOnce;
    mutable bool vPrediction = false;

    bool predictsVelocity() const {
        if (probeTensor.empty())
            return false;
        std::call_once(probeOnce, [this] {
            // ComfyUI's test: SD 2.x v-models have a widely spread norm1 bias in their last
            // attention block (population std above 0.09); epsilon models do not.
            at::Tensor bias;
            if (file.tensor(probeTensor, bias, at::kFloat))
                vPrediction = bias.numel() > 1 && bias.std(/*unbiased=*/false).item<double>() > 0.09;
        });
        return vPrediction;
    }
};

Status SingleFileCheckpoint::open(const std::string& path, SingleFileCheckpoint& out) {
    for (const char* pickle : {".ckpt", ".pt", ".pth", ".bin", ".pkl"}) {
        const std::string ext = pickle;
        if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
            return Status::modelFormat(path + " is a pickle checkpoint, which can run code and is "
                                              "never opened; use the model's .safetensors file");
    }
    auto layout = std::make_shared<Layout>();
    layout->path = path;
    if (Status s = Safetensors::open(path, layout->file); !s)
        return s;
    const HeaderView h(layout->file.header());
    if (const std::string kind = foreignKind(h); !kind.empty())
        return Status::modelFormat(path + " is " + kind +
                                   "; Limner opens Stable Diffusion 1.x and 2.x checkpoints "
                                   "(model.diffusion_model.*, first_stage_model.*, "
                                   "cond_stage_model.*) and diffusers model folders");
    const Analysis analysis(path, h);
    if (Status s = analysis.unet(layout->unet); !s)
        return s;
    if (Status s = analysis.text(layout->text); !s)
        return s;
    if (Status s = analysis.vae(layout->vae); !s)
        return s;
    Layout& l = *layout;
    l.family = l.text.openClip ? Family::StableDiffusion2 : Family::StableDiffusion1;
    const std::int64_t latent = l.vae.latentChannels;
    if (l.unet.inChannels == 2 * latent)
        return analysis.refuse("its UNet takes " + std::to_string(l.unet.inChannels) +
                               " input channels, an InstructPix2Pix-style image-conditioned model");
    if (l.unet.inChannels != latent && l.unet.inChannels != 2 * latent + 1)
        return analysis.refuse("its UNet takes " + std::to_string(l.unet.inChannels) +
                               " input channels where an ordinary model takes " +
                               std::to_string(latent) + " and an inpainting model " +
                               std::to_string(2 * latent + 1));
    if (l.unet.outChannels != latent)
        return analysis.refuse("its UNet predicts " + std::to_string(l.unet.outChannels) +
                               " channels but the VAE has " + std::to_string(latent));
    if (l.unet.context != l.text.hidden)
        return analysis.refuse("the UNet attends to " + std::to_string(l.unet.context) +
                               "-wide text but the text encoder is " + std::to_string(l.text.hidden) +
                               " wide");
    l.inpainting = l.unet.inChannels == 2 * latent + 1;
    // Attention levels, and the last one (the middle block's width), must split into the heads.
    if (l.family == Family::StableDiffusion1) {
        for (const UnetLevel& level : l.unet.levels) {
            if ((level.attention || &level == &l.unet.levels.back()) && level.channels % 8 != 0)
                return analysis.refuse("a UNet level " + std::to_string(level.channels) +
                                       " wide cannot hold SD 1.x's 8 attention heads");
        }
    } else {
        for (const UnetLevel& level : l.unet.levels) {
            if ((level.attention || &level == &l.unet.levels.back()) && level.channels % 64 != 0)
                return analysis.refuse("a UNet level " + std::to_string(level.channels) +
                                       " wide cannot hold SD 2.x's 64-wide attention heads");
        }
        if (!l.inpainting && l.unet.lastAttentionOutput >= 0)
            l.probeTensor = unetPrefix + "output_blocks." + std::to_string(l.unet.lastAttentionOutput) +
                            ".1.transformer_blocks.0.norm1.bias";
    }

    // Every tensor of a component gets its diffusers name; the rest of the file is left alone.
    const int vaeLevels = static_cast<int>(l.vae.blockOut.size());
    std::set<std::string> sources;
    for (const SafetensorsEntry& entry : l.file.header().entries()) {
        const std::string& name = entry.name;
        std::string component;
        Mapped mapped = Mapped::Unknown;
        if (startsWith(name, unetPrefix)) {
            component = "unet";
            if (auto target = unetName(name.substr(unetPrefix.size()), l.unet.layersPerBlock)) {
                l.weights[component].push_back({*target, {name, SourceKind::Copy, 0}});
                mapped = Mapped::Yes;
            }
        } else if (startsWith(name, vaePrefix)) {
            component = "vae";
            bool squeeze = false;
            const std::string rest = name.substr(vaePrefix.size());
            if (startsWith(rest, "loss.")) {
                mapped = Mapped::Ignored;
            } else if (auto target = vaeName(rest, vaeLevels, squeeze)) {
                const bool conv = squeeze && entry.shape.size() > 2;
                l.weights[component].push_back(
                    {*target, {name, conv ? SourceKind::SqueezeConv : SourceKind::Copy, 0}});
                mapped = Mapped::Yes;
            }
        } else if (startsWith(name, "cond_stage_model.")) {
            component = "text_encoder";
            ComponentWeights& weights = l.weights[component];
            if (!l.text.openClip && startsWith(name, clipPrefix))
                mapped = mapClip(name.substr(clipPrefix.size()), name, weights);
            else if (l.text.openClip && startsWith(name, openClipPrefix))
                mapped =
                    mapOpenClip(name.substr(openClipPrefix.size()), name, l.text.droppedLayer, weights);
        } else {
            continue; // model_ema.*, betas, alphas_cumprod, …: not part of the pipeline
        }
        if (mapped == Mapped::Unknown)
            return analysis.refuse("tensor " + name + " " + shapeText(entry.shape) +
                                   " has no place in a Stable Diffusion 1.x/2.x " + component);
        if (mapped == Mapped::Ignored)
            continue;
        const char* word = SafetensorsHeader::parameterDtypeName(entry.dtype);
        if (!word || entry.dtype == SafetensorsDtype::F8E4M3 || entry.dtype == SafetensorsDtype::F8E5M2)
            return analysis.refuse(
                "tensor " + name + " is " + SafetensorsHeader::dtypeName(entry.dtype) +
                (entry.dtype == SafetensorsDtype::F8E4M3 || entry.dtype == SafetensorsDtype::F8E5M2
                     ? " (an 8-bit float checkpoint)"
                     : "") +
                "; Limner reads F32, F16 and BF16 weights: use the model's fp16 or fp32 file");
        if (sources.insert(name).second) {
            std::int64_t elements = 1;
            for (std::int64_t d : entry.shape)
                elements *= d;
            l.parameterCounts[word] += elements;
        }
    }
    for (const auto& [component, weights] : l.weights) {
        std::set<std::string> targets;
        for (const auto& [target, source] : weights) {
            if (!targets.insert(target).second)
                return analysis.refuse("two tensors of the " + component + " map to " + target);
            if (source.kind == SourceKind::Rows) {
                const auto shape = h.shape(source.name);
                if (shape.empty() || shape[0] % 3 != 0)
                    return analysis.refuse("tensor " + source.name + " " + shapeText(shape) +
                                           " is no fused q/k/v projection");
            }
        }
    }
    out.m_layout = std::move(layout);
    return Status::ok();
}

const std::string& SingleFileCheckpoint::path() const {
    return m_layout->path;
}

SingleFileCheckpoint::Family SingleFileCheckpoint::family() const {
    return m_layout->family;
}

bool SingleFileCheckpoint::isInpainting() const {
    return m_layout->inpainting;
}

std::string SingleFileCheckpoint::description() const {
    return std::string(family() == Family::StableDiffusion1 ? "Stable Diffusion 1.x"
                                                            : "Stable Diffusion 2.x") +
           (isInpainting() ? " inpainting" : "");
}

std::string SingleFileCheckpoint::className() const {
    return isInpainting() ? "StableDiffusionInpaintPipeline" : "StableDiffusionPipeline";
}

bool SingleFileCheckpoint::hasComponent(const std::string& component) const {
    if (!m_layout)
        return false;
    if (component.empty() || component == "scheduler")
        return true;
    if (component == "tokenizer")
        return m_layout->weights.count("text_encoder") > 0;
    return m_layout->weights.count(component) > 0;
}

std::vector<std::string> SingleFileCheckpoint::components() const {
    std::vector<std::string> result;
    if (m_layout) {
        for (const auto& [component, weights] : m_layout->weights)
            result.push_back(component);
    }
    return result;
}

const std::map<std::string, std::int64_t>& SingleFileCheckpoint::parameterCounts() const {
    static const std::map<std::string, std::int64_t> none;
    return m_layout ? m_layout->parameterCounts : none;
}

Status SingleFileCheckpoint::readJson(const std::string& component, const std::string& fileName,
                                      nlohmann::json& out) const {
    if (!m_layout)
        return Status::internal("SingleFileCheckpoint::readJson on a checkpoint that is not open");
    const Layout& l = *m_layout;
    const bool sd2 = l.family == Family::StableDiffusion2;
    // SD 2.x's ordinary v-models are the 768-pixel ones (stabilityai/stable-diffusion-2-1).
    const bool v768 = sd2 && l.predictsVelocity();
    const std::int64_t imageSize = v768 ? 768 : 512;
    std::vector<std::int64_t> channels;
    for (const UnetLevel& level : l.unet.levels)
        channels.push_back(level.channels);

    if (component.empty() && fileName == "model_index.json") {
        nlohmann::json scheduler;
        readJson("scheduler", "scheduler_config.json", scheduler);
        out = {{"_class_name", className()},
               {"feature_extractor", json::array({nullptr, nullptr})},
               {"requires_safety_checker", false},
               {"safety_checker", json::array({nullptr, nullptr})},
               {"scheduler", json::array({"diffusers", scheduler["_class_name"]})},
               {"text_encoder", json::array({"transformers", "CLIPTextModel"})},
               {"tokenizer", json::array({"transformers", "CLIPTokenizer"})},
               {"unet", json::array({"diffusers", "UNet2DConditionModel"})},
               {"vae", json::array({"diffusers", "AutoencoderKL"})}};
        return Status::ok();
    }
    if (component == "unet" && fileName == "config.json") {
        nlohmann::json down = nlohmann::json::array(), up = nlohmann::json::array();
        nlohmann::json headWidth64 = nlohmann::json::array();
        for (std::size_t i = 0; i < l.unet.levels.size(); ++i) {
            const UnetLevel& level = l.unet.levels[i];
            down.push_back(level.attention ? "CrossAttnDownBlock2D" : "DownBlock2D");
            up.insert(up.begin(), level.attention ? "CrossAttnUpBlock2D" : "UpBlock2D");
            headWidth64.push_back(std::max<std::int64_t>(1, level.channels / 64));
        }
        // diffusers' attention_head_dim is the number of heads: 8 in SD 1.x, width/64 in SD 2.x.
        out = {{"_class_name", "UNet2DConditionModel"},
               {"act_fn", "silu"},
               {"attention_head_dim", sd2 ? headWidth64 : nlohmann::json(8)},
               {"block_out_channels", channels},
               {"center_input_sample", false},
               {"conv_in_kernel", l.unet.convInKernel},
               {"conv_out_kernel", l.unet.convOutKernel},
               {"cross_attention_dim", l.unet.context},
               {"down_block_types", down},
               {"downsample_padding", 1},
               {"flip_sin_to_cos", true},
               {"freq_shift", 0},
               {"in_channels", l.unet.inChannels},
               {"layers_per_block", l.unet.layersPerBlock},
               {"mid_block_scale_factor", 1},
               {"norm_eps", 1e-5},
               {"norm_num_groups", 32},
               {"out_channels", l.unet.outChannels},
               {"sample_size", imageSize / (std::int64_t{1} << (l.vae.blockOut.size() - 1))},
               {"transformer_layers_per_block", l.unet.depth},
               {"up_block_types", up},
               {"upcast_attention", v768},
               {"use_linear_projection", l.unet.linear}};
        return Status::ok();
    }
    if (component == "vae" && fileName == "config.json") {
        const std::size_t levels = l.vae.blockOut.size();
        out = {{"_class_name", "AutoencoderKL"},
               {"act_fn", "silu"},
               {"block_out_channels", l.vae.blockOut},
               {"down_block_types", std::vector<std::string>(levels, "DownEncoderBlock2D")},
               {"force_upcast", true},
               {"in_channels", l.vae.inChannels},
               {"latent_channels", l.vae.latentChannels},
               {"layers_per_block", l.vae.layersPerBlock},
               {"mid_block_add_attention", l.vae.midAttention},
               {"norm_num_groups", 32},
               {"out_channels", l.vae.outChannels},
               {"sample_size", imageSize},
               {"scaling_factor", 0.18215},
               {"up_block_types", std::vector<std::string>(levels, "UpDecoderBlock2D")},
               {"use_post_quant_conv", l.vae.postQuantConv},
               {"use_quant_conv", l.vae.quantConv}};
        return Status::ok();
    }
    if (component == "text_encoder" && fileName == "config.json" && hasComponent(component)) {
        out = {{"architectures", json::array({"CLIPTextModel"})},
               {"attention_dropout", 0.0},
               {"bos_token_id", 0},
               {"dropout", 0.0},
               {"eos_token_id", 2},
               {"hidden_act", sd2 ? "gelu" : "quick_gelu"},
               {"hidden_size", l.text.hidden},
               {"initializer_factor", 1.0},
               {"initializer_range", 0.02},
               {"intermediate_size", l.text.intermediate},
               {"layer_norm_eps", 1e-5},
               {"max_position_embeddings", l.text.positions},
               {"model_type", "clip_text_model"},
               {"num_attention_heads", l.text.hidden / 64},
               {"num_hidden_layers", l.text.layers},
               {"pad_token_id", 1},
               {"projection_dim", sd2 ? 512 : 768},
               {"vocab_size", l.text.vocabulary}};
        return Status::ok();
    }
    if (component == "scheduler" && fileName == "scheduler_config.json") {
        // The scheduler of diffusers' default repository for the type: SD 1.x inpainting
        // stable-diffusion-v1-5/stable-diffusion-inpainting (DDIM), SD 1.x …/stable-diffusion-v1-5
        // (PNDM), SD 2.x inpainting stabilityai/stable-diffusion-2-inpainting and SD 2.x epsilon
        // stabilityai/stable-diffusion-2-1-base (PNDM), SD 2.x v stabilityai/stable-diffusion-2-1
        // (DDIM). Inpainting models are epsilon models.
        const bool ddim = (!sd2 && l.inpainting) || v768;
        out = {{"_class_name", ddim ? "DDIMScheduler" : "PNDMScheduler"},
               {"beta_end", 0.012},
               {"beta_schedule", "scaled_linear"},
               {"beta_start", 0.00085},
               {"clip_sample", false},
               {"num_train_timesteps", 1000},
               {"prediction_type", v768 ? "v_prediction" : "epsilon"},
               {"set_alpha_to_one", false},
               {"skip_prk_steps", true},
               {"steps_offset", 1},
               {"trained_betas", nullptr}};
        return Status::ok();
    }
    if (component == "tokenizer" && hasComponent(component)) {
        const std::string pad = sd2 ? "!" : "<|endoftext|>";
        if (fileName == "special_tokens_map.json") {
            out = {{"bos_token", addedToken("<|startoftext|>")},
                   {"eos_token", addedToken("<|endoftext|>")},
                   {"pad_token", pad},
                   {"unk_token", addedToken("<|endoftext|>")}};
            return Status::ok();
        }
        if (fileName == "tokenizer_config.json") {
            nlohmann::json added = {{"49406", addedToken("<|startoftext|>")},
                                    {"49407", addedToken("<|endoftext|>")}};
            if (sd2)
                added["0"] = addedToken("!");
            for (auto& [id, token] : added.items())
                token["special"] = true;
            out = {{"add_prefix_space", false},
                   {"added_tokens_decoder", added},
                   {"bos_token", "<|startoftext|>"},
                   {"clean_up_tokenization_spaces", true},
                   {"do_lower_case", true},
                   {"eos_token", "<|endoftext|>"},
                   {"errors", "replace"},
                   {"model_max_length", 77},
                   {"pad_token", pad},
                   {"tokenizer_class", "CLIPTokenizer"},
                   {"unk_token", "<|endoftext|>"}};
            return Status::ok();
        }
    }
    return Status::notFound(l.path + " is a single-file checkpoint: it has no " + component +
                            (component.empty() ? "" : "/") + fileName +
                            (component == "tokenizer"
                                 ? " (its tokenizer is built from CLIP's vocabulary by loadTokenizer())"
                                 : ""));
}

Status SingleFileCheckpoint::loadWeights(const std::string& component, c10::Device device,
                                         c10::ScalarType dtype, StateDict& out) const {
    out.clear();
    if (!m_layout)
        return Status::internal("SingleFileCheckpoint::loadWeights on a checkpoint that is not open");
    const auto found = m_layout->weights.find(component);
    if (found == m_layout->weights.end())
        return Status::notFound(m_layout->path + " holds no weights for the " + component);
    StateDict result;
    std::string fusedName;
    at::Tensor fused; // OpenCLIP's q/k/v tensor, read once for its three parts
    try {
        for (const auto& [target, source] : found->second) {
            at::Tensor t;
            if (source.kind == SourceKind::Rows && source.name == fusedName) {
                t = fused;
            } else if (Status s = m_layout->file.tensor(source.name, t, dtype, device); !s) {
                return s;
            }
            if (source.kind == SourceKind::SqueezeConv) {
                t = t.reshape({t.size(0), t.size(1)});
            } else if (source.kind == SourceKind::Rows) {
                fusedName = source.name;
                fused = t;
                const std::int64_t rows = t.size(0) / 3;
                t = t.narrow(0, source.part * rows, rows);
            }
            result.emplace(target, std::move(t));
        }
    } catch (const c10::Error& e) {
        return Status::outOfMemory("cannot load the " + component + " of " + m_layout->path + ": " +
                                   e.what_without_backtrace());
    }
    out = std::move(result);
    return Status::ok();
}

Status SingleFileCheckpoint::loadTokenizer(ClipTokenizer& out) const {
    if (!hasComponent("tokenizer"))
        return Status::notFound("the checkpoint has no text encoder, so no tokenizer");
    const bool sd2 = family() == Family::StableDiffusion2;
    ClipTokenizer tokenizer;
    if (Status s = ClipTokenizer::fromBpeVocabulary(clipVocabularyPath(), tokenizer,
                                                    sd2 ? "!" : "<|endoftext|>");
        !s)
        return s;
    if (static_cast<std::int64_t>(tokenizer.vocabularySize()) != m_layout->text.vocabulary)
        return Status::modelFormat(
            m_layout->path + ": its text encoder embeds " + std::to_string(m_layout->text.vocabulary) +
            " tokens but CLIP's vocabulary has " + std::to_string(tokenizer.vocabularySize()));
    out = std::move(tokenizer);
    return Status::ok();
}

} // namespace limner::engine::ml
