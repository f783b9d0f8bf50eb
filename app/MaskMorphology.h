#pragma once

#include <QImage>
#include <atomic>
#include <functional>

class QThreadPool;

namespace limner::app {

// Grows and shrinks masks exactly as engine::imaging::growMask and shrinkMask do (a round
// structuring element, Euclidean distances, a 0/255 result; the canvas edge does not erode), with
// the same result pixel for pixel, but sooner on large canvases: only the part of the canvas that
// the mask can reach is looked at, in horizontal bands that run in parallel. Each band also reads
// px + 1 rows beyond its own, so it sees every pixel that can decide one of its own.
//
// Requirements: any thread; mask is Format_Grayscale8 (anything else is converted).
// Guarantees: a null QImage when cancel was set before the work ended (bands that have not
//   started by then do not start); progress is called
//   on worker threads, once per finished band, with (bands done, bands).
namespace MaskMorphology {

using Progress = std::function<void(int done, int total)>;

QImage grow(const QImage& mask, int px, const std::atomic_bool* cancel = nullptr,
            const Progress& progress = {});
QImage shrink(const QImage& mask, int px, const std::atomic_bool* cancel = nullptr,
              const Progress& progress = {});

// The threads that grow and shrink: one fewer than the machine has cores, so that a background
// grow leaves a core to the GUI thread (a caller's own thread works too).
QThreadPool& threadPool();

// The smallest rectangle holding every non-zero pixel; empty when there is none.
QRect bounds(const QImage& mask);

} // namespace MaskMorphology

} // namespace limner::app
