#include "app/MaskMorphology.h"

#include "engine/imaging/MaskOps.h"

#include <QThread>
#include <QThreadPool>
#include <QtConcurrentMap>
#include <algorithm>
#include <cstring>
#include <vector>

namespace limner::app::MaskMorphology {

namespace {

struct Band {
    QRect own;  // the rows this band writes
    QRect read; // own, and the rows around it that can decide them
};

engine::Image cut(const QImage& mask, const QRect& r) {
    engine::Image out(r.width(), r.height(), 1);
    for (int y = 0; y < r.height(); ++y)
        std::memcpy(out.row(y), mask.constScanLine(r.y() + y) + r.x(), std::size_t(r.width()));
    return out;
}

QImage resize(const QImage& source, int px, bool grow, const std::atomic_bool* cancel,
              const Progress& progress) {
    if (source.isNull() || px <= 0)
        return source;
    const QImage mask = source.format() == QImage::Format_Grayscale8
                            ? source
                            : source.convertToFormat(QImage::Format_Grayscale8);
    QImage out(mask.size(), QImage::Format_Grayscale8);
    out.fill(0);
    const QRect found = bounds(mask);
    if (found.isEmpty())
        return out; // nothing to grow; nothing left to shrink
    // Past px + 1 of the mask nothing grows; shrinking needs the unmasked ring around it.
    const int margin = grow ? px + 1 : 1;
    const QRect work = found.adjusted(-margin, -margin, margin, margin).intersected(mask.rect());
    const int reach = px + 1;
    const int rows = std::max(128, 2 * px);
    std::vector<Band> bands;
    for (int y = work.top(); y <= work.bottom(); y += rows) {
        const QRect own(work.left(), y, work.width(), std::min(rows, work.bottom() + 1 - y));
        bands.push_back({own, own.adjusted(0, -reach, 0, reach).intersected(work)});
    }
    std::atomic_int done{0};
    std::atomic_bool stopped{false};
    uchar* const outBits = out.bits();
    const qsizetype outBytesPerLine = out.bytesPerLine();
    const int total = int(bands.size());
    QtConcurrent::blockingMap(&threadPool(), bands, [&](const Band& band) {
        if (stopped.load() || (cancel && cancel->load())) {
            stopped = true;
            return;
        }
        const engine::Image input = cut(mask, band.read);
        const engine::Image result =
            grow ? engine::imaging::growMask(input, px) : engine::imaging::shrinkMask(input, px);
        const int skip = band.own.top() - band.read.top();
        for (int y = 0; y < band.own.height(); ++y)
            std::memcpy(outBits + qsizetype(band.own.top() + y) * outBytesPerLine + band.own.left(),
                        result.row(skip + y), std::size_t(band.own.width()));
        const int finished = ++done;
        if (progress)
            progress(finished, total);
    });
    if (stopped.load() || (cancel && cancel->load()))
        return {}; // also when every band had started before the cancel came
    return out;
}

} // namespace

QImage grow(const QImage& mask, int px, const std::atomic_bool* cancel, const Progress& progress) {
    return resize(mask, px, true, cancel, progress);
}

QImage shrink(const QImage& mask, int px, const std::atomic_bool* cancel, const Progress& progress) {
    return resize(mask, px, false, cancel, progress);
}

QThreadPool& threadPool() {
    static QThreadPool pool;
    static const bool sized = [] {
        pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
        return true;
    }();
    (void)sized;
    return pool;
}

QRect bounds(const QImage& mask) {
    int left = mask.width(), right = -1, top = -1, bottom = -1;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* row = mask.constScanLine(y);
        const uchar* end = row + mask.width();
        const uchar* first = std::find_if(row, end, [](uchar v) { return v != 0; });
        if (first == end)
            continue;
        const uchar* last =
            std::find_if(std::make_reverse_iterator(end), std::make_reverse_iterator(row),
                         [](uchar v) { return v != 0; })
                .base() -
            1;
        left = std::min(left, int(first - row));
        right = std::max(right, int(last - row));
        if (top < 0)
            top = y;
        bottom = y;
    }
    return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

} // namespace limner::app::MaskMorphology
