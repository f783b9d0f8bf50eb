#include "app/MaskEditCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace limner::app {

MaskEditCommand::MaskEditCommand(Document& doc, const QRect& canvasRect, QImage before, QImage after,
                                 bool alreadyApplied, const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_rect(canvasRect)
    , m_before(std::move(before))
    , m_after(std::move(after))
    , m_skipNextRedo(alreadyApplied) {}

void MaskEditCommand::redo() {
    if (m_skipNextRedo)
        m_skipNextRedo = false;
    else
        DocumentCommandAccess::writeMask(m_doc, m_rect.topLeft(), m_after);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void MaskEditCommand::undo() {
    DocumentCommandAccess::writeMask(m_doc, m_rect.topLeft(), m_before);
    DocumentCommandAccess::bumpRevision(m_doc);
}

QRect MaskEditCommand::differenceRect(const QImage& a, const QImage& b, const QRect& within) {
    const QRect area = within.intersected(a.rect()).intersected(b.rect());
    int left = area.right() + 1, right = area.left() - 1, top = -1, bottom = -1;
    const std::size_t width = static_cast<std::size_t>(area.width());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        const uchar* rowA = a.constScanLine(y) + area.left();
        const uchar* rowB = b.constScanLine(y) + area.left();
        if (std::memcmp(rowA, rowB, width) == 0)
            continue;
        if (top < 0)
            top = y;
        bottom = y;
        int first = 0;
        while (rowA[first] == rowB[first])
            ++first;
        int last = static_cast<int>(width) - 1;
        while (rowA[last] == rowB[last])
            --last;
        left = std::min(left, area.left() + first);
        right = std::max(right, area.left() + last);
    }
    if (top < 0)
        return {};
    return QRect(QPoint(left, top), QPoint(right, bottom));
}

} // namespace limner::app
