#pragma once

#include <QWidget>

class QCheckBox;
class QSpinBox;

namespace limner::ui {

// Preferences ▸ Projects: how often unsaved work is autosaved (in minutes, 0 = off), and whether
// exported PNGs carry the prompt, seed and model as a "parameters" text chunk (off by default:
// prompts can be private). Every change is saved in the settings at once and announced, so the
// window applies it without a restart.
//
// Requirements: GUI thread.
class ProjectsPage : public QWidget {
    Q_OBJECT
public:
    explicit ProjectsPage(QWidget* parent = nullptr);

    static constexpr int kMaxAutosaveMinutes = 60; // Settings keeps at most an hour

signals:
    void autosaveIntervalChanged(int seconds); // 0 = off
    void exportGenerationParametersChanged(bool enabled);

private:
    void saveAutosaveInterval(int minutes);
    void saveExportGenerationParameters(bool enabled);

    QSpinBox* m_autosaveMinutes;
    QCheckBox* m_exportParameters;
};

} // namespace limner::ui
