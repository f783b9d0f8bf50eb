#include "engine/ml/io/Safetensors.h"

#include "engine/ml/io/MappedFile.h"

#include <ATen/ATen.h>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace limner::engine::ml {

namespace {

bool toScalarType(SafetensorsDtype dtype, at::ScalarType& out) {
    switch (dtype) {
    case SafetensorsDtype::Bool:
        out = at::kBool;
        return true;
    case SafetensorsDtype::U8:
        out = at::kByte;
        return true;
    case SafetensorsDtype::I8:
        out = at::kChar;
        return true;
    case SafetensorsDtype::I16:
        out = at::kShort;
        return true;
    case SafetensorsDtype::I32:
        out = at::kInt;
        return true;
    case SafetensorsDtype::I64:
        out = at::kLong;
        return true;
    case SafetensorsDtype::F16:
        out = at::kHalf;
        return true;
    case SafetensorsDtype::BF16:
        out = at::kBFloat16;
        return true;
    case SafetensorsDtype::F32:
        out = at::kFloat;
        return true;
    case SafetensorsDtype::F64:
        out = at::kDouble;
        return true;
    default:
        return false; // unsigned 16/32/64-bit and 8-bit floats: not in every libtorch we build with
    }
}

bool fromScalarType(at::ScalarType type, const char*& out) {
    switch (type) {
    case at::kBool:
        out = "BOOL";
        return true;
    case at::kByte:
        out = "U8";
        return true;
    case at::kChar:
        out = "I8";
        return true;
    case at::kShort:
        out = "I16";
        return true;
    case at::kInt:
        out = "I32";
        return true;
    case at::kLong:
        out = "I64";
        return true;
    case at::kHalf:
        out = "F16";
        return true;
    case at::kBFloat16:
        out = "BF16";
        return true;
    case at::kFloat:
        out = "F32";
        return true;
    case at::kDouble:
        out = "F64";
        return true;
    default:
        return false;
    }
}

} // namespace

Status Safetensors::open(const std::string& path, Safetensors& out) {
    std::shared_ptr<const MappedFile> file;
    if (Status s = MappedFile::open(path, file); !s)
        return s;
    Safetensors result;
    if (Status s = SafetensorsHeader::parse(file->data(), file->size(), result.m_header); !s)
        return Status(s.code(), path + " is " + s.message());
    result.m_file = file;
    result.m_data = file->data();
    result.m_size = file->size();
    result.m_path = path;
    out = std::move(result);
    return Status::ok();
}

Status Safetensors::fromBytes(const std::uint8_t* data, std::size_t size, Safetensors& out) {
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(data, data + size);
    Safetensors result;
    if (Status s = SafetensorsHeader::parse(bytes->data(), bytes->size(), result.m_header); !s)
        return Status(s.code(), "the data is " + s.message());
    result.m_data = bytes->data();
    result.m_size = bytes->size();
    result.m_bytes = std::move(bytes);
    out = std::move(result);
    return Status::ok();
}

std::vector<std::string> Safetensors::names() const {
    std::vector<std::string> result;
    for (const auto& e : m_header.entries())
        result.push_back(e.name);
    return result;
}

Status Safetensors::storedTensor(const SafetensorsEntry& entry, at::Tensor& view) const {
    at::ScalarType type{};
    if (!toScalarType(entry.dtype, type))
        return Status::modelFormat("tensor \"" + entry.name + "\" in " + m_path + " has dtype " +
                                   SafetensorsHeader::dtypeName(entry.dtype) +
                                   ", which Limner cannot load; convert the file to F32, F16 or BF16");
    const auto options = at::TensorOptions().dtype(type).device(at::kCPU);
    const std::uint8_t* bytes = m_data + m_header.dataOffset() + entry.begin;
    const std::size_t count = entry.end - entry.begin;
    const std::size_t elementSize = SafetensorsHeader::dtypeSize(entry.dtype);
    if (count == 0 || reinterpret_cast<std::uintptr_t>(bytes) % elementSize != 0) {
        // Unaligned data (a header length that is not a multiple of 8) is legal: copy this one
        // tensor to aligned memory rather than hand misaligned pointers to kernels.
        view = at::empty(entry.shape, options);
        if (count > 0)
            std::memcpy(view.data_ptr(), bytes, count);
        return Status::ok();
    }
    view = at::from_blob(const_cast<std::uint8_t*>(bytes), entry.shape, options);
    return Status::ok();
}

void Safetensors::releasePages(const SafetensorsEntry& entry) const {
    if (m_file)
        m_file->release(static_cast<std::size_t>(m_data - m_file->data()) + m_header.dataOffset() +
                            entry.begin,
                        entry.end - entry.begin);
}

Status Safetensors::tensor(const std::string& name, at::Tensor& out) const {
    const SafetensorsEntry* entry = m_header.find(name);
    if (!entry)
        return Status::notFound("tensor \"" + name + "\" is not in " +
                                (m_path.empty() ? "the data" : m_path));
    at::Tensor view;
    if (Status s = storedTensor(*entry, view); !s)
        return s;
    try {
        out = view.clone();
        releasePages(*entry);
    } catch (const c10::Error& e) {
        return Status::outOfMemory("cannot load tensor \"" + name +
                                   "\": " + e.what_without_backtrace());
    }
    return Status::ok();
}

Status Safetensors::tensor(const std::string& name, at::Tensor& out, at::ScalarType dtype,
                           c10::Device device) const {
    const SafetensorsEntry* entry = m_header.find(name);
    if (!entry)
        return Status::notFound("tensor \"" + name + "\" is not in " +
                                (m_path.empty() ? "the data" : m_path));
    at::Tensor view;
    if (Status s = storedTensor(*entry, view); !s)
        return s;
    try {
        out = view.to(device, dtype, /*non_blocking=*/false, /*copy=*/true);
        releasePages(*entry);
    } catch (const c10::Error& e) {
        if (device.is_cuda() && !at::hasCUDA())
            return Status::deviceUnavailable("cannot load tensor \"" + name +
                                             "\" to CUDA: this build of libtorch has no CUDA support");
        return Status::outOfMemory("cannot load tensor \"" + name + "\" to " + device.str() + ": " +
                                   e.what_without_backtrace());
    }
    return Status::ok();
}

Status Safetensors::loadAll(std::unordered_map<std::string, at::Tensor>& out,
                            std::optional<at::ScalarType> dtype, c10::Device device) const {
    std::unordered_map<std::string, at::Tensor> result;
    for (const auto& entry : m_header.entries()) {
        at::Tensor t;
        at::ScalarType stored{};
        const bool known = toScalarType(entry.dtype, stored);
        const at::ScalarType target = (dtype && known && at::isFloatingType(stored)) ? *dtype : stored;
        if (Status s = known ? tensor(entry.name, t, target, device) : storedTensor(entry, t); !s)
            return s;
        result.emplace(entry.name, std::move(t));
    }
    out = std::move(result);
    return Status::ok();
}

Status Safetensors::write(const std::string& path,
                          const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                          const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (name.empty() || name == "__metadata__" || !names.insert(name).second)
            return Status::badInput("cannot write " + path + ": tensor name \"" + name +
                                    "\" is empty, reserved or used twice");
        const char* dtype = nullptr;
        if (!t.defined() || !fromScalarType(t.scalar_type(), dtype))
            return Status::badInput("cannot write " + path + ": tensor \"" + name +
                                    "\" is undefined or has a dtype safetensors cannot hold");
        const std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * t.element_size();
        header[name] = {
            {"dtype", dtype}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' '); // keeps the data section 8-byte aligned

    const std::string partial = path + ".part";
    std::ofstream stream(partial, std::ios::binary | std::ios::trunc);
    if (!stream)
        return Status::ioError("cannot write " + partial + ": " + std::strerror(errno));
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
    stream.write(reinterpret_cast<const char*>(length), 8);
    stream.write(text.data(), static_cast<std::streamsize>(text.size()));
    try {
        for (const auto& [name, t] : tensors) {
            // One tensor at a time: never a second copy of the whole model.
            const at::Tensor cpu = t.detach().to(at::kCPU).contiguous();
            stream.write(static_cast<const char*>(cpu.data_ptr()),
                         static_cast<std::streamsize>(cpu.numel() * cpu.element_size()));
        }
    } catch (const c10::Error& e) {
        stream.close();
        std::remove(partial.c_str());
        return Status::internal("cannot write " + path + ": " + e.what_without_backtrace());
    }
    stream.close();
    if (!stream) {
        std::remove(partial.c_str());
        return Status::ioError("cannot write " + path + ": the disk may be full");
    }
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(partial.c_str());
        return Status::ioError("cannot write " + path + ": " + why);
    }
    return Status::ok();
}

} // namespace limner::engine::ml
