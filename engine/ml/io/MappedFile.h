#pragma once

#include "engine/core/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace limner::engine::ml {

// A read-only memory map of a whole file. Model files are gigabytes: mapping them lets the
// loader convert one tensor at a time without a second full copy in memory.
class MappedFile {
public:
    static Status open(const std::string& path, std::shared_ptr<const MappedFile>& out);

    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    const std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

private:
    MappedFile() = default;

    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    std::string m_path;
};

} // namespace limner::engine::ml
