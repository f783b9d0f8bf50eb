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
    // The seam check's verdict per candidate, shown under its thumbnail ("seam ✓" / "seam
    // visible") with the reason as tooltip; an empty list hides the seam controls.
    struct SeamVerdict {
        bool visible = false;
        QString reason;
    };
    void setSeamVerdicts(const QVector<SeamVerdict>& verdicts);
    bool showsSeamMap() const;
    void clear();
    int count() const;
    int currentIndex() const;
    void setCurrentIndex(int index);

signals:
    void previewRequested(int index); // -1: no preview
    void acceptRequested(int index);
    void discardRequested();
    void seamMapToggled(bool on); // show the seam heatmap of the selected candidate
    void fixSeamRequested(int index);

private:
    void updateButtons();

    QListWidget* m_list;
    QPushButton* m_accept;
    QPushButton* m_discard;
    QPushButton* m_seamMap;
    QPushButton* m_fixSeam;
    QVector<SeamVerdict> m_verdicts;
};

} // namespace limner::ui
