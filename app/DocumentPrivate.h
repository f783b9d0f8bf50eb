#pragma once

#include "app/Document.h"
#include "app/LayerComposite.h"

#include <QImage>
#include <QRect>
#include <QSize>
#include <QString>
#include <QUndoStack>
#include <vector>

namespace limner::app {

// The state behind Document. Only Document.cpp and DocumentCommandAccess.cpp see it, so every
// change to it goes either through Document's read-only API or through an undo command.
struct Document::Private {
    QSize canvasSize;
    QString filePath;
    std::vector<Layer> layers;
    QImage mask; // Format_Grayscale8, canvas-sized
    int activeLayerId = -1;
    // Ids are never reused within a document's lifetime, so an undo command that remembers an
    // id can never hit a different layer that happens to get the same number later.
    int nextLayerId = 1;
    quint64 revision = 0;
    QUndoStack undoStack;
    StagingHistory staging;
    // Told of every change of the layers (DocumentCommandAccess, reset), so it stays current.
    LayerComposite composite;

    bool strokeActive = false;
    QImage strokeSnapshot;
    QRect strokeDirty;
};

} // namespace limner::app
