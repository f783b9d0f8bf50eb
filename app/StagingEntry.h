#pragma once

#include "app/CanvasMargins.h"
#include "engine/service/InpaintRequest.h"

#include <QDateTime>
#include <QImage>
#include <QRect>
#include <QSize>
#include <QString>

namespace limner::app {

// One finished job in a document's staging history: what was asked (prompt, seed, backend,
// settings, mask, frame) and what came back (the engine's result with every candidate), so any
// candidate can be accepted later, the job re-run with the same settings, or its seed reused.
// A plain value: copyable, no pointers into the document, every field saveable.
struct StagingEntry {
    int id = 0;        // unique within the document's history, never reused
    QDateTime created; // when the result arrived
    // What was asked.
    QString prompt;
    QString negativePrompt;
    QString backend;
    quint64 seed = 0; // the first candidate's; candidate i used seed + i
    int candidateCount = 0;
    engine::CompositeSettings composite;
    engine::DiffusionSettings diffusion; // a model's run settings (image prompts kept in memory only)
    engine::imaging::SeedMethod seedMethod = engine::imaging::SeedMethod::EdgeExtend;
    QImage mask; // Format_Grayscale8, the canvas-sized mask the job was made from (before growth)
    // Outpaint only: the frame (in the source canvas's coordinates; may reach past its edges),
    // how the canvas grows when a candidate is accepted, and the size it grows from. An
    // inpaint has a null growth and frame; sourceCanvas is the canvas size either way.
    QRect frame;
    CanvasMargins growth;
    QSize sourceCanvas;
    // What came back: region, candidates (layer, seed, generated pixels) and re-blend data.
    engine::InpaintResult result;

    bool isOutpaint() const { return !growth.isNull() || !frame.isNull(); }
    int count() const { return static_cast<int>(result.candidates.size()); }
};

} // namespace limner::app
