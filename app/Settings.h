#pragma once

#include <QString>

namespace limner::app {

// The user's preferences that app/ needs, as a plain value. QSettings is read and written only
// here, so the rest of the code (and the tests) can pass a Settings around without touching
// the user's configuration.
struct Settings {
    qint64 decodeLimitBytes; // largest decoded image accepted by File ▸ Open (RGBA bytes)
    int exportQuality;       // JPEG / WebP quality, 0..100
    QString backend;         // last used inpainting backend name
    int candidates;          // candidates per generation, 1..8

    Settings();

    // Missing or out-of-range values come back as the defaults.
    static Settings load();
    void save() const;
};

} // namespace limner::app
