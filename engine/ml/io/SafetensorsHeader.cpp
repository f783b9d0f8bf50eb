#include "engine/ml/io/SafetensorsHeader.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace limner::engine::ml {

namespace {

struct DtypeInfo {
    SafetensorsDtype dtype;
    const char* name;
    std::size_t size;
};

constexpr DtypeInfo dtypeTable[] = {
    {SafetensorsDtype::Bool, "BOOL", 1},      {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::I8, "I8", 1},          {SafetensorsDtype::I16, "I16", 2},
    {SafetensorsDtype::U16, "U16", 2},        {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::U32, "U32", 4},        {SafetensorsDtype::I64, "I64", 8},
    {SafetensorsDtype::U64, "U64", 8},        {SafetensorsDtype::F16, "F16", 2},
    {SafetensorsDtype::BF16, "BF16", 2},      {SafetensorsDtype::F32, "F32", 4},
    {SafetensorsDtype::F64, "F64", 8},        {SafetensorsDtype::F8E4M3, "F8_E4M3", 1},
    {SafetensorsDtype::F8E5M2, "F8_E5M2", 1},
};

bool checkedMul(std::uint64_t a, std::uint64_t b, std::uint64_t& result) {
    return !__builtin_mul_overflow(a, b, &result);
}

Status bad(const std::string& what) {
    return Status::modelFormat(
        "not a valid safetensors file: " + what +
        " (the file may be damaged or only partly downloaded; download it again)");
}

std::string shownName(const std::string& name) {
    // Names come from untrusted files: keep messages readable whatever bytes they hold.
    std::string out = "\"";
    for (char c : name.substr(0, 200)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    return out + (name.size() > 200 ? "...\"" : "\"");
}

// Watches the top-level keys of a JSON text for duplicates, building nothing.
class DuplicateKeyWatcher : public nlohmann::json_sax<nlohmann::json> {
public:
    std::string duplicate;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        ++m_depth;
        return true;
    }
    bool key(string_t& key) override {
        if (m_depth == 1 && duplicate.empty() && !m_seen.insert(key).second)
            duplicate = key;
        return true;
    }
    bool end_object() override {
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) override {
        ++m_depth;
        return true;
    }
    bool end_array() override {
        --m_depth;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

private:
    int m_depth = 0;
    std::unordered_set<std::string> m_seen;
};

// Top-level duplicate keys are silently merged by JSON libraries; the format forbids them, so
// a first pass watches for them. (A parse callback could watch during the one parse, but
// nlohmann's callback parser rescans the parent object at the end of every child: quadratic in
// the tensor count, 1.4 s of the model library's 2.2 s scan of a hundred real-size headers.)
nlohmann::json parseRejectingDuplicates(const std::string& text, std::string& duplicate) {
    DuplicateKeyWatcher watcher;
    if (!nlohmann::json::sax_parse(text, &watcher, nlohmann::json::input_format_t::json,
                                   /*strict=*/true))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    duplicate = watcher.duplicate;
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

Status parseEntry(const std::string& name, const nlohmann::json& value, SafetensorsEntry& entry) {
    entry.name = name;
    if (!value.is_object())
        return bad("the header entry for " + shownName(name) + " is not a JSON object");
    const auto dtype = value.find("dtype");
    const auto shape = value.find("shape");
    const auto offsets = value.find("data_offsets");
    if (dtype == value.end() || shape == value.end() || offsets == value.end())
        return bad("the header entry for " + shownName(name) +
                   " lacks \"dtype\", \"shape\" or \"data_offsets\"");
    if (!dtype->is_string() ||
        !SafetensorsHeader::dtypeFromName(dtype->get<std::string>(), entry.dtype))
        return bad("tensor " + shownName(name) + " has unknown dtype " + dtype->dump().substr(0, 40));
    if (!shape->is_array())
        return bad("the shape of tensor " + shownName(name) + " is not a list");
    for (const auto& dim : *shape) {
        if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
            return bad("the shape of tensor " + shownName(name) + " holds " + dim.dump().substr(0, 40) +
                       ", not a non-negative integer");
        entry.shape.push_back(static_cast<std::int64_t>(dim.get<std::uint64_t>()));
    }
    if (!offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
        !(*offsets)[1].is_number_unsigned())
        return bad("the data_offsets of tensor " + shownName(name) +
                   " are not two non-negative integers");
    entry.begin = (*offsets)[0].get<std::uint64_t>();
    entry.end = (*offsets)[1].get<std::uint64_t>();
    if (entry.end < entry.begin)
        return bad("tensor " + shownName(name) + " ends before it begins (data_offsets " +
                   offsets->dump() + ")");
    std::uint64_t bytes = SafetensorsHeader::dtypeSize(entry.dtype);
    for (const auto dim : entry.shape) {
        if (!checkedMul(bytes, static_cast<std::uint64_t>(dim), bytes))
            return bad("the shape of tensor " + shownName(name) + " overflows 64-bit sizes");
    }
    if (bytes != entry.end - entry.begin)
        return bad("tensor " + shownName(name) + " of shape " + shape->dump() + " and dtype " +
                   dtype->get<std::string>() + " needs " + std::to_string(bytes) +
                   " bytes but its data_offsets span " + std::to_string(entry.end - entry.begin));
    return Status::ok();
}

} // namespace

const char* SafetensorsHeader::dtypeName(SafetensorsDtype dtype) {
    for (const auto& info : dtypeTable) {
        if (info.dtype == dtype)
            return info.name;
    }
    return "?";
}

bool SafetensorsHeader::dtypeFromName(const std::string& name, SafetensorsDtype& dtype) {
    for (const auto& info : dtypeTable) {
        if (name == info.name) {
            dtype = info.dtype;
            return true;
        }
    }
    return false;
}

std::size_t SafetensorsHeader::dtypeSize(SafetensorsDtype dtype) {
    for (const auto& info : dtypeTable) {
        if (info.dtype == dtype)
            return info.size;
    }
    return 0;
}

const SafetensorsEntry* SafetensorsHeader::find(const std::string& name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_entries[it->second];
}

Status SafetensorsHeader::parse(const std::uint8_t* file, std::size_t fileSize,
                                SafetensorsHeader& out) {
    if (fileSize < 8)
        return bad("it is " + std::to_string(fileSize) +
                   " bytes long, shorter than the 8-byte header length");
    std::uint64_t headerBytes = 0;
    for (int i = 7; i >= 0; --i)
        headerBytes = (headerBytes << 8) | file[i]; // little-endian whatever the host
    if (headerBytes > maxHeaderBytes)
        return bad("its header claims " + std::to_string(headerBytes) +
                   " bytes, more than the 100 MB limit");
    if (headerBytes > fileSize - 8)
        return bad("its header claims " + std::to_string(headerBytes) +
                   " bytes but the file holds only " + std::to_string(fileSize - 8) +
                   " after the length");
    const std::string text(reinterpret_cast<const char*>(file + 8), headerBytes);
    if (text.empty() || text.front() != '{')
        return bad("its header does not start with '{'");
    std::string duplicate;
    const nlohmann::json header = parseRejectingDuplicates(text, duplicate);
    if (header.is_discarded())
        return bad("its header is not valid JSON (or not valid UTF-8)");
    if (!header.is_object())
        return bad("its header is not a JSON object");
    if (!duplicate.empty())
        return bad("the header names tensor " + shownName(duplicate) + " twice");

    SafetensorsHeader result;
    result.m_dataOffset = 8 + headerBytes;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object())
                return bad("its __metadata__ is not a JSON object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    return bad("its __metadata__ value for " + shownName(m.key()) + " is not a string");
                result.m_metadata[m.key()] = m->get<std::string>();
            }
            continue;
        }
        SafetensorsEntry entry;
        if (Status s = parseEntry(it.key(), *it, entry); !s)
            return s;
        result.m_entries.push_back(std::move(entry));
    }

    // Contiguity is checked in offset order; the file order of the JSON object is arbitrary.
    std::vector<const SafetensorsEntry*> byOffset;
    for (const auto& e : result.m_entries)
        byOffset.push_back(&e);
    std::stable_sort(byOffset.begin(), byOffset.end(), [](const auto* a, const auto* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    std::uint64_t expectedBegin = 0;
    for (const auto* e : byOffset) {
        if (e->begin != expectedBegin)
            return bad(
                "tensor " + shownName(e->name) + " starts at byte " + std::to_string(e->begin) +
                " but " +
                (e->begin > expectedBegin ? "the previous tensor ends at byte " : "bytes up to ") +
                std::to_string(expectedBegin) +
                (e->begin > expectedBegin ? " (a gap)" : " are already used (an overlap)"));
        expectedBegin = e->end;
    }
    const std::uint64_t dataBytes = fileSize - result.m_dataOffset;
    if (expectedBegin > dataBytes)
        return bad("its tensors need " + std::to_string(expectedBegin) +
                   " data bytes but the file holds " + std::to_string(dataBytes) + " (truncated)");
    if (expectedBegin != dataBytes)
        return bad("its tensors cover " + std::to_string(expectedBegin) +
                   " data bytes but the file holds " + std::to_string(dataBytes) + " (trailing bytes)");

    for (std::size_t i = 0; i < result.m_entries.size(); ++i)
        result.m_index[result.m_entries[i].name] = i;
    out = std::move(result);
    return Status::ok();
}

const char* SafetensorsHeader::parameterDtypeName(SafetensorsDtype dtype) {
    switch (dtype) {
    case SafetensorsDtype::F16:
        return "float16";
    case SafetensorsDtype::BF16:
        return "bfloat16";
    case SafetensorsDtype::F32:
        return "float32";
    case SafetensorsDtype::F64:
        return "float64";
    case SafetensorsDtype::F8E4M3:
    case SafetensorsDtype::F8E5M2:
        return "float8";
    default:
        return nullptr;
    }
}

} // namespace limner::engine::ml
