#include "ui/MaskOverlay.h"

#include "app/LayerComposite.h"

#include <QColor>
#include <QtConcurrentMap>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace limner::ui {

namespace {

const QColor kMaskTint(255, 40, 40);
constexpr int kMaskTintAlpha = 110; // overlay opacity where the mask is 255
constexpr int kBandRows = 16;       // level rows per unit of parallel work

// Each byte of r (level coordinates) becomes the mean of the mask bytes in its block.
void reduce(const QImage& mask, int level, const QRect& r, uchar* out, qsizetype outBytesPerLine) {
    const int s = 1 << level;
    std::vector<std::uint32_t> sums(std::size_t(r.width()));
    for (int ly = r.top(); ly <= r.bottom(); ++ly) {
        std::fill(sums.begin(), sums.end(), 0u);
        const int y0 = ly * s;
        const int y1 = std::min(y0 + s, mask.height());
        const int x0 = r.left() * s;
        const int x1 = std::min((r.right() + 1) * s, mask.width());
        for (int y = y0; y < y1; ++y) {
            const uchar* row = mask.constScanLine(y);
            for (int x = x0; x < x1; ++x)
                sums[std::size_t((x >> level) - r.left())] += row[x];
        }
        uchar* line = out + qsizetype(ly) * outBytesPerLine;
        for (int lx = r.left(); lx <= r.right(); ++lx) {
            const std::uint32_t count =
                std::uint32_t(std::min(lx * s + s, mask.width()) - lx * s) * std::uint32_t(y1 - y0);
            line[lx] = uchar((sums[std::size_t(lx - r.left())] + count / 2) / count);
        }
    }
}

} // namespace

MaskOverlay::MaskOverlay()
    : m_colours(256) {
    for (int v = 0; v < 256; ++v)
        m_colours[v] =
            qRgba(kMaskTint.red(), kMaskTint.green(), kMaskTint.blue(), v * kMaskTintAlpha / 255);
}

void MaskOverlay::invalidate(const QRect& canvasRect) {
    if (m_level > 0 && !m_reduced.isNull())
        m_stale |= app::LayerComposite::levelRect(m_canvas, m_level, canvasRect);
    const QRect r = canvasRect.intersected(QRect(QPoint(0, 0), m_tilesCanvas));
    if (r.isEmpty())
        return;
    for (int ty = r.top() / kTile; ty <= r.bottom() / kTile; ++ty)
        for (int tx = r.left() / kTile; tx <= r.right() / kTile; ++tx)
            m_tiles[std::size_t(ty * m_tileColumns + tx)] = Tile::Unknown;
}

QRegion MaskOverlay::coverage(const QImage& mask, const QRect& canvasRect) {
    if (mask.isNull())
        return {};
    if (mask.size() != m_tilesCanvas) {
        m_tilesCanvas = mask.size();
        m_tileColumns = (mask.width() + kTile - 1) / kTile;
        m_tiles.assign(std::size_t(m_tileColumns) * std::size_t((mask.height() + kTile - 1) / kTile),
                       Tile::Unknown);
    }
    const QRect r = canvasRect.intersected(mask.rect());
    if (r.isEmpty())
        return {};
    std::vector<int> unknown;
    for (int ty = r.top() / kTile; ty <= r.bottom() / kTile; ++ty)
        for (int tx = r.left() / kTile; tx <= r.right() / kTile; ++tx)
            if (m_tiles[std::size_t(ty * m_tileColumns + tx)] == Tile::Unknown)
                unknown.push_back(ty * m_tileColumns + tx);
    QtConcurrent::blockingMap(unknown, [&](int index) {
        const QRect tile =
            QRect((index % m_tileColumns) * kTile, (index / m_tileColumns) * kTile, kTile, kTile)
                .intersected(mask.rect());
        uchar any = 0;
        for (int y = tile.top(); y <= tile.bottom() && !any; ++y) {
            const uchar* row = mask.constScanLine(y) + tile.left();
            for (int x = 0; x < tile.width(); ++x)
                any |= row[x];
        }
        m_tiles[std::size_t(index)] = any ? Tile::Set : Tile::Empty;
    });
    QRegion covered;
    for (int ty = r.top() / kTile; ty <= r.bottom() / kTile; ++ty) {
        // One rectangle per run of set tiles keeps the region small.
        int tx = r.left() / kTile;
        const int last = r.right() / kTile;
        while (tx <= last) {
            if (m_tiles[std::size_t(ty * m_tileColumns + tx)] != Tile::Set) {
                ++tx;
                continue;
            }
            const int first = tx;
            while (tx <= last && m_tiles[std::size_t(ty * m_tileColumns + tx)] == Tile::Set)
                ++tx;
            covered |= QRect(first * kTile, ty * kTile, (tx - first) * kTile, kTile);
        }
    }
    return covered.intersected(r);
}

QImage MaskOverlay::image(const QImage& mask, int level, const QRect& levelRect) {
    if (mask.isNull())
        return {};
    if (level == 0) {
        QImage tinted(mask.constBits(), mask.width(), mask.height(), mask.bytesPerLine(),
                      QImage::Format_Indexed8);
        tinted.setColorTable(m_colours);
        return tinted;
    }
    const QSize size = app::LayerComposite::levelSize(mask.size(), level);
    if (level != m_level || mask.size() != m_canvas || m_reduced.isNull()) {
        m_level = level;
        m_canvas = mask.size();
        m_reduced = QImage(size, QImage::Format_Indexed8);
        if (m_reduced.isNull())
            return {};
        m_reduced.setColorTable(m_colours);
        m_stale = QRegion(m_reduced.rect());
    }
    const QRegion work = m_stale.intersected(levelRect.intersected(m_reduced.rect()));
    if (work.isEmpty())
        return m_reduced;
    std::vector<QRect> bands;
    for (const QRect& r : work) {
        for (int y = r.top(); y <= r.bottom(); y += kBandRows)
            bands.emplace_back(r.left(), y, r.width(), std::min(kBandRows, r.bottom() + 1 - y));
    }
    uchar* const out = m_reduced.bits();
    const qsizetype bytesPerLine = m_reduced.bytesPerLine();
    QtConcurrent::blockingMap(bands,
                              [&](const QRect& band) { reduce(mask, level, band, out, bytesPerLine); });
    m_stale -= work;
    return m_reduced;
}

} // namespace limner::ui
