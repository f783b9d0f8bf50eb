#include "engine/ml/train/SceneData.h"

#include "engine/ml/pipelines/KandinskyPrior.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace limner::engine::ml::train {

at::Tensor imageTensor(const std::vector<std::uint8_t>& rgb) {
    return at::from_blob(const_cast<std::uint8_t*>(rgb.data()), {1, kSceneSide, kSceneSide, 3},
                         at::kByte)
        .permute({0, 3, 1, 2})
        .to(at::kFloat)
        .div(255.0)
        .contiguous();
}

SceneBatch sceneBatch(std::uint64_t seed, std::uint64_t first, int count) {
    SceneBatch b;
    std::vector<at::Tensor> images;
    for (int i = 0; i < count; ++i) {
        b.scenes.push_back(makeScene(seed, first + static_cast<std::uint64_t>(i)));
        images.push_back(imageTensor(render(b.scenes.back())));
    }
    b.images = at::cat(images);
    return b;
}

at::Tensor clipPixels(const at::Tensor& images01, const nlohmann::json& processor) {
    return KandinskyPrior::clipInput(images01,
                                     processor.at("size").at("shortest_edge").get<std::int64_t>(),
                                     processor.at("image_mean").get<std::vector<double>>(),
                                     processor.at("image_std").get<std::vector<double>>());
}

TokenIds tokenIds(const ClipTokenizer& tokenizer, const std::vector<std::string>& texts, int length) {
    std::vector<std::int64_t> ids, mask;
    for (const std::string& text : texts) {
        const ClipTokenizer::Encoding e = tokenizer.encodePadded(text, length);
        ids.insert(ids.end(), e.ids.begin(), e.ids.end());
        mask.insert(mask.end(), e.attentionMask.begin(), e.attentionMask.end());
    }
    const std::int64_t n = static_cast<std::int64_t>(texts.size());
    return {at::tensor(ids, at::kLong).view({n, length}),
            at::tensor(mask, at::kLong).view({n, length})};
}

PixelBox objectBox(const WorldObject& o, int margin) {
    const int grow = o.radius + margin;
    return {std::max(0, o.cx - grow), std::max(0, o.cy - grow), std::min(kSceneSide, o.cx + grow + 1),
            std::min(kSceneSide, o.cy + grow + 1)};
}

at::Tensor clipPixelsOfBox(const at::Tensor& image01, const PixelBox& box,
                           const nlohmann::json& processor) {
    return clipPixels(image01.slice(2, box.y0, box.y1).slice(3, box.x0, box.x1), processor);
}

TrainingMasks trainingMasks(const std::vector<Scene>& scenes, const std::vector<int>& targets,
                            WorldRandom& rng) {
    const int side = kSceneSide;
    at::Tensor masks = at::zeros({static_cast<std::int64_t>(scenes.size()), 1, side, side});
    std::vector<bool> onTarget(scenes.size(), false);
    auto a = masks.accessor<float, 4>();
    const auto box = [&](std::size_t i, int x0, int y0, int x1, int y1) {
        for (int y = std::max(0, y0); y < std::min(side, y1); ++y)
            for (int x = std::max(0, x0); x < std::min(side, x1); ++x)
                a[i][0][y][x] = 1;
    };
    for (std::size_t i = 0; i < scenes.size(); ++i) {
        const int kind = rng.below(100);
        if (kind < 55 && targets[i] >= 0 && targets[i] < static_cast<int>(scenes[i].objects.size())) {
            const PixelBox b =
                objectBox(scenes[i].objects[static_cast<std::size_t>(targets[i])], rng.between(2, 10));
            box(i, b.x0, b.y0, b.x1, b.y1);
            onTarget[i] = true;
        } else if (kind < 70) {
            const int w = rng.between(16, 96), h = rng.between(16, 96);
            const int x = rng.between(0, side - w), y = rng.between(0, side - h);
            box(i, x, y, x + w, y + h);
        } else if (kind < 80) {
            // Brush strokes: discs along a random walk.
            const int strokes = rng.between(1, 3);
            for (int s = 0; s < strokes; ++s) {
                double x = rng.between(0, side - 1), y = rng.between(0, side - 1);
                const int radius = rng.between(5, 14);
                double angle = rng.unit() * 6.283;
                for (int k = 0; k < 30; ++k) {
                    for (int dy = -radius; dy <= radius; ++dy)
                        for (int dx = -radius; dx <= radius; ++dx)
                            if (dx * dx + dy * dy <= radius * radius) {
                                const int px = static_cast<int>(x) + dx, py = static_cast<int>(y) + dy;
                                if (px >= 0 && px < side && py >= 0 && py < side)
                                    a[i][0][py][px] = 1;
                            }
                    angle += (rng.unit() - 0.5) * 0.8;
                    x = std::clamp(x + 3 * std::cos(angle), 0.0, side - 1.0);
                    y = std::clamp(y + 3 * std::sin(angle), 0.0, side - 1.0);
                }
            }
        } else if (kind < 92) {
            // Outpainting: what lies beyond a kept region is new.
            const int keep = rng.between(40, 96);
            switch (rng.below(5)) {
            case 0:
                box(i, keep, 0, side, side);
                break;
            case 1:
                box(i, 0, 0, side - keep, side);
                break;
            case 2:
                box(i, 0, keep, side, side);
                break;
            case 3:
                box(i, 0, 0, side, side - keep);
                break;
            default: {
                const int m = rng.between(12, 32);
                box(i, 0, 0, side, side);
                for (int y = m; y < side - m; ++y)
                    for (int x = m; x < side - m; ++x)
                        a[i][0][y][x] = 0;
            }
            }
        } else {
            box(i, 0, 0, side, side);
        }
    }
    return {masks, onTarget};
}

} // namespace limner::engine::ml::train
