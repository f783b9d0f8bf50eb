#include "ui/MaskOverlay.h"

#include "app/LayerComposite.h"

#include <QColor>
#include <QtConcurrentMap>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace limner::ui {

namespace {

const QColor kMaskTint(255, 40, 40);
constexpr int kMaskTintAlpha = 110; // overlay opacity where the mask is 255

// The sum of n bytes, eight at a time.
std::uint32_t sumBytes(const uchar* p, int n) {
    std::uint32_t sum = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t v;
        std::memcpy(&v, p + i, 8);
        v = (v & 0x00FF00FF00FF00FFull) + ((v >> 8) & 0x00FF00FF00FF00FFull);
        v = (v & 0x0000FFFF0000FFFFull) + ((v >> 16) & 0x0000FFFF0000FFFFull);
        sum += std::uint32_t(v) + std::uint32_t(v >> 32);
    }
    for (; i < n; ++i)
        sum += p[i];
    return sum;
}

// Each byte of r (level coordinates) becomes the mean of the mask bytes in its block.
void reduce(const QImage& mask, int level, const QRect& r, uchar* out, qsizetype outBytesPerLine) {
    const int s = 1 << level;
    std::vector<std::uint32_t> sums(std::size_t(r.width()));
    for (int ly = r.top(); ly <= r.bottom(); ++ly) {
        std::fill(sums.begin(), sums.end(), 0u);
        const int y0 = ly * s;
        const int y1 = std::min(y0 + s, mask.height());
        for (int y = y0; y < y1; ++y) {
            const uchar* row = mask.constScanLine(y);
            for (int lx = r.left(); lx <= r.right(); ++lx) {
                const int x = lx * s;
                sums[std::size_t(lx - r.left())] += sumBytes(row + x, std::min(s, mask.width() - x));
            }
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

bool MaskOverlay::knownEmpty(const QImage& mask, const QRect& canvasRect) const {
    if (mask.size() != m_tilesCanvas)
        return false;
    const QRect r = canvasRect.intersected(mask.rect());
    for (int ty = r.top() / kTile; ty <= r.bottom() / kTile; ++ty)
        for (int tx = r.left() / kTile; tx <= r.right() / kTile; ++tx)
            if (m_tiles[std::size_t(ty * m_tileColumns + tx)] != Tile::Empty)
                return false;
    return true;
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
    // Cells of whole tiles: a cell where the mask is known to be empty needs no reading.
    const int cell = std::max(1, kTile >> level);
    std::vector<QRect> cells;
    for (const QRect& r : work) {
        for (int y = r.top(); y <= r.bottom(); y = (y / cell + 1) * cell) {
            for (int x = r.left(); x <= r.right(); x = (x / cell + 1) * cell) {
                cells.push_back(
                    QRect(QPoint(x, y), QPoint(std::min(r.right(), (x / cell + 1) * cell - 1),
                                               std::min(r.bottom(), (y / cell + 1) * cell - 1))));
            }
        }
    }
    uchar* const out = m_reduced.bits();
    const qsizetype bytesPerLine = m_reduced.bytesPerLine();
    const int s = app::LayerComposite::scaleOfLevel(level);
    QtConcurrent::blockingMap(cells, [&](const QRect& c) {
        if (knownEmpty(mask, QRect(c.topLeft() * s, c.size() * s))) {
            for (int y = c.top(); y <= c.bottom(); ++y)
                std::memset(out + qsizetype(y) * bytesPerLine + c.left(), 0, std::size_t(c.width()));
            return;
        }
        reduce(mask, level, c, out, bytesPerLine);
    });
    m_stale -= work;
    return m_reduced;
}

} // namespace limner::ui
