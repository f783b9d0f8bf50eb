#pragma once

#include "app/StylePreset.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariantMap>

class QSettings;

namespace limner::app {

// The user's preferences that app/ needs, as a plain value. QSettings is read and written only
// here, so the rest of the code (and the tests) can pass a Settings around without touching
// the user's configuration.
struct Settings {
    qint64 decodeLimitBytes;         // largest decoded image accepted by File ▸ Open (RGBA bytes)
    int exportQuality;               // JPEG / WebP quality, 0..100
    QString backend;                 // last used inpainting backend name
    int candidates;                  // candidates per generation, 1..8
    int autosaveIntervalSeconds;     // 0 = off; default 120
    bool exportGenerationParameters; // PNG "parameters" chunk (prompt, seed, model); off by default
    QStringList recentFiles;         // most recent first, at most kMaxRecentFiles
    QByteArray windowGeometry;       // QMainWindow::saveGeometry()
    QByteArray windowState;          // QMainWindow::saveState(): docks and toolbars
    QStringList modelFolders;        // diffusion model folders added in Preferences ▸ Models
    QString modelDevice;             // where models run: "auto", "cpu" or "cuda"
    QString modelDtype;              // their precision: "auto", "float32", "float16", "bfloat16"
    // The model library (Preferences ▸ Models): where it looks besides the hub cache and the
    // installs found at their usual places, and the prior pipeline chosen for each Kandinsky
    // decoder (LibraryEntry::pairingKey() → the prior's folder).
    QStringList libraryFolders;        // folders the user added: a model, or a folder of models
    QStringList libraryComfyUiFolders; // ComfyUI installs the user added
    QStringList libraryWebUiFolders;   // A1111 / Forge installs the user added
    QMap<QString, QString> modelPriors;
    QVariantMap modelSpeeds; // speeds measured on this computer (engine DeviceSpeeds), by key
    // Preferences ▸ Safety (ContentPolicy::fromSettings reads them): the policy level ("off",
    // "standard", "strict") and the user's edits of the shipped term lists, each entry
    // "category:term" ("sexual:lingerie").
    QString contentPolicy;
    // Exports with generated pixels: the invisible watermark (on by default) and the user's own
    // Content Credentials certificate chain and key (PEM; empty = Limner's key for this computer).
    bool exportWatermark;
    QString signerCertificate;
    QString signerKey;
    QStringList policyAddedTerms;
    QStringList policyRemovedTerms;
    // The styles offered as chips under the prompt (the user's list; the defaults until edited)
    // and the names of those switched on.
    QList<StylePreset> styles;
    QStringList activeStyles;

    static constexpr int kMaxRecentFiles = 10;
    static const QStringList& modelDevices(); // the values modelDevice may take, "auto" first
    static const QStringList& modelDtypes();  // the values modelDtype may take, "auto" first
    // Puts path first in recentFiles (once), dropping the oldest past the limit.
    void addRecentFile(const QString& path);

    Settings();

    // Missing or out-of-range values come back as the defaults.
    static Settings load();
    // The settings another application of Limner saved (limner-cli reads the editor's library
    // folders and prior pairings: load(QStringLiteral("Limner"), QStringLiteral("Limner"))).
    static Settings load(const QString& organization, const QString& application);
    void save() const;

private:
    static Settings loadFrom(const QSettings& store);
};

} // namespace limner::app
