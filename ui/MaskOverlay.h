#pragma once

#include <QImage>
#include <QList>
#include <QRect>
#include <QRegion>
#include <QSize>

namespace limner::ui {

// The mask as the canvas shows it: translucent red where the mask is set. At level 0 it is the
// mask's own bytes read through a colour table (nothing to convert when the mask changes); at a
// level k > 0 (as in app::LayerComposite) a box-filtered copy with one byte per 2^k × 2^k block,
// redone only where the mask changed and only where it is drawn, so a zoomed-out view of a huge
// mask draws few pixels.
//
// Requirements: GUI thread; every change of the mask is reported through invalidate().
class MaskOverlay {
public:
    MaskOverlay();

    void invalidate(const QRect& canvasRect);
    // Format_Indexed8 with the tint as its colour table, current inside levelRect (level
    // coordinates). At level 0 it shares the mask's memory: use it before the mask changes.
    QImage image(const QImage& mask, int level, const QRect& levelRect);

private:
    QList<QRgb> m_colours;
    int m_level = 0;
    QSize m_canvas;
    QImage m_reduced;
    QRegion m_stale; // level coordinates
};

} // namespace limner::ui
