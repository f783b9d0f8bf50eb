#pragma once

#include <QDir>
#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

namespace limner::tests {

// diffusers' StableDiffusionSafetyChecker of tiny sizes with random weights (safetensors written
// here, float32), every concept threshold `threshold`: -1.5 flags every picture, 1.5 none.
inline void writeSafetyChecker(const QString& root, double threshold) {
    const int hidden = 32, inter = 37, layers = 2, patch = 8, image = 32, projection = 16;
    QDir().mkpath(root + QStringLiteral("/safety_checker"));
    QFile config(root + QStringLiteral("/safety_checker/config.json"));
    REQUIRE(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral(R"({"model_type": "clip", "projection_dim": %1, "vision_config": {
        "hidden_size": %2, "intermediate_size": %3, "num_hidden_layers": %4,
        "num_attention_heads": 4, "patch_size": %5, "image_size": %6, "num_channels": 3,
        "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05}})")
                     .arg(projection)
                     .arg(hidden)
                     .arg(inter)
                     .arg(layers)
                     .arg(patch)
                     .arg(image)
                     .toUtf8());
    config.close();
    struct Tensor {
        QString name;
        QList<int> shape;
        float fill; // NaN = random
    };
    const float random = std::nanf("");
    const QString v = QStringLiteral("vision_model.vision_model.");
    QList<Tensor> tensors{{v + "embeddings.class_embedding", {hidden}, random},
                          {v + "embeddings.patch_embedding.weight", {hidden, 3, patch, patch}, random},
                          {v + "embeddings.position_embedding.weight",
                           {(image / patch) * (image / patch) + 1, hidden},
                           random}};
    for (const char* norm : {"pre_layrnorm", "post_layernorm"}) {
        tensors.append({v + norm + ".weight", {hidden}, 1.0f});
        tensors.append({v + norm + ".bias", {hidden}, 0.0f});
    }
    for (int i = 0; i < layers; ++i) {
        const QString l = v + QStringLiteral("encoder.layers.%1.").arg(i);
        for (const char* p : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            tensors.append({l + "self_attn." + p + ".weight", {hidden, hidden}, random});
            tensors.append({l + "self_attn." + p + ".bias", {hidden}, random});
        }
        for (const char* norm : {"layer_norm1", "layer_norm2"}) {
            tensors.append({l + norm + ".weight", {hidden}, 1.0f});
            tensors.append({l + norm + ".bias", {hidden}, 0.0f});
        }
        tensors.append({l + "mlp.fc1.weight", {inter, hidden}, random});
        tensors.append({l + "mlp.fc1.bias", {inter}, random});
        tensors.append({l + "mlp.fc2.weight", {hidden, inter}, random});
        tensors.append({l + "mlp.fc2.bias", {hidden}, random});
    }
    tensors.append({QStringLiteral("visual_projection.weight"), {projection, hidden}, random});
    tensors.append({QStringLiteral("concept_embeds"), {17, projection}, random});
    tensors.append({QStringLiteral("concept_embeds_weights"), {17}, float(threshold)});
    tensors.append({QStringLiteral("special_care_embeds"), {3, projection}, random});
    tensors.append({QStringLiteral("special_care_embeds_weights"), {3}, 2.0f});

    QByteArray header = "{";
    QByteArray data;
    std::uint32_t state = 12345; // a fixed LCG: the same file every run
    for (const Tensor& t : tensors) {
        qint64 count = 1;
        QStringList dims;
        for (int d : t.shape) {
            count *= d;
            dims << QString::number(d);
        }
        const qint64 begin = data.size();
        for (qint64 k = 0; k < count; ++k) {
            float value = t.fill;
            if (std::isnan(value)) {
                state = state * 1664525u + 1013904223u;
                value = (float(state >> 8) / float(1u << 24) - 0.5f) * 0.2f;
            }
            data.append(reinterpret_cast<const char*>(&value), sizeof value);
        }
        if (header.size() > 1)
            header += ',';
        header += QStringLiteral(R"("%1":{"dtype":"F32","shape":[%2],"data_offsets":[%3,%4]})")
                      .arg(t.name, dims.join(QLatin1Char(',')))
                      .arg(begin)
                      .arg(data.size())
                      .toUtf8();
    }
    header += '}';
    while (header.size() % 8 != 0)
        header += ' ';
    QFile weights(root + QStringLiteral("/safety_checker/model.safetensors"));
    REQUIRE(weights.open(QIODevice::WriteOnly));
    const quint64 length = quint64(header.size());
    for (int b = 0; b < 8; ++b)
        weights.putChar(char((length >> (8 * b)) & 0xff));
    weights.write(header);
    weights.write(data);
}

} // namespace limner::tests
