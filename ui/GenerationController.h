#pragma once

#include "engine/service/InpaintRequest.h"

#include <QImage>
#include <QObject>
#include <QVector>
#include <optional>

namespace limner::app {
class Document;
class EngineClient;
} // namespace limner::app

namespace limner::ui {

class CandidatesPanel;
class CanvasView;
class GeneratePanel;

// Runs the generate → candidates → accept loop between the panels, the canvas and the engine.
// One job at a time; the Generate button becomes Cancel while it runs.
class GenerationController : public QObject {
    Q_OBJECT
public:
    GenerationController(app::Document& document, app::EngineClient& client, GeneratePanel& panel,
                         CandidatesPanel& candidates, CanvasView& canvas, QObject* parent = nullptr);

    bool isRunning() const { return m_jobId != 0; }
    int candidateCount() const { return m_candidateImages.size(); }

public slots:
    void generate();
    void cancel();
    void accept(int index);
    void discard();

signals:
    void statusMessage(const QString& text);
    void jobStarted();
    void jobEnded(); // finished, failed or cancelled; candidates (if any) are shown

private:
    void onProgressed(quint64 jobId, int step, int total);
    void onFinished(quint64 jobId, const limner::engine::InpaintResult& result);
    void onFailed(quint64 jobId, const QString& message);
    void preview(int index);
    void endJob();

    app::Document& m_document;
    app::EngineClient& m_client;
    GeneratePanel& m_panel;
    CandidatesPanel& m_candidates;
    CanvasView& m_canvas;
    quint64 m_jobId = 0;
    std::optional<engine::InpaintResult> m_result;
    QVector<QImage> m_candidateImages;
};

} // namespace limner::ui
