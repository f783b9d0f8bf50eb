#pragma once

#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QCheckBox;
class QSpinBox;

namespace limner::ui {

// The prompt and the settings of one generation, the Generate/Cancel button and the progress.
class GeneratePanel : public QWidget {
    Q_OBJECT
public:
    explicit GeneratePanel(QWidget* parent = nullptr);

    QString prompt() const;
    QString negativePrompt() const;
    QString backend() const; // engine backend name, e.g. "telea"
    void setBackend(const QString& name);
    quint64 seed();             // draws a fresh seed first when "random" is on
    void setSeed(quint64 seed); // and turns "random" off
    int candidateCount() const;
    void setPrompt(const QString& prompt);
    void setCandidateCount(int count);

    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    void setProgress(int step, int total);
    void showMessage(const QString& text, bool isError);

signals:
    void generateRequested();
    void cancelRequested();

private:
    QPlainTextEdit* m_prompt;
    QLineEdit* m_negative;
    QComboBox* m_backend;
    QSpinBox* m_seed;
    QCheckBox* m_randomSeed;
    QSpinBox* m_candidates;
    QPushButton* m_generate;
    QProgressBar* m_progress;
    QLabel* m_message;
    bool m_running = false;
};

} // namespace limner::ui
