// libFuzzer entry for the safetensors header parser: the part of loading that reads untrusted
// bytes. Tensor data is never allocated here, so huge declared shapes cost nothing.
#include "engine/ml/io/SafetensorsHeader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using limner::engine::ml::SafetensorsHeader;
    SafetensorsHeader header;
    if (!SafetensorsHeader::parse(data, size, header))
        return 0;
    // A header that passed validation must describe bytes inside the input: touch them all.
    unsigned checksum = 0;
    for (const auto& entry : header.entries()) {
        if (header.find(entry.name) != &entry)
            __builtin_trap();
        for (std::uint64_t i = entry.begin; i < entry.end; ++i)
            checksum += data[header.dataOffset() + i];
    }
    return static_cast<int>(checksum & 0);
}
