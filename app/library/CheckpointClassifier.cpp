#include "app/library/CheckpointClassifier.h"

#include "app/library/HeaderReader.h"
#include "engine/ml/io/SafetensorsHeader.h"
#include "engine/service/Engine.h"

namespace limner::app {

namespace {

const char* const kUnetInput = "model.diffusion_model.input_blocks.0.0.weight";
// Its last dimension is the text encoder's width: 768 for SD 1.x, 1024 for SD 2.x.
const char* const kCrossAttentionKey =
    "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight";
// The second (OpenCLIP bigG) text encoder of SDXL.
const char* const kXlTextEncoderKey =
    "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias";

} // namespace

QString CheckpointClassifier::familyName() const {
    switch (family) {
    case Family::StableDiffusion1:
        return QStringLiteral("Stable Diffusion 1.x");
    case Family::StableDiffusion2:
        return QStringLiteral("Stable Diffusion 2.x");
    case Family::StableDiffusionXL:
        return QStringLiteral("Stable Diffusion XL");
    case Family::Unknown:
        break;
    }
    return {};
}

engine::Status CheckpointClassifier::inspect(const std::string& path, CheckpointClassifier& out) {
    engine::ml::SafetensorsHeader header;
    if (engine::Status s = HeaderReader::read(path, header); !s)
        return s;
    CheckpointClassifier checkpoint;
    HeaderReader::ParameterCount count;
    HeaderReader::count(header, count, "model_ema.");
    checkpoint.parameters = count.total();
    checkpoint.storedDtype = count.dtypeText();
    if (const auto* input = header.find(kUnetInput); input && input->shape.size() == 4) {
        checkpoint.unetInChannels = static_cast<int>(input->shape[1]);
        const auto* toK = header.find(kCrossAttentionKey);
        if (header.find(kXlTextEncoderKey))
            checkpoint.family = Family::StableDiffusionXL;
        else if (toK && !toK->shape.empty() && toK->shape.back() == 1024)
            checkpoint.family = Family::StableDiffusion2;
        else
            checkpoint.family = Family::StableDiffusion1;
    }
    out = checkpoint;
    return engine::Status::ok();
}

bool CheckpointClassifier::loadable() {
    // engine/ml's SingleFileCheckpoint loads SD 1.x and 2.x files; a build without it has no
    // diffusion models at all.
    return engine::Engine::modelsSupported();
}

} // namespace limner::app
