// LD_PRELOAD shim for the save fault-injection test: once LIMNER_FAIL_WRITES_AFTER bytes have
// gone to regular files, write() behaves like a full disk (a short write, then ENOSPC). The
// code under test runs unmodified: QSaveFile, ZipWriter and ProjectFile see a real failing
// system call.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace {

using WriteFunction = ssize_t (*)(int, const void*, size_t);

WriteFunction realWrite() {
    static WriteFunction function = [] {
        void* symbol = dlsym(RTLD_NEXT, "write");
        WriteFunction f = nullptr;
        std::memcpy(&f, &symbol, sizeof f);
        return f;
    }();
    return function;
}

long long limit() {
    static const long long value = [] {
        const char* text = std::getenv("LIMNER_FAIL_WRITES_AFTER");
        return text ? std::atoll(text) : -1LL;
    }();
    return value;
}

long long written = 0;

} // namespace

extern "C" ssize_t write(int fd, const void* buffer, size_t count) {
    struct stat info;
    if (limit() < 0 || fd <= 2 || fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
        return realWrite()(fd, buffer, count);
    if (written >= limit()) {
        errno = ENOSPC;
        return -1;
    }
    const size_t allowed = static_cast<size_t>(limit() - written);
    const ssize_t n = realWrite()(fd, buffer, count < allowed ? count : allowed);
    if (n > 0)
        written += n;
    return n;
}
