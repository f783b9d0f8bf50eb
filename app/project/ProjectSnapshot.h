#pragma once

#include "app/Layer.h"

#include <QImage>
#include <QJsonObject>
#include <QSize>
#include <QStringList>
#include <vector>

namespace limner::app {

class Document;

// A document's content as plain values: what a project file holds. Taking one is cheap (the
// QImages are shared, not copied), so autosave takes one on the GUI thread and encodes it on
// a worker thread while the user keeps editing.
struct ProjectSnapshot {
    // The staging history (candidates, prompts, seeds, models, settings) belongs here once the
    // editor keeps one: an object {"version": N, "entries": [...]}, saved as is in the project's
    // limner/project.json under "stagingHistory". Version 1 = the entries are JSON objects.
    static constexpr int kStagingHistoryVersion = 1;

    QSize canvasSize;
    std::vector<Layer> layers; // bottom to top
    QImage mask;               // Format_Grayscale8, canvas-sized; null = empty
    int activeLayerId = -1;
    QJsonObject stagingHistory;
    QStringList warnings; // set by OraReader: what could not be kept exactly (blend modes …)

    static ProjectSnapshot fromDocument(const Document& document);
    // Replaces the document's content (a clean undo stack); false when the snapshot is invalid.
    bool applyTo(Document& document) const;
    // The visible layers composited as Document::flatten() does, on any thread.
    QImage flatten() const;
};

} // namespace limner::app
