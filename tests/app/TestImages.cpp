#include "tests/app/TestImages.h"

#include <QColor>
#include <cstdlib>

namespace TestImages {

QImage gradient(int width, int height, int seed) {
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x)
            row[x] = qRgb((x * 7 + seed) & 255, (y * 5 + seed * 3) & 255, ((x ^ y) + seed * 11) & 255);
    }
    return image;
}

QImage translucentPatch(int width, int height, QRgb colour, int alpha) {
    QImage image(width, height, QImage::Format_ARGB32);
    image.fill(QColor(qRed(colour), qGreen(colour), qBlue(colour), alpha));
    return image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

QString dataPath(const QString& name) {
    return QStringLiteral(LIMNER_TEST_DATA_DIR "/") + name;
}

QImage photo(const QString& name) {
    return QImage(dataPath(name));
}

double meanAbsDiff(const QImage& a, const QImage& b) {
    const QImage x = a.convertToFormat(QImage::Format_ARGB32);
    const QImage y = b.convertToFormat(QImage::Format_ARGB32);
    if (x.size() != y.size())
        return 1e9;
    double sum = 0;
    for (int r = 0; r < x.height(); ++r) {
        const auto* p = reinterpret_cast<const QRgb*>(x.constScanLine(r));
        const auto* q = reinterpret_cast<const QRgb*>(y.constScanLine(r));
        for (int c = 0; c < x.width(); ++c) {
            sum += std::abs(qRed(p[c]) - qRed(q[c])) + std::abs(qGreen(p[c]) - qGreen(q[c])) +
                   std::abs(qBlue(p[c]) - qBlue(q[c])) + std::abs(qAlpha(p[c]) - qAlpha(q[c]));
        }
    }
    return sum / (4.0 * x.width() * x.height());
}

} // namespace TestImages
