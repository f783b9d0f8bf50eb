#include "app/project/ProjectSnapshot.h"

#include "app/Document.h"

namespace limner::app {

ProjectSnapshot ProjectSnapshot::fromDocument(const Document& document) {
    ProjectSnapshot snapshot;
    snapshot.canvasSize = document.canvasSize();
    snapshot.layers = document.layers();
    snapshot.mask = document.mask();
    snapshot.activeLayerId = document.activeLayerId();
    return snapshot;
}

bool ProjectSnapshot::applyTo(Document& document) const {
    return document.resetFromLayers(canvasSize, layers, mask, activeLayerId);
}

QImage ProjectSnapshot::flatten() const {
    // A private Document composites exactly like the editor does, so the merged image of a
    // project and an export of the same document are the same pixels.
    Document scratch;
    if (!applyTo(scratch))
        return {};
    return scratch.flatten();
}

} // namespace limner::app
