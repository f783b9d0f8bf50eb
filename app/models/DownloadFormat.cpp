#include "app/models/DownloadFormat.h"

#include <algorithm>
#include <cmath>

namespace limner::app {

QString formatBytes(qint64 bytes) {
    if (bytes < 1000)
        return QStringLiteral("%1 B").arg(std::max<qint64>(bytes, 0));
    const char* const units[] = {"kB", "MB", "GB", "TB"};
    double value = double(bytes) / 1000.0;
    int unit = 0;
    while (value >= 999.5 && unit < 3) {
        value /= 1000.0;
        ++unit;
    }
    // Three significant digits: 5.28 GB, 27.1 MB, 271 MB.
    const int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
    return QStringLiteral("%1 %2").arg(value, 0, 'f', decimals).arg(QLatin1String(units[unit]));
}

QString formatDuration(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds))
        return {};
    const qint64 s = qint64(std::llround(seconds));
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    const qint64 minutes = (s + 30) / 60;
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    return QStringLiteral("%1 h %2 min").arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString formatDownloadProgress(qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond,
                               double secondsLeft) {
    QString text = QStringLiteral("%1 of %2").arg(formatBytes(bytesDone), formatBytes(bytesTotal));
    if (bytesPerSecond > 0)
        text += QStringLiteral(" · %1/s").arg(formatBytes(qint64(bytesPerSecond)));
    const QString left = formatDuration(secondsLeft);
    if (!left.isEmpty() && bytesDone < bytesTotal)
        text += QStringLiteral(" · %1 left").arg(left);
    return text;
}

} // namespace limner::app
