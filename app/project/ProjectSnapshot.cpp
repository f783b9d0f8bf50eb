#include "app/project/ProjectSnapshot.h"

#include "app/Document.h"

namespace limner::app {

ProjectSnapshot ProjectSnapshot::fromDocument(const Document& document) {
    ProjectSnapshot snapshot;
    snapshot.canvasSize = document.canvasSize();
    snapshot.layers = document.layers();
    snapshot.mask = document.mask();
    snapshot.activeLayerId = document.activeLayerId();
    snapshot.staging = document.stagingHistory().entries();
    return snapshot;
}

bool ProjectSnapshot::applyTo(Document& document) const {
    if (!document.resetFromLayers(canvasSize, layers, mask, activeLayerId))
        return false;
    if (!staging.empty()) {
        StagingHistory history;
        history.restore(staging);
        document.setStagingHistory(history);
    }
    return true;
}

QImage ProjectSnapshot::flatten() const {
    // A private Document composites exactly like the editor does, so the merged image of a
    // project and an export of the same document are the same pixels.
    Document scratch;
    if (!scratch.resetFromLayers(canvasSize, layers, mask, activeLayerId))
        return {};
    return scratch.flatten();
}

} // namespace limner::app
