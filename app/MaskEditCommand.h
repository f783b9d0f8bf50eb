#pragma once

#include <QImage>
#include <QRect>
#include <QUndoCommand>

namespace limner::app {

class Document;

// One change of the mask. Holds only the changed rectangle's pixels before and after (Krita's
// way: a brush dab on a 8k canvas must not cost two 64 MB snapshots per undo step).
class MaskEditCommand : public QUndoCommand {
public:
    // alreadyApplied: the mask already holds `after` (a live stroke), so the first redo() only
    // records the step instead of writing the pixels again.
    MaskEditCommand(Document& doc, const QRect& canvasRect, QImage before, QImage after,
                    bool alreadyApplied, const QString& text);

    void redo() override;
    void undo() override;

    QRect changedRect() const { return m_rect; }

    // The smallest rectangle inside `within` where two same-sized Grayscale8 masks differ;
    // empty when they are identical there.
    static QRect differenceRect(const QImage& a, const QImage& b, const QRect& within);

private:
    Document& m_doc;
    QRect m_rect;
    QImage m_before;
    QImage m_after;
    bool m_skipNextRedo;
};

} // namespace limner::app
