#pragma once

#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace limner::app {
class EngineClient;
}

namespace limner::ui {

// Preferences ▸ Models: the diffusion model folders the user added (family, parameters, stored
// precision, size on disk, or why a folder no longer loads), Add… / Remove, and where and in
// which precision models run. Every change is saved in the settings at once.
//
// Requirements: GUI thread; the client outlives the page.
class ModelsPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelsPage(app::EngineClient& client, QWidget* parent = nullptr);

    // Checks and adds a folder; on failure shows the engine's message and adds nothing.
    bool addFolder(const QString& folder);
    void removeSelected();
    QString message() const;

    // "1.2 B", "3.4 M", "870 K".
    static QString formatParameters(qint64 parameters);

private:
    void addWithDialog();
    void refreshList();
    void saveFolders() const;
    void saveRunSettings() const;
    void showMessage(const QString& text, bool isError);

    app::EngineClient& m_client;
    QTreeWidget* m_list;
    QPushButton* m_add;
    QPushButton* m_remove;
    QComboBox* m_device;
    QComboBox* m_dtype;
    QLabel* m_note;
    QLabel* m_message;
};

} // namespace limner::ui
