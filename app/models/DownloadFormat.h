#pragma once

#include <QString>
#include <QtGlobal>

namespace limner::app {

// Sizes as the Hugging Face hub shows them (decimal units): "5.28 GB", "271 MB", "12.3 kB", "512 B".
QString formatBytes(qint64 bytes);
// "45 s", "7 min", "1 h 05 min"; "" when seconds < 0 (unknown).
QString formatDuration(double seconds);
// "650 MB of 5.28 GB · 12.1 MB/s · 7 min left" (the rate and time only when known).
QString formatDownloadProgress(qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond,
                               double secondsLeft);

} // namespace limner::app
