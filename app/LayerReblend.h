#pragma once

#include <QString>

namespace limner::app {

class Document;
struct GenerationInfo;

// The blend settings of a generated layer that can change after the fact.
struct LayerBlendSettings {
    int feather = 8; // px of soft edge
    int grow = 4;    // px the layer stays opaque past the mask
    bool colorMatch = true;
    bool histogramMatch = false;
    bool poisson = false;

    static LayerBlendSettings of(const GenerationInfo& info);
};

// "Re-blend": rebuilds a generated layer's alpha (and its colour match) from the generated
// pixels and mask it keeps in layer.generation, against the layers below it as they are now,
// without generating again. One undo step; consecutive re-blends of a layer merge.
//
// Returns false with *errorMessage set, and changes nothing, when the layer is gone or was not
// generated (or its generation data is damaged).
bool reblendLayer(Document& document, int layerId, const LayerBlendSettings& settings,
                  QString* errorMessage = nullptr);

// True when the layer keeps what reblendLayer() needs.
bool canReblend(const Document& document, int layerId);

} // namespace limner::app
