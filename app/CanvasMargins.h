#pragma once

#include <QRect>
#include <QSize>

namespace limner::app {

// How far a canvas grows on each side, in pixels (never negative). The old canvas's top-left
// corner lands at (left, top) on the new one.
struct CanvasMargins {
    int left = 0;
    int top = 0;
    int right = 0;
    int bottom = 0;

    bool isNull() const { return left == 0 && top == 0 && right == 0 && bottom == 0; }
    bool isValid() const { return left >= 0 && top >= 0 && right >= 0 && bottom >= 0; }
    QSize grown(const QSize& canvas) const {
        return {canvas.width() + left + right, canvas.height() + top + bottom};
    }
    QPoint shift() const { return {left, top}; }
    bool operator==(const CanvasMargins& o) const {
        return left == o.left && top == o.top && right == o.right && bottom == o.bottom;
    }

    // The growth that makes a canvas of the given size hold rect (in its coordinates).
    static CanvasMargins toInclude(const QSize& canvas, const QRect& rect) {
        CanvasMargins m;
        if (rect.isEmpty())
            return m;
        m.left = qMax(0, -rect.left());
        m.top = qMax(0, -rect.top());
        m.right = qMax(0, rect.left() + rect.width() - canvas.width());
        m.bottom = qMax(0, rect.top() + rect.height() - canvas.height());
        return m;
    }
};

} // namespace limner::app
