#include "ui/ToolIcons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <functional>
#include <utility>

namespace limner::ui::ToolIcons {

namespace {

const QColor kInk(40, 40, 44);
const QColor kMask(230, 60, 50);

QIcon draw(const std::function<void(QPainter&)>& paint) {
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 32.0, size / 32.0); // every icon is drawn on a 32×32 grid
        paint(p);
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

QIcon maskBrush() {
    return draw([](QPainter& p) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(kMask.red(), kMask.green(), kMask.blue(), 150));
        p.drawEllipse(QPointF(12, 20), 9, 9);
        p.setPen(QPen(kInk, 2.5, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(14, 18), QPointF(27, 5));
        p.setBrush(kInk);
        p.drawEllipse(QPointF(13, 19), 2.5, 2.5);
    });
}

QIcon maskEraser() {
    return draw([](QPainter& p) {
        p.setPen(QPen(kInk, 2));
        p.setBrush(QColor(245, 245, 245));
        QPainterPath body;
        body.addRoundedRect(QRectF(-11, -6, 22, 12), 3, 3);
        p.translate(16, 16);
        p.rotate(-40);
        p.drawPath(body);
        p.setBrush(QColor(kMask.red(), kMask.green(), kMask.blue(), 200));
        p.drawRoundedRect(QRectF(-11, -6, 8, 12), 3, 3);
    });
}

QIcon rectangleSelection() {
    return draw([](QPainter& p) {
        p.setBrush(QColor(kMask.red(), kMask.green(), kMask.blue(), 90));
        p.setPen(QPen(kInk, 2, Qt::DashLine));
        p.drawRect(QRectF(5, 7, 22, 18));
    });
}

QIcon lassoSelection() {
    return draw([](QPainter& p) {
        QPainterPath loop;
        loop.moveTo(8, 20);
        loop.cubicTo(1, 10, 14, 3, 24, 7);
        loop.cubicTo(31, 11, 27, 22, 16, 22);
        loop.cubicTo(11, 22, 9, 21, 8, 20);
        p.setBrush(QColor(kMask.red(), kMask.green(), kMask.blue(), 90));
        p.setPen(QPen(kInk, 2, Qt::DashLine));
        p.drawPath(loop);
        p.setPen(QPen(kInk, 2, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(8, 20), QPointF(10, 28));
    });
}

QIcon smartSelection() {
    return draw([](QPainter& p) {
        // A magic wand over a selected blob.
        p.setBrush(QColor(kMask.red(), kMask.green(), kMask.blue(), 90));
        p.setPen(QPen(kInk, 2, Qt::DashLine));
        p.drawEllipse(QRectF(12, 12, 16, 14));
        p.setPen(QPen(kInk, 3, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(4, 28), QPointF(16, 16));
        p.setPen(QPen(kInk, 2, Qt::SolidLine, Qt::RoundCap));
        for (const auto& [a, b] : {std::pair<QPointF, QPointF>{{18, 4}, {18, 9}},
                                   {{15.5, 6.5}, {20.5, 6.5}},
                                   {{24, 10}, {27, 10}},
                                   {{8, 8}, {10, 10}}})
            p.drawLine(a, b);
    });
}

QIcon candidateMixer() {
    return draw([](QPainter& p) {
        // Two candidates side by side and a brush blending one into the other.
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(220, 70, 60));
        p.drawRoundedRect(QRectF(3, 4, 12, 12), 2, 2);
        p.setBrush(QColor(70, 170, 90));
        p.drawRoundedRect(QRectF(17, 4, 12, 12), 2, 2);
        p.setPen(QPen(kInk, 3, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(10, 29), QPointF(20, 19));
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(70, 170, 90));
        p.drawEllipse(QPointF(22, 17), 3.5, 3.5);
    });
}

} // namespace limner::ui::ToolIcons
