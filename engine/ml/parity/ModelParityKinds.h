#pragma once

namespace limner::engine::ml {

class ParityRegistry;

// Implemented by the model library's parity target (`limner_ml_nn_parity`): registers the model
// and pipeline components (unet_sd_inpaint, vae_kl, movq, clip_text, ...). limner-parity calls
// it only when that target exists (LIMNER_ML_HAS_MODEL_PARITY).
void registerModelParityKinds(ParityRegistry& registry);

} // namespace limner::engine::ml
