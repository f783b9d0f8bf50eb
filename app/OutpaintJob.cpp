#include "app/OutpaintJob.h"

#include "app/Document.h"
#include "app/ImageConvert.h"
#include "engine/imaging/OutpaintFramePlan.h"

#include <QPainter>

namespace limner::app {

namespace {

// Bigger than any picture Limner edits comfortably: a typo in a margin should not try to
// allocate gigabytes.
constexpr int kMaxSide = 16384;

OutpaintJob failed(QString* error, const QString& message) {
    if (error)
        *error = message;
    return {};
}

QImage grownPicture(const Document& document, const CanvasMargins& growth) {
    QImage grown(growth.grown(document.canvasSize()), QImage::Format_ARGB32_Premultiplied);
    grown.fill(Qt::transparent);
    QPainter painter(&grown);
    painter.setCompositionMode(QPainter::CompositionMode_Source);
    painter.drawImage(growth.shift(), document.flatten());
    return grown;
}

engine::Image grownMask(const Document& document, const CanvasMargins& growth) {
    QImage grown(growth.grown(document.canvasSize()), QImage::Format_Grayscale8);
    grown.fill(0);
    QPainter painter(&grown);
    painter.setCompositionMode(QPainter::CompositionMode_Source);
    painter.drawImage(growth.shift(), document.mask());
    painter.end();
    return ImageConvert::toEngineMask(grown);
}

// 255 outside the old canvas (and inside limit when it is not empty).
engine::Image newArea(const QSize& grown, const QRect& oldCanvas, const QRect& limit) {
    engine::Image area(grown.width(), grown.height(), 1);
    const QRect inside = limit.isEmpty() ? QRect(QPoint(0, 0), grown) : limit;
    for (int y = 0; y < area.height; ++y)
        for (int x = 0; x < area.width; ++x)
            if (inside.contains(x, y) && !oldCanvas.contains(x, y))
                area.pixel(x, y)[0] = 255;
    return area;
}

bool anySet(const engine::Image& mask) {
    for (std::uint8_t v : mask.bytes)
        if (v)
            return true;
    return false;
}

OutpaintJob makeJob(const Document& document, const CanvasMargins& growth,
                    const OutpaintOptions& options, QString* error) {
    const QSize canvas = document.canvasSize();
    if (canvas.isEmpty())
        return failed(error, QObject::tr("open a picture first: there is nothing to extend"));
    if (!growth.isValid())
        return failed(error, QObject::tr("margins must be 0 or more pixels"));
    const QSize grown = growth.grown(canvas);
    if (grown.width() > kMaxSide || grown.height() > kMaxSide)
        return failed(error, QObject::tr("the extended picture would be %1×%2; the largest Limner "
                                         "extends to is %3×%3 pixels")
                                 .arg(grown.width())
                                 .arg(grown.height())
                                 .arg(kMaxSide));
    OutpaintJob job;
    job.growth = growth;
    job.sourceCanvas = canvas;
    engine::InpaintRequest& r = job.request;
    r.image = ImageConvert::toEngineRgba(grownPicture(document, growth));
    r.backend = options.backend.toStdString();
    r.prompt = options.prompt.toStdString();
    r.negativePrompt = options.negativePrompt.toStdString();
    r.seed = options.seed;
    r.candidates = options.candidates;
    r.targetLayerId = document.activeLayerId();
    r.documentRevision = document.revision();
    r.composite = options.composite;
    r.outpaint.seedMethod = options.seedMethod;
    return job;
}

} // namespace

OutpaintJob OutpaintJob::forFrame(const Document& document, const QRect& frame,
                                  const OutpaintOptions& options, QString* error) {
    const QRect frameRect = frame.normalized();
    if (frameRect.isEmpty())
        return failed(error, QObject::tr("the generation frame is empty: drag it out to a size"));
    if (!frameRect.intersects(document.canvasRect()))
        return failed(error, QObject::tr("the generation frame must overlap the picture, so the "
                                         "new area continues it: move it onto the edge"));
    const CanvasMargins growth = CanvasMargins::toInclude(document.canvasSize(), frameRect);
    OutpaintJob job = makeJob(document, growth, options, error);
    if (!job.isValid())
        return job;
    const QRect grownFrame = frameRect.translated(growth.shift());
    const QRect oldCanvas(growth.shift(), document.canvasSize());
    engine::InpaintRequest& r = job.request;
    r.outpaint.unknownArea = newArea(growth.grown(document.canvasSize()), oldCanvas, grownFrame);
    r.mask = grownMask(document, growth);
    for (int y = 0; y < r.mask.height; ++y)
        for (int x = 0; x < r.mask.width; ++x) {
            std::uint8_t& m = r.mask.pixel(x, y)[0];
            if (!grownFrame.contains(x, y))
                m = 0;
            else if (r.outpaint.unknownArea.pixel(x, y)[0])
                m = 255;
        }
    if (!anySet(r.mask))
        return failed(error, QObject::tr("the generation frame holds no new area and no mask: drag "
                                         "it past the edge of the picture, or paint a mask inside it"));
    r.outpaint.frames = {
        engine::Rect{grownFrame.x(), grownFrame.y(), grownFrame.width(), grownFrame.height()}};
    if (error)
        error->clear();
    return job;
}

OutpaintJob OutpaintJob::forMargins(const Document& document, const CanvasMargins& margins,
                                    const QSize& frameSize, const OutpaintOptions& options,
                                    QString* error) {
    if (margins.isNull())
        return failed(error, QObject::tr("nothing to extend: give at least one side a margin"));
    if (frameSize.isEmpty())
        return failed(error, QObject::tr("the frame size must be at least 1×1 pixel"));
    OutpaintJob job = makeJob(document, margins, options, error);
    if (!job.isValid())
        return job;
    engine::InpaintRequest& r = job.request;
    const QSize grown = margins.grown(document.canvasSize());
    r.outpaint.unknownArea = newArea(grown, QRect(margins.shift(), document.canvasSize()), {});
    r.mask = r.outpaint.unknownArea;
    r.outpaint.frames = engine::imaging::planOutpaintFrames(
        r.outpaint.unknownArea, frameSize.width(), frameSize.height(),
        std::min(frameSize.width(), frameSize.height()) / 8);
    if (!engine::imaging::framesCoverAll(r.outpaint.unknownArea, r.outpaint.frames))
        return failed(error, QObject::tr("the extension needs too many %1×%2 frames; extend in "
                                         "smaller steps or use a larger frame")
                                 .arg(frameSize.width())
                                 .arg(frameSize.height()));
    if (error)
        error->clear();
    return job;
}

} // namespace limner::app
