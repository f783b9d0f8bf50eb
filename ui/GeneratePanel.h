#pragma once

#include "app/EngineClient.h"
#include "app/StylePreset.h"
#include "engine/service/InpaintRequest.h"
#include "engine/service/estimate/JobEstimate.h"

#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QSlider;
class QToolButton;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QCheckBox;
class QSpinBox;

namespace limner::ui {

// The prompt and the settings of one generation, the Generate/Cancel button and the progress.
// The backend list holds the classical fills, then the model folders the user added; with a
// model chosen the panel also shows its diffusion settings (negative prompt, steps, guidance,
// scheduler, strength, image prompt), and greys out what the model cannot take. Under the
// button one line says what the job will cost ("≈ 5.8 GiB memory · ≈ 40 s (CPU, float32)"),
// or, when it cannot fit, what to change; Generate is disabled then.
class GeneratePanel : public QWidget {
    Q_OBJECT
public:
    explicit GeneratePanel(QWidget* parent = nullptr);

    QString prompt() const;
    QString negativePrompt() const;
    void setNegativePrompt(const QString& text);
    // The styles shown as chips under the prompt (from the settings at start) and those on.
    void setStyles(const QList<app::StylePreset>& styles, const QStringList& active);
    QList<app::StylePreset> styles() const { return m_styles; }
    QList<app::StylePreset> activeStyles() const;
    void setStyleActive(const QString& name, bool on);
    // Opens the styles editor; the edited list is saved with the settings.
    void editStyles();
    QString backend() const; // engine backend name, e.g. "telea"
    void setBackend(const QString& name);
    // Lists these models after the classical fills (unusable ones are left out).
    void setModels(const QVector<app::ModelFolder>& models);
    // The chosen backend's model; nullptr for a classical fill.
    const app::ModelFolder* selectedModel() const;
    // The chosen model's run settings as the panel shows them (device and precision are not
    // the panel's: they come from Preferences ▸ Models).
    engine::DiffusionSettings diffusionSettings() const;
    void setSteps(int steps);
    void setGuidanceScale(double scale);    // < 0 = the model family's default
    void setScheduler(const QString& name); // "" = the model's own
    void setStrength(double strength);
    // Shows a job's settings again (re-run from the staging history): steps, guidance,
    // scheduler, strength and soft mask; image prompts are left as they are.
    void setDiffusionSettings(const engine::DiffusionSettings& settings);
    // Soft inpainting: the mask's levels are per-pixel strength, bent by level^curve.
    void setSoftMask(bool soft, double curve = 1.0);
    bool softMask() const;
    // The picture that steers an unCLIP model; a null image clears it.
    void setImagePrompt(const QImage& image);
    QImage imagePrompt() const { return m_imagePrompt; }
    void setImagePromptWeight(double weight);
    quint64 seed();             // draws a fresh seed first when "random" is on
    void setSeed(quint64 seed); // and turns "random" off
    int candidateCount() const;
    void setPrompt(const QString& prompt);
    void setCandidateCount(int count);

    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    void setProgress(int step, int total);
    void showMessage(const QString& text, bool isError);
    // The estimate line under Generate. problem: why the job cannot run at all (then it is
    // shown instead). An estimate that does not apply (a classical fill) hides the line.
    void setEstimate(const engine::JobEstimate& estimate, const QString& problem = {});
    QString estimateText() const;
    // "≈ 5.8 GiB memory · ≈ 40 s (CPU, float32)": the line for an estimate that fits.
    static QString estimateLine(const engine::JobEstimate& estimate);

signals:
    void generateRequested();
    void cancelRequested();
    // Something the estimate depends on changed: backend, prompt, candidates, steps, strength,
    // guidance, image prompt; or the window came back to the front (Preferences may have
    // changed the device or precision).
    void estimateInputsChanged();
    // "From Canvas" was chosen: a region to drag on the canvas, or the active layer.
    void imagePromptFromCanvasRequested(bool activeLayer);

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* createDiffusionSettings();
    void rebuildStyleChips(const QStringList& active);
    void saveStyles() const;
    void onBackendChanged();
    void chooseImagePrompt();
    void updateGenerateButton();

    QPlainTextEdit* m_prompt;
    QLineEdit* m_negative;
    QComboBox* m_backend;
    QSpinBox* m_seed;
    QCheckBox* m_randomSeed;
    QSpinBox* m_candidates;
    QPushButton* m_generate;
    QLabel* m_estimate;
    QProgressBar* m_progress;
    QLabel* m_message;
    QWidget* m_diffusion = nullptr; // shown only with a model chosen
    QSpinBox* m_steps = nullptr;
    QDoubleSpinBox* m_guidance = nullptr;
    QComboBox* m_scheduler = nullptr;
    QDoubleSpinBox* m_strength = nullptr;
    QWidget* m_styleChips = nullptr;
    QList<app::StylePreset> m_styles;
    QCheckBox* m_softMask = nullptr;
    QDoubleSpinBox* m_softCurve = nullptr;
    QWidget* m_imagePromptRow = nullptr;
    QToolButton* m_chooseImagePrompt = nullptr;
    QToolButton* m_imagePromptFromCanvas = nullptr;
    QToolButton* m_clearImagePrompt = nullptr;
    QLabel* m_imagePromptThumb = nullptr;
    QSlider* m_imagePromptWeight = nullptr;
    QLabel* m_imagePromptWeightLabel = nullptr;
    QImage m_imagePrompt;
    QVector<app::ModelFolder> m_models;
    bool m_running = false;
    QString m_refusal; // why Generate is disabled (the estimate's advice); empty when it is not
};

} // namespace limner::ui
