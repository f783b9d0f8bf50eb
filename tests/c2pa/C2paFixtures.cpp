#include "C2paFixtures.h"

#include <QBuffer>
#include <QPainter>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

namespace limner::app::test {

QImage c2paTestImage() {
    QImage image(64, 48, QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            image.setPixel(x, y, qRgb(x * 4, y * 5, (x * y) % 256));
    }
    QPainter painter(&image);
    painter.fillRect(QRect(10, 10, 12, 8), Qt::white);
    return image;
}

QByteArray encodeImage(const QImage& image, const char* format, int quality) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    REQUIRE(image.save(&buffer, format, quality));
    return bytes;
}

C2paManifestSpec c2paTestSpec(const QString& format) {
    const QString iptc = QStringLiteral("http://cv.iptc.org/newscodes/digitalsourcetype/");
    C2paManifestSpec spec;
    spec.title = format == QLatin1String("image/png") ? QStringLiteral("beach.png")
                                                      : QStringLiteral("beach.jpg");
    spec.format = format;
    spec.claimGenerator = {QStringLiteral("Limner"), QStringLiteral("0.1.0")};
    C2paAction created;
    created.action = QStringLiteral("c2pa.created");
    created.digitalSourceType = iptc + QStringLiteral("digitalCreation");
    created.softwareAgent = {QStringLiteral("Limner"), QStringLiteral("0.1.0")};
    C2paAction edited;
    edited.action = QStringLiteral("c2pa.edited");
    edited.digitalSourceType = iptc + QStringLiteral("compositeWithTrainedAlgorithmicMedia");
    edited.softwareAgent = {QStringLiteral("Limner"), QStringLiteral("0.1.0")};
    edited.description = QStringLiteral("inpainted with a diffusion model");
    edited.parameters.insert(QStringLiteral("org.limner.prompt"), QStringLiteral("a sailing boat"));
    spec.actions = {created, edited};
    spec.models = {{QStringLiteral("limner-mini"), QStringLiteral("ab12cd34ef56")},
                   {QStringLiteral("kandinsky-2.2-inpaint"), QStringLiteral("0011223344556677")}};
    spec.generatedRegions = {QRect(4, 6, 20, 10), QRect(30, 20, 16, 16)};
    return spec;
}

const C2paSigner& c2paTestSigner() {
    static QTemporaryDir dir;
    static const C2paSigner signer = [] {
        QString error;
        C2paSigner s = C2paSigner::loadOrCreate(dir.filePath(QStringLiteral("signing")), &error);
        INFO(error.toStdString());
        REQUIRE(s.isValid());
        return s;
    }();
    return signer;
}

} // namespace limner::app::test

namespace limner::app::test {

C2paManifestSpec c2paOpenedSpec(const QString& format) {
    C2paManifestSpec spec = c2paTestSpec(format);
    spec.actions[0].action = QStringLiteral("c2pa.opened");
    spec.actions[0].digitalSourceType.clear();
    spec.parent = C2paIngredient{QStringLiteral("IMG_0042.jpg"), QStringLiteral("image/jpeg")};
    return spec;
}

C2paManifestSpec c2paLargeSpec(const QString& format) {
    C2paManifestSpec spec = c2paTestSpec(format);
    spec.generatedRegions.clear();
    for (int i = 0; i < 1200; ++i)
        spec.generatedRegions.append(QRect(i % 64, i % 48, 1 + i % 7, 1 + i % 5));
    return spec;
}

} // namespace limner::app::test
