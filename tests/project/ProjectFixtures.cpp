#include "tests/project/ProjectFixtures.h"

#include "app/Document.h"

#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QRandomGenerator>

namespace ProjectFixtures {

QString dataPath(const QString& name) {
    const QString inData = QStringLiteral(LIMNER_TEST_DATA_DIR "/") + name;
    if (QFileInfo::exists(inData))
        return inData;
    return QStringLiteral(LIMNER_RESOURCES_DIR "/samples/") + name;
}

QImage photo(const QString& name) {
    return QImage(dataPath(name)).convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

QImage allAlphaLayer(int width, int height) {
    QImage straight(width, height, QImage::Format_ARGB32);
    QRandomGenerator random(7);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(straight.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int alpha = (y * width + x) % 256;
            row[x] = qRgba(random.bounded(256), random.bounded(256), random.bounded(256), alpha);
        }
    }
    return straight.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

void buildLayeredDocument(limner::app::Document& document) {
    using limner::app::GenerationInfo;
    using limner::app::Layer;
    document.reset(photo(QStringLiteral("coffee.png")), QStringLiteral("Coffee"));
    Layer translucent;
    translucent.name = QStringLiteral("Every alpha ünïcødé");
    translucent.pixels = allAlphaLayer(64, 48);
    translucent.offset = QPoint(-10, 30); // partly off the canvas
    document.addLayer(translucent, document.layerCount(), QString());
    Layer hidden;
    hidden.name = QStringLiteral("Hidden cat");
    hidden.pixels = photo(QStringLiteral("chelsea.png")).copy(0, 0, 120, 90);
    hidden.offset = QPoint(200, 100);
    hidden.visible = false;
    document.addLayer(hidden, document.layerCount(), QString());
    Layer faint;
    faint.name = QStringLiteral("Faint");
    faint.pixels = photo(QStringLiteral("chelsea.png")).copy(100, 100, 80, 60);
    faint.offset = QPoint(300, 200);
    faint.opacity = 0.37;
    document.addLayer(faint, document.layerCount(), QString());
    Layer generated;
    generated.name = QStringLiteral("a red kite");
    generated.pixels = allAlphaLayer(40, 40);
    generated.offset = QPoint(50, 50);
    generated.generation.fromTrainedModel = true;
    generated.generation.blendFeather = 12;
    generated.generation.blendGrow = 3;
    generated.generation.colorMatch = false;
    generated.generation.denoiseGrow = 9;
    generated.generation.colorRingWidth = 6;
    generated.generation.histogramMatch = true;
    generated.generation.poisson = true;
    generated.generation.backend = QStringLiteral("kandinsky-2-2");
    generated.generation.prompt = QStringLiteral("a red kite");
    generated.generation.styles = {QStringLiteral("Stained glass"), QStringLiteral("Pop art poster")};
    generated.generation.stagingEntryId = 4;
    generated.generation.candidateIndex = 2;
    generated.generation.candidateMap = QImage(generated.pixels.size(), QImage::Format_Grayscale8);
    generated.generation.candidateMap.fill(3);
    generated.generation.candidateMap.scanLine(1)[1] = 1;
    generated.generation.negativePrompt = QStringLiteral("blurry");
    generated.generation.seed = 18446744073709551557ull; // needs all 64 bits
    // Straight RGBA with colour under zero alpha: the re-blend data must survive unaltered.
    QImage raw(40, 40, QImage::Format_RGBA8888);
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 40; ++x)
            raw.setPixel(x, y, qRgba(x * 6, y * 6, (x + y) * 3, (x * 40 + y) % 256));
    generated.generation.generated = raw;
    QImage blend(40, 40, QImage::Format_Grayscale8);
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 40; ++x)
            blend.scanLine(y)[x] = static_cast<uchar>((x * 7 + y * 3) % 256);
    generated.generation.userMask = blend;
    document.addLayer(generated, document.layerCount(), QString());
    QImage mask(document.canvasSize(), QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter painter(&mask);
    painter.fillRect(QRect(20, 20, 100, 60), QColor(255, 255, 255));
    painter.fillRect(QRect(150, 150, 30, 30), QColor(128, 128, 128));
    painter.end();
    document.setMaskRegion(mask, QStringLiteral("Mask"));
}

limner::app::Layer numberedLayer(int n) {
    limner::app::Layer layer;
    layer.name = QStringLiteral("edit %1").arg(n);
    layer.pixels = QImage(32, 32, QImage::Format_ARGB32_Premultiplied);
    layer.pixels.fill(qRgba((n * 37) % 256, (n * 91) % 256, (n * 13) % 256, 255));
    layer.offset = QPoint((n * 17) % 480, (n * 29) % 480);
    return layer;
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace ProjectFixtures
