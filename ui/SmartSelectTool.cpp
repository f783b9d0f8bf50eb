#include "ui/SmartSelectTool.h"

#include "app/Document.h"
#include "app/ImageConvert.h"
#include "engine/imaging/ColorRangeSelect.h"
#include "engine/imaging/MagicWand.h"
#include "engine/imaging/ObjectSelection.h"
#include "engine/imaging/RefineEdge.h"
#include "ui/CanvasView.h"

#include <QLineF>
#include <QPainter>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace limner::ui {

namespace {

constexpr double kClickDistance = 3.0; // px on the canvas: less is a click, not a box

QImage combined(const QImage& basis, const engine::Image& selection, bool subtract) {
    QImage out = basis.convertToFormat(QImage::Format_Grayscale8);
    for (int y = 0; y < out.height(); ++y) {
        uchar* row = out.scanLine(y);
        const std::uint8_t* sel = selection.row(y);
        for (int x = 0; x < out.width(); ++x)
            row[x] = subtract ? std::min<int>(row[x], 255 - sel[x]) : std::max<int>(row[x], sel[x]);
    }
    return out;
}

} // namespace

SmartSelectTool::SmartSelectTool(app::Document& document, QObject* parent)
    : QObject(parent)
    , m_document(document) {
    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, &SmartSelectTool::onWorkFinished);
}

SmartSelectTool::~SmartSelectTool() {
    m_watcher.waitForFinished();
}

void SmartSelectTool::setMode(Mode mode) {
    m_mode = mode;
    m_objectBox = QRect();
    m_clicks.clear();
}

void SmartSelectTool::press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    if (m_document.canvasSize().isEmpty() || isBusy())
        return;
    m_dragging = true;
    m_gestureSubtracts = m_subtract != bool(modifiers & Qt::AltModifier);
    m_pressPos = m_currentPos = canvasPos;
}

void SmartSelectTool::move(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (m_dragging)
        m_currentPos = canvasPos;
}

QRect SmartSelectTool::dragRect() const {
    return QRectF(m_pressPos, m_currentPos)
        .normalized()
        .toAlignedRect()
        .intersected(QRect(QPoint(0, 0), m_document.canvasSize()));
}

void SmartSelectTool::release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    if (!m_dragging)
        return;
    move(canvasPos, modifiers);
    m_dragging = false;
    const bool click = QLineF(m_pressPos, m_currentPos).length() < kClickDistance;
    const QPoint point = m_pressPos.toPoint();
    if (!QRect(QPoint(0, 0), m_document.canvasSize()).contains(point) && click)
        return;
    if (m_mode == Mode::Object) {
        if (!click) {
            m_objectBox = dragRect();
            m_clicks.clear();
            m_maskBeforeObject = m_document.mask();
            m_objectSubtracts = m_gestureSubtracts;
        } else if (!m_objectBox.isEmpty() && m_document.maskKey() == m_objectMaskKey) {
            // A click corrects the object just selected: Alt marks background.
            m_clicks.emplace_back(point, !(modifiers & Qt::AltModifier));
        } else {
            emit finished(false, tr("Drag a box around the object to select it."));
            return;
        }
        selectObject();
        return;
    }
    if (!click)
        return;
    const int tolerance = m_tolerance;
    const bool global = m_global;
    const Combine combine = m_gestureSubtracts ? Combine::Subtract : Combine::Add;
    if (m_mode == Mode::Wand) {
        start(
            [=](const engine::Image& picture, engine::Image& out) {
                engine::imaging::MagicWandOptions options;
                options.tolerance = tolerance;
                options.contiguous = !global;
                return engine::imaging::magicWandSelect(picture, point.x(), point.y(), options, out);
            },
            m_document.mask(), combine, tr("Magic wand"));
    } else {
        const QRgb colour = m_document.flatten().pixel(point);
        const std::array<std::uint8_t, 3> rgb{std::uint8_t(qRed(colour)), std::uint8_t(qGreen(colour)),
                                              std::uint8_t(qBlue(colour))};
        start(
            [=](const engine::Image& picture, engine::Image& out) {
                return engine::imaging::selectColorRange(picture, rgb, tolerance, true, out);
            },
            m_document.mask(), combine, tr("Select by colour"));
    }
}

void SmartSelectTool::selectObject() {
    const engine::Rect box{m_objectBox.x(), m_objectBox.y(), m_objectBox.width(), m_objectBox.height()};
    std::vector<engine::imaging::SelectionClick> clicks;
    for (const auto& [point, inside] : m_clicks)
        clicks.push_back({point.x(), point.y(), inside});
    start(
        [=](const engine::Image& picture, engine::Image& out) {
            return engine::imaging::selectObject(picture, box, clicks, {}, out);
        },
        m_maskBeforeObject, m_objectSubtracts ? Combine::Subtract : Combine::Add,
        m_clicks.empty() ? tr("Select object") : tr("Correct object selection"));
    m_remembersObject = true;
}

void SmartSelectTool::refineMask() {
    if (isBusy() || m_document.canvasSize().isEmpty())
        return;
    if (m_document.maskIsEmpty()) {
        emit finished(false, tr("The mask is empty: there is no edge to refine."));
        return;
    }
    const engine::Image mask = app::ImageConvert::toEngineMask(m_document.mask());
    start(
        [mask](const engine::Image& picture, engine::Image& out) {
            return engine::imaging::refineMaskEdge(picture, mask, {}, out);
        },
        m_document.mask(), Combine::Replace, tr("Refine edge"));
}

void SmartSelectTool::start(Work work, const QImage& basisMask, Combine combine,
                            const QString& undoText) {
    m_basisMask = basisMask;
    m_basisKey = m_document.maskKey();
    m_combine = combine;
    m_undoText = undoText;
    m_remembersObject = false;
    const engine::Image picture = app::ImageConvert::toEngineRgb(m_document.flatten());
    m_watcher.setFuture(QtConcurrent::run([picture, work = std::move(work)] {
        Result result;
        try {
            result.status = work(picture, result.selection);
        } catch (const std::bad_alloc&) {
            result.status = engine::Status::outOfMemory("not enough memory for the selection");
        }
        return result;
    }));
}

void SmartSelectTool::onWorkFinished() {
    const Result result = m_watcher.result();
    if (!result.status) {
        emit finished(false, QString::fromStdString(result.status.message()));
        return;
    }
    if (m_document.maskKey() != m_basisKey) {
        m_objectBox = QRect();
        emit finished(false, tr("The mask changed while the selection was computed; select again."));
        return;
    }
    const QImage mask = m_combine == Combine::Replace
                            ? app::ImageConvert::toQImage(result.selection)
                            : combined(m_basisMask, result.selection, m_combine == Combine::Subtract);
    const bool applied = m_document.setMaskRegion(mask, m_undoText);
    if (m_remembersObject)
        m_objectMaskKey = m_document.maskKey();
    emit finished(applied, applied ? m_undoText : tr("The selection changed nothing."));
}

void SmartSelectTool::cancel() {
    m_dragging = false;
}

void SmartSelectTool::paintOverlay(QPainter& painter, const CanvasView& view, const QPointF&) const {
    if (!m_dragging || m_mode != Mode::Object)
        return;
    const QRectF box(view.canvasToWidget(m_pressPos), view.canvasToWidget(m_currentPos));
    painter.setPen(QPen(Qt::black, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(box.normalized());
    painter.setPen(QPen(Qt::white, 1, Qt::DashLine));
    painter.drawRect(box.normalized());
}

QRectF SmartSelectTool::overlayRect(const CanvasView& view, const QPointF&) const {
    if (!m_dragging || m_mode != Mode::Object)
        return {};
    return QRectF(view.canvasToWidget(m_pressPos), view.canvasToWidget(m_currentPos))
        .normalized()
        .adjusted(-2, -2, 2, 2);
}

} // namespace limner::ui
