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
    // Drops this process's pages of bytes [offset, offset + length) (whole pages, rounded
    // outwards) once they have been copied out: they stay in the page cache, but no longer count
    // in the process's resident memory, so converting a file tensor by tensor never holds the
    // file's pages and the converted copies at once. A later read maps them in again from the
    // file, so the data never changes.
    void release(std::size_t offset, std::size_t length) const;

private:
    MappedFile() = default;

    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    std::string m_path;
};

} // namespace limner::engine::ml
