#pragma once

namespace limner::engine::ml {

class ParityRegistry;

// Registers pipeline_sd_inpaint and pipeline_kandinsky22_inpaint: each fixture folder is loaded
// as a model folder and run with the manifest's call and the fixture's injected noise.
void registerPipelineParityKinds(ParityRegistry& registry);

} // namespace limner::engine::ml
