#include "app/LayerComposite.h"

#include <QPainter>
#include <QtConcurrentMap>
#include <algorithm>
#include <cstdint>
#include <cstring>

namespace limner::app {

namespace {

constexpr QImage::Format kFormat = QImage::Format_ARGB32_Premultiplied;
// Rows per unit of work: enough that a worker's setup is noise, few enough that a screenful
// splits over every core.
constexpr int kBandRows = 64;
constexpr int kMinLevelSide = 64;

struct Band {
    QRect rect;
    bool fromBelow = false; // starts from the kept stack below the working layer
};

void splitIntoBands(const QRegion& region, bool fromBelow, std::vector<Band>& bands) {
    for (const QRect& r : region) {
        for (int y = r.top(); y <= r.bottom(); y += kBandRows)
            bands.push_back(
                {QRect(r.left(), y, r.width(), std::min(kBandRows, r.bottom() + 1 - y)), fromBelow});
    }
}

void copyRect(const uchar* from, uchar* to, qsizetype bytesPerLine, const QRect& r) {
    const qsizetype start = r.y() * bytesPerLine + qsizetype(r.x()) * 4;
    for (int y = 0; y < r.height(); ++y)
        std::memcpy(to + start + y * bytesPerLine, from + start + y * bytesPerLine,
                    std::size_t(r.width()) * 4);
}

// One layer's pixels as they are blended at one level.
struct Source {
    const QImage* pixels = nullptr; // null: the layer does not show
    QPoint offset;
    qreal opacity = 1.0;
    QRect rect;
};

// Box-filters rows [firstRow, endRow) of a reduced layer: each pixel is the mean of the
// premultiplied layer pixels in its block, transparent where the layer does not reach; blocks cut
// by the canvas edge average the canvas pixels they hold.
struct ReduceWork {
    const QImage* layer = nullptr;
    QPoint layerOffset;
    QRect covered; // the layer on the canvas, canvas coordinates
    uchar* out = nullptr;
    qsizetype outBytesPerLine = 0;
    QPoint outOffset; // level coordinates of out's first pixel
    int outWidth = 0;
    int firstRow = 0;
    int endRow = 0;
};

void reduceRows(const ReduceWork& w, int level, const QSize& canvas) {
    const int s = 1 << level;
    std::vector<std::uint32_t> sums(std::size_t(w.outWidth) * 4);
    for (int row = w.firstRow; row < w.endRow; ++row) {
        std::fill(sums.begin(), sums.end(), 0u);
        const int levelY = w.outOffset.y() + row;
        const int y0 = std::max(levelY * s, w.covered.top());
        const int y1 = std::min((levelY + 1) * s, w.covered.bottom() + 1);
        for (int y = y0; y < y1; ++y) {
            const uchar* src = w.layer->constScanLine(y - w.layerOffset.y()) +
                               qsizetype(w.covered.left() - w.layerOffset.x()) * 4;
            int x = w.covered.left();
            while (x <= w.covered.right()) {
                const int block = x >> level;
                const int end = std::min((block + 1) * s, w.covered.right() + 1);
                std::uint32_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
                for (; x < end; ++x, src += 4) {
                    c0 += src[0];
                    c1 += src[1];
                    c2 += src[2];
                    c3 += src[3];
                }
                std::uint32_t* sum = &sums[std::size_t(block - w.outOffset.x()) * 4];
                sum[0] += c0;
                sum[1] += c1;
                sum[2] += c2;
                sum[3] += c3;
            }
        }
        const int blockRows = std::min((levelY + 1) * s, canvas.height()) - levelY * s;
        uchar* out = w.out + qsizetype(row) * w.outBytesPerLine;
        for (int b = 0; b < w.outWidth; ++b) {
            const int levelX = w.outOffset.x() + b;
            const std::uint32_t count =
                std::uint32_t(std::min((levelX + 1) * s, canvas.width()) - levelX * s) *
                std::uint32_t(blockRows);
            for (int c = 0; c < 4; ++c)
                out[b * 4 + c] = uchar((sums[std::size_t(b) * 4 + c] + count / 2) / count);
        }
    }
}

} // namespace

QSize LayerComposite::levelSize(const QSize& canvas, int level) {
    const int s = scaleOfLevel(level);
    return {(canvas.width() + s - 1) / s, (canvas.height() + s - 1) / s};
}

QRect LayerComposite::levelRect(const QSize& canvas, int level, const QRect& canvasRect) {
    const QRect r = canvasRect.intersected(QRect(QPoint(0, 0), canvas));
    if (r.isEmpty())
        return {};
    return QRect(QPoint(r.left() >> level, r.top() >> level),
                 QPoint(r.right() >> level, r.bottom() >> level));
}

int LayerComposite::maxLevel(const QSize& canvas) {
    int level = 0;
    while (level < 12 && std::min(canvas.width(), canvas.height()) >> (level + 1) >= kMinLevelSide)
        ++level;
    return level;
}

QImage LayerComposite::fromScratch(const std::vector<Layer>& layers, const QSize& canvas,
                                   const QRect& rect) {
    if (rect.isEmpty())
        return {};
    QImage out(rect.size(), kFormat);
    out.fill(Qt::transparent);
    const QRect visible = rect.intersected(QRect(QPoint(0, 0), canvas));
    if (visible.isEmpty())
        return out;
    QPainter painter(&out);
    painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
    painter.translate(-rect.topLeft());
    // Content past the canvas edge is not part of the picture.
    painter.setClipRect(visible);
    for (const Layer& layer : layers) {
        if (!layer.visible || layer.opacity <= 0.0 || !layer.canvasRect().intersects(visible))
            continue;
        painter.setOpacity(layer.opacity);
        painter.drawImage(layer.offset, layer.pixels);
    }
    painter.end();
    return out;
}

void LayerComposite::reset(const QSize& canvas) {
    m_canvas = canvas;
    m_levels.clear();
    m_workingLayerId = -1;
}

void LayerComposite::markStale(const QRect& canvasRect, bool belowToo) {
    for (std::size_t k = 0; k < m_levels.size(); ++k) {
        Level& level = m_levels[k];
        const QRect r = levelRect(m_canvas, int(k), canvasRect);
        if (r.isEmpty())
            continue;
        level.stale |= r;
        if (belowToo)
            level.belowValid -= r;
    }
}

void LayerComposite::layerChanged(int layerId, const QRect& canvasRect) {
    if (layerId != m_workingLayerId) {
        // The kept stack lies below the old working layer; the new one needs another.
        m_workingLayerId = layerId;
        for (Level& level : m_levels)
            level.belowValid = QRegion();
    }
    markStale(canvasRect, false);
}

void LayerComposite::stackChanged(const QRect& canvasRect) {
    for (Level& level : m_levels)
        level.belowValid = QRegion();
    markStale(canvasRect, false);
}

void LayerComposite::updateReduced(Level& level, int index, const std::vector<Layer>& layers) {
    for (auto it = level.reduced.begin(); it != level.reduced.end();) {
        const bool present = std::any_of(layers.begin(), layers.end(),
                                         [&](const Layer& l) { return l.id == it->first; });
        it = present ? std::next(it) : level.reduced.erase(it);
    }
    const QRect canvasRect(QPoint(0, 0), m_canvas);
    std::vector<ReduceWork> work;
    const int rowsPerJob = std::max(1, kBandRows >> index);
    for (const Layer& layer : layers) {
        if (!layer.visible || layer.opacity <= 0.0)
            continue; // reduced when it shows
        Reduced& reduced = level.reduced[layer.id];
        if (reduced.cacheKey == layer.pixels.cacheKey() && reduced.layerOffset == layer.offset)
            continue;
        reduced.cacheKey = layer.pixels.cacheKey();
        reduced.layerOffset = layer.offset;
        const QRect covered = layer.canvasRect().intersected(canvasRect);
        if (covered.isEmpty()) {
            reduced.pixels = QImage();
            continue;
        }
        const QRect target = levelRect(m_canvas, index, covered);
        reduced.pixels = QImage(target.size(), kFormat);
        reduced.offset = target.topLeft();
        if (reduced.pixels.isNull())
            continue; // out of memory: the layer does not show at this level
        ReduceWork w;
        w.layer = &layer.pixels;
        w.layerOffset = layer.offset;
        w.covered = covered;
        w.out = reduced.pixels.bits();
        w.outBytesPerLine = reduced.pixels.bytesPerLine();
        w.outOffset = target.topLeft();
        w.outWidth = target.width();
        for (int row = 0; row < target.height(); row += rowsPerJob) {
            w.firstRow = row;
            w.endRow = std::min(row + rowsPerJob, target.height());
            work.push_back(w);
        }
    }
    const QSize canvas = m_canvas;
    QtConcurrent::blockingMap(work,
                              [index, canvas](const ReduceWork& w) { reduceRows(w, index, canvas); });
}

const QImage& LayerComposite::image(int index, const QRect& wanted, const std::vector<Layer>& layers) {
    static const QImage none;
    if (m_canvas.isEmpty() || index < 0)
        return none;
    if (std::size_t(index) >= m_levels.size())
        m_levels.resize(std::size_t(index) + 1);
    Level& level = m_levels[std::size_t(index)];
    const QSize size = levelSize(m_canvas, index);
    if (level.image.isNull()) {
        level.image = QImage(size, kFormat);
        if (level.image.isNull())
            return none; // out of memory: nothing to show rather than a crash
        level.stale = QRegion(QRect(QPoint(0, 0), size));
        level.belowValid = QRegion();
    }
    const QRegion work = level.stale.intersected(wanted.intersected(QRect(QPoint(0, 0), size)));
    if (work.isEmpty())
        return level.image;
    if (index > 0)
        updateReduced(level, index, layers);

    std::vector<Source> sources(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Layer& layer = layers[i];
        if (!layer.visible || layer.opacity <= 0.0)
            continue;
        Source& source = sources[i];
        source.opacity = layer.opacity;
        if (index == 0) {
            source.pixels = &layer.pixels;
            source.offset = layer.offset;
        } else {
            const Reduced& reduced = level.reduced[layer.id];
            if (reduced.pixels.isNull())
                continue;
            source.pixels = &reduced.pixels;
            source.offset = reduced.offset;
        }
        source.rect = QRect(source.offset, source.pixels->size());
    }

    const auto working = std::find_if(layers.begin(), layers.end(),
                                      [this](const Layer& l) { return l.id == m_workingLayerId; });
    // With the working layer at the bottom there is nothing below it to keep.
    const int workingIndex = working == layers.end() ? 0 : int(working - layers.begin());
    if (workingIndex > 0 && level.below.isNull())
        level.below = QImage(size, kFormat); // stays null when memory is short: no stack kept
    const bool keepBelow = workingIndex > 0 && !level.below.isNull();
    std::vector<Band> bands;
    const QRegion fromBelow = keepBelow ? work.intersected(level.belowValid) : QRegion();
    splitIntoBands(fromBelow, true, bands);
    splitIntoBands(work.subtracted(fromBelow), false, bands);

    uchar* const base = level.image.bits();
    uchar* const belowBase = keepBelow ? level.below.bits() : nullptr;
    const qsizetype bytesPerLine = level.image.bytesPerLine();
    const int layerCount = int(layers.size());
    QtConcurrent::blockingMap(bands, [&](const Band& band) {
        const QRect& r = band.rect;
        QImage view(base + r.y() * bytesPerLine + qsizetype(r.x()) * 4, r.width(), r.height(),
                    bytesPerLine, kFormat);
        const auto blend = [&](int from, int to) {
            QPainter painter(&view);
            for (int i = from; i < to; ++i) {
                const Source& source = sources[std::size_t(i)];
                if (!source.pixels || !source.rect.intersects(r))
                    continue;
                painter.setOpacity(source.opacity);
                painter.drawImage(source.offset - r.topLeft(), *source.pixels);
            }
        };
        if (band.fromBelow) {
            copyRect(belowBase, base, bytesPerLine, r);
        } else {
            view.fill(Qt::transparent);
            if (keepBelow) {
                blend(0, workingIndex);
                copyRect(base, belowBase, bytesPerLine, r);
            }
        }
        blend(keepBelow ? workingIndex : 0, layerCount);
    });
    level.stale -= work;
    if (keepBelow)
        level.belowValid |= work;
    return level.image;
}

} // namespace limner::app
