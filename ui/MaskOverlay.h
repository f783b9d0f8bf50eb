#pragma once

#include <QImage>
#include <QList>
#include <QRect>
#include <QRegion>
#include <QSize>
#include <vector>

namespace limner::ui {

// The mask as the canvas shows it: translucent red where the mask is set. At level 0 it is the
// mask's own bytes read through a colour table (nothing to convert when the mask changes); at a
// level k > 0 (as in app::LayerComposite) a box-filtered copy with one byte per 2^k × 2^k block,
// redone only where the mask changed and only where it is drawn, so a zoomed-out view of a huge
// mask draws few pixels. coverage() tells where the mask may be set at all (in tiles), so an
// empty mask, or the empty parts of one, cost nothing to draw.
//
// Requirements: GUI thread; every change of the mask is reported through invalidate().
class MaskOverlay {
public:
    MaskOverlay();

    void invalidate(const QRect& canvasRect);
    // Format_Indexed8 with the tint as its colour table, current inside levelRect (level
    // coordinates). At level 0 it shares the mask's memory: use it before the mask changes.
    QImage image(const QImage& mask, int level, const QRect& levelRect);
    // Where inside canvasRect the mask may be non-zero: whole tiles, each looked at once after
    // it changed.
    QRegion coverage(const QImage& mask, const QRect& canvasRect);

private:
    enum class Tile : uchar { Unknown, Empty, Set };
    static constexpr int kTile = 128;

    // True when every tile under canvasRect was looked at and found empty.
    bool knownEmpty(const QImage& mask, const QRect& canvasRect) const;

    QList<QRgb> m_colours;
    int m_level = 0;
    QSize m_canvas;
    QImage m_reduced;
    QRegion m_stale; // level coordinates
    QSize m_tilesCanvas;
    int m_tileColumns = 0;
    std::vector<Tile> m_tiles; // row by row
};

} // namespace limner::ui
