#pragma once

#include "engine/core/Status.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace limner::engine::ml {

// Element types a safetensors header may name. Parsing accepts every type of the format so
// that a file is never rejected for a tensor nobody asked for; loading decides what libtorch
// can hold.
enum class SafetensorsDtype {
    Bool,
    U8,
    I8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F16,
    BF16,
    F32,
    F64,
    F8E4M3,
    F8E5M2
};

struct SafetensorsEntry {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; // byte range, relative to the start of the data section
    std::uint64_t end = 0;
};

// The validated header of a safetensors file, without any tensor library: the fuzz target
// drives this class directly.
//
// Guarantees: after parse() returns ok, every entry's byte range lies inside the file, ranges
// are contiguous from 0 with no gap or overlap, each range holds exactly shape × element size
// bytes, and names are unique. The checks follow the reference (Rust) implementation.
class SafetensorsHeader {
public:
    // Headers larger than this are refused, as the reference implementation does.
    static constexpr std::uint64_t maxHeaderBytes = 100'000'000;

    // file points at the whole file (or at least its first 8 + N bytes, with fileSize the full
    // size, which is all parse() reads).
    static Status parse(const std::uint8_t* file, std::size_t fileSize, SafetensorsHeader& out);

    const std::vector<SafetensorsEntry>& entries() const { return m_entries; } // sorted by name
    const SafetensorsEntry* find(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    // Offset of the data section from the start of the file (8 + header length).
    std::uint64_t dataOffset() const { return m_dataOffset; }

    static const char* dtypeName(SafetensorsDtype dtype);
    // A floating-point dtype as people name a model's precision ("float16", "bfloat16",
    // "float32", "float64", "float8"); nullptr for integers and booleans (ids and buffers, not
    // parameters).
    static const char* parameterDtypeName(SafetensorsDtype dtype);
    static bool dtypeFromName(const std::string& name, SafetensorsDtype& dtype);
    static std::size_t dtypeSize(SafetensorsDtype dtype);

private:
    std::vector<SafetensorsEntry> m_entries;
    std::map<std::string, std::size_t> m_index;
    std::map<std::string, std::string> m_metadata;
    std::uint64_t m_dataOffset = 0;
};

} // namespace limner::engine::ml
