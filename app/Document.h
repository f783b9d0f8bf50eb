#pragma once

#include "app/Layer.h"
#include "app/StagingHistory.h"

#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>
#include <QUndoStack>
#include <vector>

namespace limner::app {

// The open picture: a stack of layers (index 0 = bottom), the inpainting mask and the undo
// stack. Every change that a user makes goes through one QUndoCommand pushed here, so every
// change is undoable; the revision counts changes so stale engine results can be recognised.
//
// Requirements: used from the GUI thread only.
// Guarantees: a failed operation (unknown id, bad index, wrong-sized image) returns false and
//   changes nothing; signals are emitted after the state has changed.
class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr);
    ~Document() override;

    // Replaces everything with one layer holding image (converted to ARGB32 premultiplied),
    // an empty mask, a clean undo stack. Not undoable: it is what File ▸ Open does.
    void reset(const QImage& image, const QString& layerName = QStringLiteral("Background"));

    // Replaces everything with the given layers (bottom to top), mask and canvas size, an empty
    // staging history and a clean undo stack: what opening a project does. Layer ids are kept (they
    // must be unique and > 0) so that saved references to them stay valid. Returns false and changes
    // nothing when the canvas is empty, an id is invalid or repeated, a layer has no pixels or the mask
    // is not canvas-sized (a null mask means an empty one).
    bool resetFromLayers(const QSize& canvasSize, const std::vector<Layer>& layers, const QImage& mask,
                         int activeLayerId = -1);

    QSize canvasSize() const;
    QRect canvasRect() const { return QRect(QPoint(0, 0), canvasSize()); }
    QString filePath() const;
    void setFilePath(const QString& path);

    // Layers, bottom to top.
    const std::vector<Layer>& layers() const;
    int layerCount() const;
    const Layer* layerById(int id) const;
    int indexOfLayer(int id) const; // -1 when absent
    int activeLayerId() const;      // -1 when there are no layers
    void setActiveLayerId(int id);  // selection only; not an undo step

    // Composites the visible layers (opacity, offsets, source-over) onto a transparent canvas.
    // ARGB32_Premultiplied, canvas-sized; rect limits the work to part of the canvas. The
    // composite is kept between calls (LayerComposite) and redone only where layers changed;
    // it equals LayerComposite::fromScratch() pixel for pixel.
    QImage flatten() const;
    QImage flatten(const QRect& canvasRect) const;
    // The composite at a level of detail (LayerComposite: level 0 is full size, level k has one
    // pixel per 2^k × 2^k canvas pixels), current inside levelRect (level coordinates). For
    // views: the reference is valid until the next change or call of flatten()/composite().
    const QImage& composite(int level, const QRect& levelRect) const;

    // The mask: Format_Grayscale8, canvas-sized, 255 = regenerate, 0 = keep.
    const QImage& mask() const;
    bool maskIsEmpty() const;

    QUndoStack* undoStack();
    quint64 revision() const;

    // --- Layer edits, one undo step each. Return the new layer id, or -1 / false on failure.
    int addLayer(const Layer& layer, int index, const QString& undoText); // layer.id is assigned
    bool removeLayer(int id);
    int duplicateLayer(int id);
    bool mergeDown(int id); // into the visible layer below; result keeps the lower id
    bool moveLayer(int id, int newIndex);
    bool renameLayer(int id, const QString& name);
    bool setLayerVisible(int id, bool visible);
    bool setLayerOpacity(int id, qreal opacity); // consecutive changes of one layer merge

    // --- Mask edits, one undo step each.
    // A stroke is painted live by a tool: beginMaskStroke() snapshots the mask, the tool paints
    // into maskForLiveStroke() and reports each dab with notifyMaskPainted() (emits maskChanged,
    // no undo step), endMaskStroke() pushes one command holding only the changed rectangle (none
    // when nothing changed). cancelMaskStroke() restores the snapshot.
    void beginMaskStroke();
    QImage& maskForLiveStroke(); // paint into this between begin and end
    void notifyMaskPainted(const QRect& canvasRect);
    void endMaskStroke(const QString& undoText);
    void cancelMaskStroke();

    bool setMaskRegion(const QImage& newMask, const QString& undoText); // whole-mask replace
    // Changes whenever the mask's pixels may have changed; equal keys mean the same pixels.
    qint64 maskKey() const;
    // A mask edit computed away from the GUI thread (MaskResizeTask): before and after hold the
    // changed rectangle's pixels. One undo step, provided the mask is still the one whose
    // maskKey() was basis and no stroke is live; otherwise false, and nothing changes.
    bool applyMaskEdit(qint64 basis, const QRect& changed, const QImage& before, const QImage& after,
                       const QString& undoText);
    void invertMask();
    void clearMask();
    // Grow or shrink on this thread (MaskMorphology, parallel); MaskResizeTask does it in the
    // background.
    void growMask(int px);
    void shrinkMask(int px);

    // --- Staging: every finished job's candidates (StagingHistory). Not undo steps: accepting a
    // candidate or undoing never removes an entry. reset() clears it; projects restore it.
    const StagingHistory& stagingHistory() const;
    int addStagingEntry(StagingEntry entry); // returns the entry's id
    bool removeStagingEntry(int id);
    void setStagingHistory(const StagingHistory& history);

signals:
    void documentReset();
    void layersChanged(); // added, removed, moved, renamed, flags
    void layerPixelsChanged(int layerId, const QRect& canvasRect);
    void maskChanged(const QRect& canvasRect);
    void activeLayerChanged(int layerId);
    void revisionChanged(quint64 revision);
    void stagingChanged();

private:
    friend class DocumentCommandAccess;
    struct Private;
    Private* d;
};

} // namespace limner::app
