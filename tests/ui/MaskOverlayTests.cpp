#include "ui/MaskOverlay.h"

#include <QPainter>
#include <catch2/catch.hpp>
#include <cstring>

using limner::ui::MaskOverlay;

namespace {

// The rounded mean of each 2^level × 2^level block (blocks cut by the edge: of what they hold).
QImage boxFiltered(const QImage& mask, int level) {
    const int s = 1 << level;
    QImage out((mask.width() + s - 1) / s, (mask.height() + s - 1) / s, QImage::Format_Grayscale8);
    for (int by = 0; by < out.height(); ++by) {
        for (int bx = 0; bx < out.width(); ++bx) {
            int sum = 0, count = 0;
            for (int y = by * s; y < std::min(by * s + s, mask.height()); ++y)
                for (int x = bx * s; x < std::min(bx * s + s, mask.width()); ++x, ++count)
                    sum += mask.constScanLine(y)[x];
            out.scanLine(by)[bx] = uchar((sum + count / 2) / count);
        }
    }
    return out;
}

bool sameBytes(const QImage& indexed, const QImage& grey) {
    if (indexed.size() != grey.size())
        return false;
    for (int y = 0; y < grey.height(); ++y)
        if (std::memcmp(indexed.constScanLine(y), grey.constScanLine(y), std::size_t(grey.width())) !=
            0)
            return false;
    return true;
}

} // namespace

TEST_CASE("the zoomed-out mask overlay is the box-filtered mask and follows its changes; only "
          "tiles where the mask is set are drawn",
          "[ui][mask]") {
    QImage mask(1000, 700, QImage::Format_Grayscale8); // edges cut blocks and tiles
    mask.fill(0);
    {
        QPainter p(&mask);
        p.setRenderHint(QPainter::Antialiasing); // soft edges: values between 0 and 255
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        p.drawEllipse(QPointF(300, 250), 180, 120);
        p.setBrush(QColor(90, 90, 90));
        p.drawRect(QRectF(850.5, 600.5, 149.5, 99.5));
    }
    MaskOverlay overlay;
    const QRect all = mask.rect();
    const QRegion covered = overlay.coverage(mask, all);
    CHECK(covered.contains(QPoint(300, 250)));
    CHECK(covered.contains(QPoint(999, 699)));
    CHECK_FALSE(covered.contains(QPoint(700, 100))); // no mask anywhere near
    for (const int level : {1, 2, 3}) {
        const QImage shown = overlay.image(mask, level, QRect(0, 0, 1000, 1000));
        REQUIRE(shown.format() == QImage::Format_Indexed8);
        CHECK(sameBytes(shown, boxFiltered(mask, level)));
    }
    // At full size the overlay is the mask's own bytes.
    CHECK(overlay.image(mask, 0, all).constBits() == mask.constBits());

    // A change is picked up where it is reported.
    const QRect painted(600, 50, 200, 90);
    QPainter(&mask).fillRect(painted, QColor(200, 200, 200));
    overlay.invalidate(painted);
    CHECK(overlay.coverage(mask, all).contains(QPoint(700, 100)));
    CHECK(sameBytes(overlay.image(mask, 3, QRect(0, 0, 1000, 1000)), boxFiltered(mask, 3)));
    QImage cleared(mask.size(), QImage::Format_Grayscale8);
    cleared.fill(0);
    overlay.invalidate(all);
    CHECK(overlay.coverage(cleared, all).isEmpty());
    CHECK(sameBytes(overlay.image(cleared, 3, QRect(0, 0, 1000, 1000)), boxFiltered(cleared, 3)));
}
