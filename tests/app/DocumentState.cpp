#include "tests/app/DocumentState.h"

#include "app/Document.h"

DocumentState DocumentState::capture(const limner::app::Document& doc) {
    DocumentState s;
    s.flattened = doc.flatten();
    s.mask = doc.mask().copy();
    s.layers = doc.layers();
    for (auto& layer : s.layers)
        layer.pixels = layer.pixels.copy();
    s.activeLayerId = doc.activeLayerId();
    return s;
}

bool DocumentState::operator==(const DocumentState& o) const {
    if (flattened != o.flattened || mask != o.mask || activeLayerId != o.activeLayerId ||
        layers.size() != o.layers.size())
        return false;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& a = layers[i];
        const auto& b = o.layers[i];
        if (a.id != b.id || a.name != b.name || a.pixels != b.pixels || a.offset != b.offset ||
            a.visible != b.visible || a.opacity != b.opacity)
            return false;
    }
    return true;
}
