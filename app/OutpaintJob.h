#pragma once

#include "app/CanvasMargins.h"
#include "engine/imaging/OutpaintSeed.h"
#include "engine/service/InpaintRequest.h"

#include <QRect>
#include <QSize>
#include <QString>

namespace limner::app {

class Document;

// What an outpaint asks for, besides where.
struct OutpaintOptions {
    QString prompt;
    QString negativePrompt;
    QString backend = QStringLiteral("telea");
    quint64 seed = 0;
    int candidates = 1;
    engine::imaging::SeedMethod seedMethod = engine::imaging::SeedMethod::EdgeExtend;
    engine::CompositeSettings composite;
};

// An outpaint request, made without touching the document: the request describes the grown
// canvas (the old picture at growth.shift(), transparent and masked where it is new), and
// accepting a candidate grows the document by the same margins (applyOutpaintCandidate()).
//
//   QString error;
//   OutpaintJob job = OutpaintJob::forFrame(document, frameRect, options, &error);
//   if (job.isValid()) client.submit(job.request);
struct OutpaintJob {
    CanvasMargins growth;           // how the canvas grows before a candidate is added
    QSize sourceCanvas;             // the canvas size the request was made from
    engine::InpaintRequest request; // in the grown canvas's coordinates

    bool isValid() const { return !request.image.empty(); }

    // One generation frame (a rectangle in canvas coordinates that may reach past the edges):
    // the canvas grows to include it, and the frame is the crop. Inside it, the new area and the
    // document's mask are generated. Fails (invalid job, *error set) when the frame does not
    // overlap the picture or holds nothing to generate.
    static OutpaintJob forFrame(const Document& document, const QRect& frame,
                                const OutpaintOptions& options, QString* error = nullptr);

    // Grows by margins and generates the whole new area, planned as frames of frameSize
    // (imaging::planOutpaintFrames) that overlap by an eighth of a frame: one frame when it
    // fits, several in order for large or multi-direction outpaints.
    static OutpaintJob forMargins(const Document& document, const CanvasMargins& margins,
                                  const QSize& frameSize, const OutpaintOptions& options,
                                  QString* error = nullptr);
};

} // namespace limner::app
