#pragma once

#include <QImage>
#include <QString>

// Small pictures with structure in every channel, so that a wrong offset, channel order or
// blend shows up as a pixel difference.
namespace TestImages {

QImage gradient(int width, int height, int seed = 0);                   // opaque
QImage translucentPatch(int width, int height, QRgb colour, int alpha); // ARGB32 premultiplied
QImage photo(const QString& name);                                      // from tests/data
QString dataPath(const QString& name);

// Mean absolute difference per channel over two same-sized images (as ARGB32).
double meanAbsDiff(const QImage& a, const QImage& b);

} // namespace TestImages
