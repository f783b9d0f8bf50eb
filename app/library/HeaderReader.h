#pragma once

#include "engine/core/Status.h"

#include <QString>
#include <cstdint>
#include <map>
#include <string>

namespace limner::engine::ml {
class SafetensorsHeader;
}

namespace limner::app {

// Reads what the library shows of a weights file from its safetensors header alone: the first
// 8 + N bytes, never the tensor data (a 5 GB UNet costs one read of ~100 KB). The header is
// validated as the engine's loader validates it (engine/ml/io/SafetensorsHeader).
class HeaderReader {
public:
    // Floating-point elements by stored type; integer buffers (position ids) are no parameters.
    struct ParameterCount {
        std::map<std::string, std::int64_t> byDtype; // "bfloat16", "float16", "float32", "float8" …

        std::int64_t total() const;
        // "float16", or "float16 + float32" when mixed; "" when nothing was counted.
        QString dtypeText() const;
        void add(const ParameterCount& other);
    };

    // Refuses files that are pickles or zip archives (torch.save) whatever they are called,
    // headers over the reference implementation's 100 MB, and ranges past the file's end.
    static engine::Status read(const std::string& path, engine::ml::SafetensorsHeader& out);
    // Adds the header's floating-point tensors to count, skipping names that start with
    // skipPrefix (a single file's EMA copy "model_ema.").
    static void count(const engine::ml::SafetensorsHeader& header, ParameterCount& count,
                      const std::string& skipPrefix = {});
};

} // namespace limner::app
