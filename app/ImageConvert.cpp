#include "app/ImageConvert.h"

#include <QPainter>
#include <cstring>

namespace limner::app::ImageConvert {

namespace {

engine::Image copyRows(const QImage& packedFormatImage, int channels) {
    engine::Image out(packedFormatImage.width(), packedFormatImage.height(), channels);
    const std::size_t rowBytes = out.stride();
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.row(y), packedFormatImage.constScanLine(y), rowBytes);
    return out;
}

QImage::Format qtFormatFor(int channels) {
    switch (channels) {
    case 1:
        return QImage::Format_Grayscale8;
    case 3:
        return QImage::Format_RGB888;
    case 4:
        return QImage::Format_RGBA8888;
    default:
        return QImage::Format_Invalid;
    }
}

} // namespace

engine::Image toEngineRgba(const QImage& image) {
    if (image.isNull())
        return {};
    return copyRows(image.convertToFormat(QImage::Format_RGBA8888), 4);
}

engine::Image toEngineRgb(const QImage& image) {
    if (image.isNull())
        return {};
    return copyRows(image.convertToFormat(QImage::Format_RGB888), 3);
}

engine::Image toEngineMask(const QImage& image) {
    if (image.isNull())
        return {};
    return copyRows(image.convertToFormat(QImage::Format_Grayscale8), 1);
}

QImage toQImage(const engine::Image& image) {
    const QImage::Format format = qtFormatFor(image.channels);
    if (image.empty() || !image.isConsistent() || format == QImage::Format_Invalid)
        return {};
    QImage out(image.width, image.height, format);
    if (out.isNull())
        return {};
    for (int y = 0; y < image.height; ++y)
        std::memcpy(out.scanLine(y), image.row(y), image.stride());
    return out;
}

QImage toLayerPixels(const engine::Image& image) {
    return toQImage(image).convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

QImage toMaskImage(const QImage& image) {
    if (image.isNull() || image.format() == QImage::Format_Grayscale8)
        return image;
    if (!image.hasAlphaChannel())
        return image.convertToFormat(QImage::Format_Grayscale8);
    QImage onBlack(image.size(), QImage::Format_RGB32);
    onBlack.fill(Qt::black);
    QPainter painter(&onBlack);
    painter.drawImage(0, 0, image);
    painter.end();
    return onBlack.convertToFormat(QImage::Format_Grayscale8);
}

bool isOpaque(const QImage& image) {
    if (!image.hasAlphaChannel())
        return true;
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < argb.height(); ++y) {
        const auto* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (qAlpha(row[x]) != 255)
                return false;
        }
    }
    return true;
}

} // namespace limner::app::ImageConvert
