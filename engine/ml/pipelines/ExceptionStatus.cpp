#include "engine/ml/pipelines/ExceptionStatus.h"

#include <c10/util/Exception.h>
#include <exception>
#include <new>

namespace limner::engine::ml {

namespace {

Status outOfMemory(const std::string& context) {
    return Status::outOfMemory(context + ": the device ran out of memory; try a smaller region, fewer "
                                         "candidates or a lower precision");
}

} // namespace

Status statusFromCurrentException(const std::string& context) {
    try {
        throw;
    } catch (const std::bad_alloc&) {
        return outOfMemory(context);
    } catch (const c10::Error& e) {
        const std::string message = e.what_without_backtrace();
        if (message.find("out of memory") != std::string::npos ||
            message.find("Out of memory") != std::string::npos)
            return outOfMemory(context);
        return Status::internal(context + ": " + message);
    } catch (const std::exception& e) {
        return Status::internal(context + ": " + e.what());
    } catch (...) {
        return Status::internal(context + ": unknown exception");
    }
}

} // namespace limner::engine::ml
