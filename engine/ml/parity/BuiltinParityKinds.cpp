#include "engine/ml/parity/ParityRegistry.h"

namespace limner::engine::ml {

void registerTokenizerParityKind(ParityRegistry& registry);
void registerSchedulerParityKind(ParityRegistry& registry);

void registerBuiltinParityKinds(ParityRegistry& registry) {
    registerTokenizerParityKind(registry);
    registerSchedulerParityKind(registry);
}

} // namespace limner::engine::ml
