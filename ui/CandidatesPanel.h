#pragma once

#include <QImage>
#include <QVector>
#include <QWidget>

class QListWidget;
class QPushButton;

namespace limner::ui {

// Thumbnails of the candidates of the last job. Clicking one previews it on the canvas;
// Accept turns the selected one into a layer; Discard drops them all.
class CandidatesPanel : public QWidget {
    Q_OBJECT
public:
    explicit CandidatesPanel(QWidget* parent = nullptr);

    void setCandidates(const QVector<QImage>& images);
    void clear();
    int count() const;
    int currentIndex() const;
    void setCurrentIndex(int index);

signals:
    void previewRequested(int index); // -1: no preview
    void acceptRequested(int index);
    void discardRequested();

private:
    void updateButtons();

    QListWidget* m_list;
    QPushButton* m_accept;
    QPushButton* m_discard;
};

} // namespace limner::ui
