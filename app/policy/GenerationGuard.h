#pragma once

#include "app/policy/ContentPolicy.h"
#include "engine/core/Rect.h"

#include <QString>
#include <vector>

namespace limner::engine {
struct InpaintRequest;
namespace imaging {
class FaceDetector;
}
} // namespace limner::engine

namespace limner::app {

// The content policy's word on one generative job, asked before it is submitted (by the
// editor's GenerationController and by limner-cli). It reads the request only: a refusal
// leaves the document, its undo stack and the engine untouched.
struct GenerationVerdict {
    enum class Outcome { Allow, Confirm, Refuse };
    Outcome outcome = Outcome::Allow;
    QString message;                 // one line: which rule matched and why (empty for Allow)
    QString rule;                    // "sexual content", "face edit", …
    std::vector<engine::Rect> faces; // the faces the mask touches (face-edit verdicts)

    bool allowed() const { return outcome == Outcome::Allow; }
};

class GenerationGuard {
public:
    // trainedModel: whether the request's backend is a diffusion model; the classical fills
    // (Telea, Navier–Stokes, FSR) ignore the prompt and invent no faces, so they always pass.
    // detector may be null (no face check).
    static GenerationVerdict check(const engine::InpaintRequest& request, const ContentPolicy& policy,
                                   bool trainedModel, const engine::imaging::FaceDetector* detector);

    // The faces in the request's picture that its mask touches, where the picture looks
    // photographic there.
    static std::vector<engine::Rect> touchedFaces(const engine::InpaintRequest& request,
                                                  const engine::imaging::FaceDetector& detector);

    // What the project records when the user goes on after a confirmation.
    static QString consentNote(const GenerationVerdict& verdict);
};

} // namespace limner::app
