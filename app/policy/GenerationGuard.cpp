#include "app/policy/GenerationGuard.h"

#include "app/policy/PromptFilter.h"
#include "engine/imaging/FaceDetector.h"
#include "engine/service/InpaintRequest.h"

#include <QDateTime>

namespace limner::app {

namespace {

using Outcome = GenerationVerdict::Outcome;
using Level = ContentPolicy::Level;

QString levelLabel(Level level) {
    const QString name = ContentPolicy::levelName(level);
    return name.left(1).toUpper() + name.mid(1);
}

bool maskTouches(const engine::Image& mask, const engine::Rect& box) {
    const engine::Rect inside = box.intersected({0, 0, mask.width, mask.height});
    for (int y = inside.y; y < inside.bottom(); ++y) {
        const std::uint8_t* row = mask.row(y);
        for (int x = inside.x; x < inside.right(); ++x) {
            if (row[x] != 0)
                return true;
        }
    }
    return false;
}

} // namespace

std::vector<engine::Rect> GenerationGuard::touchedFaces(const engine::InpaintRequest& request,
                                                        const engine::imaging::FaceDetector& detector) {
    if (request.image.empty() || request.mask.width != request.image.width ||
        request.mask.height != request.image.height || request.mask.channels != 1)
        return {};
    std::vector<engine::Rect> touched;
    for (const engine::Rect& face : detector.detect(request.image)) {
        if (maskTouches(request.mask, face) &&
            engine::imaging::FaceDetector::looksPhotographic(request.image, face))
            touched.push_back(face);
    }
    return touched;
}

GenerationVerdict GenerationGuard::check(const engine::InpaintRequest& request,
                                         const ContentPolicy& policy, bool trainedModel,
                                         const engine::imaging::FaceDetector* detector) {
    GenerationVerdict verdict;
    if (!trainedModel)
        return verdict;
    const QString level = levelLabel(policy.level);
    // The negative prompt names what must not appear: it is not filtered.
    if (const auto match = PromptFilter(policy).match(QString::fromStdString(request.prompt))) {
        verdict.rule = ContentPolicy::ruleName(match->category);
        const bool minors = match->category == ContentPolicy::Category::Minors;
        if (minors || policy.level == Level::Strict) {
            verdict.outcome = Outcome::Refuse;
            verdict.message =
                QStringLiteral("refused by the content policy (%1): the prompt matches "
                               "the rule \"%2\" (term \"%3\")")
                    .arg(minors ? QStringLiteral("every level") : level, verdict.rule, match->term);
            return verdict;
        }
        if (policy.level == Level::Standard) {
            verdict.outcome = Outcome::Confirm;
            verdict.message = QStringLiteral("the prompt matches the content policy's rule \"%1\" "
                                             "(term \"%2\")")
                                  .arg(verdict.rule, match->term);
        }
    }
    if (policy.level == Level::Off || !detector || !detector->isAvailable())
        return verdict;
    verdict.faces = touchedFaces(request, *detector);
    if (verdict.faces.empty())
        return verdict;
    const QString faces = verdict.faces.size() == 1
                              ? QStringLiteral("a face")
                              : QStringLiteral("%1 faces").arg(verdict.faces.size());
    if (policy.level == Level::Strict) {
        verdict.outcome = Outcome::Refuse;
        verdict.rule = QStringLiteral("face edit");
        verdict.message = QStringLiteral("refused by the content policy (Strict): the mask touches %1 "
                                         "in a photograph; generated faces of real people are "
                                         "deepfakes")
                              .arg(faces);
        return verdict;
    }
    if (verdict.outcome == Outcome::Allow) {
        verdict.outcome = Outcome::Confirm;
        verdict.rule = QStringLiteral("face edit");
        verdict.message = QStringLiteral("the mask touches %1 in a photograph: a generated face of a "
                                         "real person is a deepfake and can deceive or harm them")
                              .arg(faces);
    } else {
        verdict.message += QStringLiteral("; and the mask touches %1 in a photograph").arg(faces);
    }
    return verdict;
}

QString GenerationGuard::consentNote(const GenerationVerdict& verdict) {
    return QStringLiteral("%1: the user went on after the warning \"%2\"")
        .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate), verdict.message);
}

} // namespace limner::app
