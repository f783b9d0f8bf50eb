#pragma once

#include "app/Layer.h"

#include <QImage>
#include <vector>

namespace limner::app {
class Document;
}

// Everything a user can see or select in a document, captured so that "undo then redo" can be
// compared with what was there before and after.
struct DocumentState {
    QImage flattened;
    QImage mask;
    std::vector<limner::app::Layer> layers;
    int activeLayerId = -1;

    static DocumentState capture(const limner::app::Document& doc);
    bool operator==(const DocumentState& other) const;
    bool operator!=(const DocumentState& other) const { return !(*this == other); }
};
