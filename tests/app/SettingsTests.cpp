#include "app/ImageIO.h"
#include "app/Settings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using limner::app::ImageIO;
using limner::app::Settings;

TEST_CASE("Settings survive a restart and damaged values fall back to the defaults", "[app]") {
    // A scratch location, never the user's configuration.
    QTemporaryDir scratch;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, scratch.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch.path());
    REQUIRE(QSettings().fileName().startsWith(scratch.path()));

    const Settings defaults = Settings::load();
    CHECK(defaults.decodeLimitBytes == ImageIO::kDefaultDecodeLimitBytes);
    CHECK(defaults.backend == QStringLiteral("telea"));

    Settings changed;
    changed.decodeLimitBytes = qint64(512) << 20;
    changed.exportQuality = 75;
    changed.backend = QStringLiteral("fsr");
    changed.candidates = 4;
    changed.modelSpeeds.insert(QStringLiteral("gemm cpu/float32"), 2.4e11);
    changed.save();
    const Settings reloaded = Settings::load();
    CHECK(reloaded.decodeLimitBytes == changed.decodeLimitBytes);
    CHECK(reloaded.exportQuality == 75);
    CHECK(reloaded.backend == QStringLiteral("fsr"));
    CHECK(reloaded.candidates == 4);
    CHECK(reloaded.modelSpeeds.value(QStringLiteral("gemm cpu/float32")).toDouble() == 2.4e11);

    QSettings().setValue(QStringLiteral("import/decodeLimitBytes"), QStringLiteral("lots"));
    QSettings().setValue(QStringLiteral("export/quality"), 900);
    QSettings().setValue(QStringLiteral("inpaint/candidates"), 0);
    QSettings().setValue(QStringLiteral("models/speeds"),
                         QVariantMap{{QStringLiteral("gemm cpu/float32"), QStringLiteral("fast")}});
    const Settings damaged = Settings::load();
    CHECK(damaged.decodeLimitBytes == ImageIO::kDefaultDecodeLimitBytes);
    CHECK(damaged.exportQuality == ImageIO::kDefaultQuality);
    CHECK(damaged.candidates == 1);
    CHECK(damaged.modelSpeeds.isEmpty());
}
