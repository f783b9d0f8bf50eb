#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace limner::app {
class Document;
}

namespace limner::ui {

// The document's staging history as a strip of thumbnails, newest first: every candidate of
// every job, with its prompt, seed, model and settings in the tooltip. Any candidate can be
// accepted (again: each on its own layer), its job re-run with the same settings, or its seed
// reused for the next generation.
class StagingPanel : public QWidget {
    Q_OBJECT
public:
    explicit StagingPanel(app::Document& document, QWidget* parent = nullptr);

    int count() const; // candidates shown
    void selectCandidate(int entryId, int index);
    int selectedEntryId() const;   // -1 when none
    int selectedCandidate() const; // -1 when none

signals:
    void acceptRequested(int entryId, int candidateIndex);
    void rerunRequested(int entryId);
    void reuseSeedRequested(int entryId, int candidateIndex);

private:
    void rebuild();
    void updateButtons();

    app::Document& m_document;
    QListWidget* m_list;
    QLabel* m_details;
    QPushButton* m_accept;
    QPushButton* m_rerun;
    QPushButton* m_reuseSeed;
    QPushButton* m_remove;
};

} // namespace limner::ui
