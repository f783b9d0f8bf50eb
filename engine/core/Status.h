#pragma once

#include <string>
#include <utility>

namespace limner::engine {

// How every engine operation reports failure. No exception crosses a module boundary:
// each module catches at its edge and returns a Status whose message says what was wrong
// and what to do about it ("mask is 512×480 but the image is 512×512").
class Status {
public:
    enum class Code {
        Ok,
        BadInput,
        ModelFormat,
        OutOfMemory,
        Cancelled,
        DeviceUnavailable,
        NotFound,
        IoError,
        Internal
    };

    Status() = default;
    Status(Code code, std::string message)
        : m_code(code)
        , m_message(std::move(message)) {}

    static Status ok() { return {}; }
    static Status badInput(std::string m) { return {Code::BadInput, std::move(m)}; }
    static Status modelFormat(std::string m) { return {Code::ModelFormat, std::move(m)}; }
    static Status outOfMemory(std::string m) { return {Code::OutOfMemory, std::move(m)}; }
    static Status cancelled() { return {Code::Cancelled, "cancelled"}; }
    static Status deviceUnavailable(std::string m) { return {Code::DeviceUnavailable, std::move(m)}; }
    static Status notFound(std::string m) { return {Code::NotFound, std::move(m)}; }
    static Status ioError(std::string m) { return {Code::IoError, std::move(m)}; }
    static Status internal(std::string m) { return {Code::Internal, std::move(m)}; }

    bool isOk() const { return m_code == Code::Ok; }
    explicit operator bool() const { return isOk(); }
    Code code() const { return m_code; }
    const std::string& message() const { return m_message; }

    static const char* codeName(Code c) {
        switch (c) {
        case Code::Ok:
            return "ok";
        case Code::BadInput:
            return "bad input";
        case Code::ModelFormat:
            return "model format";
        case Code::OutOfMemory:
            return "out of memory";
        case Code::Cancelled:
            return "cancelled";
        case Code::DeviceUnavailable:
            return "device unavailable";
        case Code::NotFound:
            return "not found";
        case Code::IoError:
            return "i/o error";
        case Code::Internal:
            return "internal error";
        }
        return "unknown";
    }

private:
    Code m_code = Code::Ok;
    std::string m_message;
};

} // namespace limner::engine
