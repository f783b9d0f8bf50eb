// libFuzzer target for the OpenRaster reader: the ZIP parser, the stack.xml parser, Limner's
// project.json and the size checks before PNG decoding. Small limits keep each input cheap, so
// the fuzzer spends its time on structure rather than on decoding big pictures.
#include "app/project/OraReader.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static int argc = 1;
    static char name[] = "limner_fuzz_ora";
    static char* argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv); // image plugins need an application object
    static const bool quiet = [] {
        QLoggingCategory::setFilterRules(QStringLiteral("qt.gui.imageio*=false"));
        return true;
    }();
    (void)quiet;
    limner::app::OraReader::Limits limits;
    limits.decodeLimitBytes = qint64(4) << 20;
    limits.totalDecodeBytes = qint64(16) << 20;
    limits.zip.maxEntryBytes = qint64(8) << 20;
    limits.zip.maxTotalBytes = qint64(32) << 20;
    limits.maxLayers = 64;
    QString error;
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto snapshot = limner::app::OraReader::read(bytes, limits, &error);
    // Every refusal says why.
    if (!snapshot && error.isEmpty())
        __builtin_trap();
    return 0;
}
