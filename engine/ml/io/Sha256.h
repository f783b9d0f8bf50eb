#pragma once

#include "engine/core/Status.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

// SHA-256 (FIPS 180-4). The hub names a large file's blob by the SHA-256 of its content, so a
// weights file's digest identifies it wherever it lies (cache, copy, download folder).
class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    // Lower-case hex digest; the object is spent afterwards.
    std::string hexDigest();

    static std::string ofBytes(const void* data, std::size_t size);
    // Reads the file in blocks (no copy of it in memory).
    static Status ofFile(const std::string& path, std::string& hexDigest);

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0;
};

} // namespace limner::engine::ml
