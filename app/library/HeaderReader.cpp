#include "app/library/HeaderReader.h"

#include "engine/ml/io/SafetensorsHeader.h"

#include <QStringList>
#include <filesystem>
#include <fstream>
#include <vector>

namespace limner::app {

using engine::Status;
using engine::ml::SafetensorsDtype;
using engine::ml::SafetensorsHeader;

std::int64_t HeaderReader::ParameterCount::total() const {
    std::int64_t sum = 0;
    for (const auto& [dtype, elements] : byDtype)
        sum += elements;
    return sum;
}

QString HeaderReader::ParameterCount::dtypeText() const {
    QStringList names;
    for (const auto& [dtype, elements] : byDtype) {
        if (elements > 0)
            names << QString::fromStdString(dtype);
    }
    return names.join(QStringLiteral(" + "));
}

void HeaderReader::ParameterCount::add(const ParameterCount& other) {
    for (const auto& [dtype, elements] : other.byDtype)
        byDtype[dtype] += elements;
}

Status HeaderReader::read(const std::string& path, SafetensorsHeader& out) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec)
        return Status::notFound("cannot read " + path + ": " + ec.message());
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Status::notFound("cannot open " + path);
    std::vector<std::uint8_t> bytes(9);
    file.read(reinterpret_cast<char*>(bytes.data()), 9);
    const std::streamsize got = file.gcount();
    if (got < 8)
        return Status::modelFormat(path + " is too short to be a safetensors file (" +
                                   std::to_string(size) + " bytes): download it again");
    // A pickle starts with the PROTO opcode 0x80; torch.save and TorchScript write zip archives.
    // A safetensors header's length may start with those bytes too; its JSON then follows.
    const bool json = got == 9 && bytes[8] == '{';
    if (!json && (bytes[0] == 0x80 || (bytes[0] == 'P' && bytes[1] == 'K')))
        return Status::modelFormat(path + " is a PyTorch pickle or zip archive under a safetensors "
                                          "name; Limner never loads those (they can run code)");
    file.clear();
    file.seekg(8);
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | bytes[static_cast<std::size_t>(i)];
    if (length > SafetensorsHeader::maxHeaderBytes || length > size - 8)
        return Status::modelFormat(path + " is not a valid safetensors file: its header claims " +
                                   std::to_string(length) + " bytes of a " + std::to_string(size) +
                                   "-byte file (damaged or partly downloaded: download it again)");
    bytes.resize(8 + static_cast<std::size_t>(length));
    file.read(reinterpret_cast<char*>(bytes.data()) + 8, static_cast<std::streamsize>(length));
    if (static_cast<std::uint64_t>(file.gcount()) != length)
        return Status::ioError("cannot read the header of " + path);
    if (Status s = SafetensorsHeader::parse(bytes.data(), static_cast<std::size_t>(size), out); !s)
        return Status(s.code(), path + ": " + s.message());
    return Status::ok();
}

void HeaderReader::count(const SafetensorsHeader& header, ParameterCount& count,
                         const std::string& skipPrefix) {
    for (const auto& tensor : header.entries()) {
        const char* dtype = SafetensorsHeader::parameterDtypeName(tensor.dtype);
        if (!dtype || (!skipPrefix.empty() && tensor.name.rfind(skipPrefix, 0) == 0))
            continue;
        std::int64_t elements = 1;
        for (const std::int64_t d : tensor.shape)
            elements *= d;
        count.byDtype[dtype] += elements;
    }
}

} // namespace limner::app
