#pragma once

#include "engine/core/Image.h"

#include <QImage>

namespace limner::app {

// Conversions between QImage and engine::Image, the one image type that crosses into engine/.
// engine::Image rows are tightly packed and colour is never premultiplied; QImage rows may be
// padded (bytesPerLine), so every conversion copies row by row.
namespace ImageConvert {

// RGBA8, not premultiplied. Any QImage format is accepted.
engine::Image toEngineRgba(const QImage& image);
// RGB8; alpha, if any, is dropped.
engine::Image toEngineRgb(const QImage& image);
// One channel: Grayscale8 as is; colour images are converted to their luminance.
engine::Image toEngineMask(const QImage& image);

// Channels 1 → Format_Grayscale8, 3 → Format_RGB888, 4 → Format_RGBA8888. A deep copy; a null
// QImage for an empty or inconsistent engine::Image.
QImage toQImage(const engine::Image& image);
// Same pixels as ARGB32_Premultiplied, the format of layers.
QImage toLayerPixels(const engine::Image& image);

// A mask as Limner keeps it (Format_Grayscale8, 255 = regenerate) from any image: colour is
// converted to luminance, and transparent pixels count as black (keep).
QImage toMaskImage(const QImage& image);

// True when no pixel is translucent (so RGB suffices).
bool isOpaque(const QImage& image);

} // namespace ImageConvert

} // namespace limner::app
