#include "engine/ml/parity/ParityRegistry.h"

namespace limner::engine::ml {

void registerTokenizerParityKind(ParityRegistry& registry);

void registerBuiltinParityKinds(ParityRegistry& registry) {
    registerTokenizerParityKind(registry);
}

} // namespace limner::engine::ml
