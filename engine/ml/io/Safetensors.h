#pragma once

#include "engine/core/Status.h"
#include "engine/ml/io/SafetensorsHeader.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace limner::engine::ml {

class MappedFile;

// Reads and writes the safetensors format (https://github.com/huggingface/safetensors).
//
//     Safetensors file;
//     if (Status s = Safetensors::open(path, file); !s) return s;
//     at::Tensor w;
//     if (Status s = file.tensor("conv_in.weight", w, at::kHalf, at::kCUDA); !s) return s;
//
// The file is memory-mapped and validated once by open(); tensor() converts one tensor at a
// time and then drops that tensor's pages of the mapping from the resident set, so loading never
// holds two full copies of a large file (the converted tensors and the file's pages). Tensors returned
// own their memory: they stay valid after the Safetensors object is gone. Thread safety: const member
// functions may be called from several threads at once.
class Safetensors {
public:
    static Status open(const std::string& path, Safetensors& out);
    // Validates a file already in memory (the bytes are copied).
    static Status fromBytes(const std::uint8_t* data, std::size_t size, Safetensors& out);

    // Tensor names sorted by name (the __metadata__ entry is not a tensor).
    std::vector<std::string> names() const;
    bool contains(const std::string& name) const { return m_header.find(name) != nullptr; }
    const SafetensorsHeader& header() const { return m_header; }
    const std::map<std::string, std::string>& metadata() const { return m_header.metadata(); }
    const std::string& path() const { return m_path; }

    // The tensor as stored (its own dtype), on the CPU.
    Status tensor(const std::string& name, at::Tensor& out) const;
    // Converted to dtype and placed on device. Integer tensors convert too (ids to float is a
    // legitimate request); libtorch's conversion rules apply.
    Status tensor(const std::string& name, at::Tensor& out, at::ScalarType dtype,
                  c10::Device device = c10::Device(c10::kCPU)) const;
    // Every tensor; dtype nullopt keeps each tensor's stored dtype, otherwise only floating point
    // tensors are converted and integer tensors keep theirs (ids and indices must stay exact).
    Status loadAll(std::unordered_map<std::string, at::Tensor>& out,
                   std::optional<at::ScalarType> dtype,
                   c10::Device device = c10::Device(c10::kCPU)) const;

    // Writes tensors (any device, any layout) with an optional __metadata__ map. Names must be
    // unique and non-empty. The file is written next to its destination and renamed into place,
    // so a failed write never leaves a half-written model behind.
    static Status write(const std::string& path,
                        const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata = {});

private:
    Status storedTensor(const SafetensorsEntry& entry, at::Tensor& view) const;
    // After a tensor is copied out of a mapped file: its pages leave the resident set.
    void releasePages(const SafetensorsEntry& entry) const;

    std::shared_ptr<const MappedFile> m_file;
    std::shared_ptr<const std::vector<std::uint8_t>> m_bytes; // fromBytes() keeps its copy here
    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    SafetensorsHeader m_header;
    std::string m_path;
};

} // namespace limner::engine::ml
