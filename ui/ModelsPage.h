#pragma once

#include "app/library/LibraryEntry.h"
#include "app/library/LibraryRoots.h"

#include <QString>
#include <QVector>
#include <QWidget>

class QComboBox;
class QDialog;
class QLabel;
class QPushButton;
class QThread;
class QTreeWidget;

namespace limner::app {
class EngineClient;
}

namespace limner::ui {

// Preferences ▸ Models. Above, the model library: every model Limner can see where people keep
// them (the Hugging Face cache, ComfyUI, A1111/Forge, folders the user added), with family,
// parameters, stored precision, size, where it lives and "ready" or what is missing; Use puts
// a ready one in the generate panel, Choose prior… pairs a Kandinsky decoder with its prior
// (remembered), Rescan, Add folder…, Add ComfyUI/A1111 folder…, Download…. Below, the models in
// the generate panel (family, parameters, precision, size, or why a folder no longer loads),
// Add… / Remove, and where and in which precision models run. Every change is saved in the
// settings at once.
//
// The library is scanned on a worker thread (headers only; libraryScanned() when done), when
// the page opens and on every change of its folders or pairings.
// Requirements: GUI thread; the client outlives the page.
class ModelsPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelsPage(app::EngineClient& client, QWidget* parent = nullptr);
    ~ModelsPage() override;

    // Checks and adds a folder; on failure shows the engine's message and adds nothing.
    bool addFolder(const QString& folder);
    void removeSelected();
    QString message() const;

    // The library as last scanned, in the order listed.
    const QVector<app::LibraryEntry>& libraryEntries() const { return m_entries; }
    // Scans the library again (at once, or after the scan under way).
    void rescan();
    bool isScanning() const { return m_scanThread != nullptr; }
    // Puts a ready library entry (by its name) in the generate panel, with its prior.
    bool use(const QString& name);
    // Pairs the Kandinsky decoder called name with the prior pipeline in priorFolder and
    // remembers it; refuses a folder that holds no prior pipeline. Rescans.
    bool choosePrior(const QString& name, const QString& priorFolder);
    // Adds a folder the library watches (a model, or a folder of models). Rescans.
    bool addLibraryFolder(const QString& folder);
    // Adds a ComfyUI or A1111/Forge install; refuses a folder that is neither. Rescans.
    bool addInstall(const QString& folder);

    // "1.2 B", "3.4 M", "870 K".
    static QString formatParameters(qint64 parameters);

signals:
    void libraryScanned();
    // Download… was clicked; the downloader opens beside the page (and rescans when done).
    void downloadRequested();

public:
    // The downloader window (a DownloadPanel): what Download… opens. Created on first use.
    QDialog* openDownloader();

private:
    void buildLibraryList();
    bool useEntry(const app::LibraryEntry& entry);
    bool pairWithPrior(const app::LibraryEntry& decoder, const QString& priorFolder);
    void showLibrary(qint64 milliseconds);
    const app::LibraryEntry* selectedEntry() const;
    void updateLibraryButtons();
    void addWithDialog();
    void refreshList();
    void saveFolders() const;
    void saveRunSettings() const;
    void showMessage(const QString& text, bool isError);

    app::EngineClient& m_client;
    QTreeWidget* m_library;
    QPushButton* m_use;
    QPushButton* m_choosePrior;
    QPushButton* m_rescan;
    QPushButton* m_addLibraryFolder;
    QPushButton* m_addInstall;
    QPushButton* m_download;
    QLabel* m_location; // where the selected model lives
    QLabel* m_libraryNote;
    QTreeWidget* m_list;
    QPushButton* m_add;
    QPushButton* m_remove;
    QComboBox* m_device;
    QComboBox* m_dtype;
    QLabel* m_note;
    QLabel* m_message;
    QVector<app::LibraryEntry> m_entries;
    app::LibraryRoots m_scannedRoots;
    QThread* m_scanThread = nullptr;
    bool m_rescanPending = false;
    QDialog* m_downloader = nullptr;
};

} // namespace limner::ui
