#include "engine/ml/io/MappedFile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace limner::engine::ml {

Status MappedFile::open(const std::string& path, std::shared_ptr<const MappedFile>& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        const std::string why = std::strerror(error);
        if (error == ENOENT)
            return Status::notFound("cannot open " + path + ": " + why);
        return Status::ioError("cannot open " + path + ": " + why);
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return Status::ioError("cannot read " + path + ": not a regular file");
    }
    std::shared_ptr<MappedFile> file(new MappedFile());
    file->m_path = path;
    file->m_size = static_cast<std::size_t>(info.st_size);
    if (file->m_size > 0) {
        void* data = ::mmap(nullptr, file->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            return Status::ioError("cannot map " + path + " into memory: " + why);
        }
        file->m_data = static_cast<const std::uint8_t*>(data);
    }
    ::close(fd); // the mapping keeps its own reference to the file
    out = std::move(file);
    return Status::ok();
}

void MappedFile::release(std::size_t offset, std::size_t length) const {
    if (!m_data || length == 0 || offset >= m_size)
        return;
    const long page = ::sysconf(_SC_PAGESIZE);
    const std::size_t pageSize = page > 0 ? static_cast<std::size_t>(page) : 4096;
    const std::size_t begin = offset / pageSize * pageSize;
    const std::size_t end = std::min(m_size, offset + length);
    // The mapping is read-only and private: discarded pages read back from the file unchanged.
    // The call is advice; when refused nothing changes but the resident size.
    (void)::madvise(const_cast<std::uint8_t*>(m_data) + begin, end - begin, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
    if (m_data)
        ::munmap(const_cast<std::uint8_t*>(m_data), m_size);
}

} // namespace limner::engine::ml
