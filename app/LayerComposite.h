#pragma once

#include "app/Layer.h"

#include <QImage>
#include <QPoint>
#include <QRect>
#include <QRegion>
#include <QSize>
#include <map>
#include <vector>

namespace limner::app {

// The visible layers of a picture composited (source-over, each at its opacity, onto
// transparency) and kept between changes, so that a change costs only the area it touches, and
// only once that area is asked for. Level 0 is the full-resolution picture; level k > 0 has one
// pixel per 2^k × 2^k block of the canvas, for views that show the picture zoomed out.
//
// Level 0 is pixel-identical to fromScratch(). Repeated changes of one layer (an opacity drag,
// toggling its visibility, new pixels) are cheap: the stack below the layer changed last (the
// "working layer") is kept where it was composited, so only that layer and the ones above it are
// blended again. Levels k > 0 composite box-filtered copies of the layers: they differ from a
// box-filtered level 0 by rounding, and where translucent layers overlap within one block
// (source-over does not commute with averaging).
//
// Memory: a level's composite and its kept stack are level-sized images that take memory only
// where they were composited; the box-filtered layers of level k take 1/4^k of the layers'.
//
// Requirements: used by one thread at a time; every change of the layers is reported (reset,
//   layerChanged, stackChanged) before the next image() with those layers.
// Guarantees: image() blends on the global thread pool and returns when it is done; the calling
//   thread works too, so it never waits for a busy pool.
class LayerComposite {
public:
    // Canvas pixels along each side of one pixel of level.
    static int scaleOfLevel(int level) { return 1 << level; }
    static QSize levelSize(const QSize& canvas, int level);
    // Level pixels that cover canvasRect (rounded outwards), within the level.
    static QRect levelRect(const QSize& canvas, int level, const QRect& canvasRect);
    // The highest level whose sides are both at least 64 pixels (0 for small canvases).
    static int maxLevel(const QSize& canvas);

    // The reference: the visible layers composited from scratch, the pixels of canvasRect
    // (transparent past the canvas).
    static QImage fromScratch(const std::vector<Layer>& layers, const QSize& canvas,
                              const QRect& canvasRect);

    // Everything is stale: a new canvas, new layers.
    void reset(const QSize& canvas);
    // The layer with layerId changed inside canvasRect (visibility, opacity, pixels, offset).
    // It becomes the working layer.
    void layerChanged(int layerId, const QRect& canvasRect);
    // Layers were added, removed or reordered; canvasRect covers the layers concerned.
    void stackChanged(const QRect& canvasRect);

    // The composite at level: current inside levelRect (level coordinates), perhaps stale
    // elsewhere. The reference is valid until the next call that is not const.
    const QImage& image(int level, const QRect& levelRect, const std::vector<Layer>& layers);

private:
    // A layer box-filtered to a level; offset in level coordinates.
    struct Reduced {
        qint64 cacheKey = 0;
        QPoint layerOffset;
        QImage pixels;
        QPoint offset;
    };
    struct Level {
        QImage image;                   // allocated on first use; only touched pages take memory
        QRegion stale;                  // to composite again
        QImage below;                   // the layers under the working layer, where belowValid
        QRegion belowValid;             //
        std::map<int, Reduced> reduced; // by layer id; levels > 0 only
    };

    void markStale(const QRect& canvasRect, bool belowToo);
    void updateReduced(Level& level, int index, const std::vector<Layer>& layers);

    QSize m_canvas;
    std::vector<Level> m_levels; // by level
    int m_workingLayerId = -1;
};

} // namespace limner::app
