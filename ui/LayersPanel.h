#pragma once

#include <QWidget>

class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSlider;
class QTimer;

namespace limner::app {
class Document;
}

namespace limner::ui {

// The layer stack, top layer first: thumbnail, name (double-click to rename), visibility
// checkbox, drag to reorder; opacity of the active layer; duplicate, delete and merge down.
// Every change goes through the document, so each is one undo step.
class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(app::Document& document, QWidget* parent = nullptr);

    void duplicateActive();
    void deleteActive();
    void mergeActiveDown();

private:
    void rebuild();
    void refreshThumbnails();
    void onItemChanged(QListWidgetItem* item);
    void onRowsMoved(int sourceRow, int destinationRow);
    void syncControls();
    int rowToIndex(int row) const; // list rows run top to bottom, layer indices bottom to top

    app::Document& m_document;
    QListWidget* m_list;
    QSlider* m_opacity;
    QPushButton* m_duplicate;
    QPushButton* m_delete;
    QPushButton* m_mergeDown;
    QTimer* m_thumbnailTimer;
    bool m_rebuilding = false;
};

} // namespace limner::ui
