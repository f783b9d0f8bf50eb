#include "app/MergeDownCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

#include <QPainter>

namespace limner::app {

MergeDownCommand::MergeDownCommand(Document& doc, int upperId, int lowerId, const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_upperId(upperId)
    , m_lowerId(lowerId) {}

Layer MergeDownCommand::mergedLayer(const Layer& lower, const Layer& upper) {
    const QRect rect = lower.canvasRect().united(upper.canvasRect());
    Layer merged = lower;
    merged.offset = rect.topLeft();
    merged.opacity = 1.0;
    merged.visible = true;
    // A merge keeps the provenance of both, so an export still declares a model's part; the
    // re-blend data no longer fits the merged pixels and is dropped.
    const GenerationInfo& model =
        upper.generation.fromTrainedModel ? upper.generation : lower.generation;
    if (model.fromTrainedModel) {
        GenerationInfo info;
        info.prompt = model.prompt;
        info.negativePrompt = model.negativePrompt;
        info.backend = model.backend;
        info.seed = model.seed;
        info.fromTrainedModel = true;
        info.mixedWithOtherPixels =
            !upper.generation.fromTrainedModel || !lower.generation.fromTrainedModel ||
            upper.generation.mixedWithOtherPixels || lower.generation.mixedWithOtherPixels;
        merged.generation = info;
    }
    merged.pixels = QImage(rect.size(), QImage::Format_ARGB32_Premultiplied);
    merged.pixels.fill(Qt::transparent);
    QPainter painter(&merged.pixels);
    painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
    painter.setOpacity(lower.opacity);
    painter.drawImage(lower.offset - rect.topLeft(), lower.pixels);
    painter.setOpacity(upper.opacity);
    painter.drawImage(upper.offset - rect.topLeft(), upper.pixels);
    painter.end();
    return merged;
}

void MergeDownCommand::redo() {
    const Layer* upper = m_doc.layerById(m_upperId);
    const Layer* lower = m_doc.layerById(m_lowerId);
    if (!upper || !lower)
        return; // Document::mergeDown() checked both; the undo stack keeps them in place
    m_previousActiveId = m_doc.activeLayerId();
    m_upperIndex = m_doc.indexOfLayer(m_upperId);
    m_upper = *upper;
    m_lower = *lower;
    const Layer merged = mergedLayer(m_lower, m_upper);
    DocumentCommandAccess::takeLayer(m_doc, m_upperId);
    DocumentCommandAccess::replaceLayer(m_doc, merged);
    DocumentCommandAccess::setActiveLayer(m_doc, m_lowerId);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void MergeDownCommand::undo() {
    DocumentCommandAccess::replaceLayer(m_doc, m_lower);
    DocumentCommandAccess::insertLayer(m_doc, m_upper, m_upperIndex);
    DocumentCommandAccess::setActiveLayer(m_doc, m_previousActiveId);
    // Redo recomputes from the document, so the copies need not outlive the undo.
    m_upper = Layer();
    m_lower = Layer();
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
