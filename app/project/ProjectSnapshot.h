#pragma once

#include "app/Layer.h"
#include "app/StagingEntry.h"

#include <QImage>
#include <QSize>
#include <QStringList>
#include <vector>

namespace limner::app {

class Document;

// A document's content as plain values: what a project file holds. Taking one is cheap (the
// layers' QImages are shared, not copied; only the staging history's pixels are), so autosave
// takes one on the GUI thread and encodes it on a worker thread while the user keeps editing.
struct ProjectSnapshot {
    // The staging history is saved in limner/project.json as {"version": N, "entries": [...]}
    // (StagingCodec); version 1 = each entry a JSON object, its images PNGs under limner/staging/.
    static constexpr int kStagingHistoryVersion = 1;

    QSize canvasSize;
    std::vector<Layer> layers; // bottom to top
    QImage mask;               // Format_Grayscale8, canvas-sized; null = empty
    int activeLayerId = -1;
    // The document's staging history, oldest first. A copy of its pixels (engine::Image does not
    // share), made so that a worker thread can encode it while the user keeps generating.
    std::vector<StagingEntry> staging;
    QStringList warnings; // set by OraReader: what could not be kept exactly (blend modes …)

    static ProjectSnapshot fromDocument(const Document& document);
    // Replaces the document's content and staging history (a clean undo stack); false when the
    // snapshot is invalid.
    bool applyTo(Document& document) const;
    // The visible layers composited as Document::flatten() does, on any thread.
    QImage flatten() const;
};

} // namespace limner::app
