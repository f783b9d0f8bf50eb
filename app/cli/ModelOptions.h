#pragma once

#include "app/policy/ContentPolicy.h"
#include "app/project/ImageExporter.h"
#include "engine/service/InpaintRequest.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <vector>

namespace limner::cli {

// What a run with a diffusion model folder takes besides the prompt and seed, as given on the
// command line. Shared by `inpaint` and `outpaint`.
struct ModelArguments {
    // A diffusers-layout folder, a model file, a repo id in the hub cache or a library name
    // (limner-cli models list); empty = a classical --backend.
    QString modelPath;
    QString negativePrompt;
    struct Reference {
        QString path;
        double weight = 1.0;
    };
    std::vector<Reference> imagePrompts;
    engine::DiffusionSettings settings;
    int candidates = 1;
    // --policy (default: the editor's Preferences ▸ Safety) and --confirm.
    app::ContentPolicy policy;
    bool confirmRisk = false;

    // Exit codes of a job the content policy stopped.
    static constexpr int kExitRefused = 3;      // refused at this level
    static constexpr int kExitNeedsConfirm = 4; // Standard: a warning that --confirm accepts

    // Asks the content policy about a model job (GenerationGuard: prompt rules, faces the mask
    // touches). Empty to go on (request.consentNote set where --confirm accepted a warning),
    // else the one-line message, with *exitCode kExitRefused or kExitNeedsConfirm.
    QString checkPolicy(engine::InpaintRequest& request, int* exitCode) const;

    // Adds the model to the engine (checked without reading its weights: a bad folder gives the
    // loader's message), loads the image prompts and fills the request's backend and settings.
    // Returns an empty string on success, else the one-line message to print.
    QString applyTo(engine::InpaintRequest& request) const;
    // The backend name --model resolves to, after a successful check; empty on failure.
    QString addModel(QString* error) const;
};

// The command-line options of ModelArguments.
class ModelOptions {
public:
    void addTo(QCommandLineParser& parser);
    // Empty on success, else the usage error to print. Without --model, out.modelPath is
    // defaultModel (eval-mini: the bundled model), and the model options apply to it.
    QString read(const QCommandLineParser& parser, ModelArguments& out,
                 const QString& defaultModel = QString()) const;

    QCommandLineOption model{
        QStringLiteral("model"),
        QStringLiteral("A diffusion model instead of --backend (Kandinsky 2.2 or Stable Diffusion "
                       "inpainting): a folder in the diffusers layout, a model file, a repo id "
                       "(ORG/NAME) in the Hugging Face cache, or a name limner-cli models list "
                       "shows."),
        QStringLiteral("model")};
    QCommandLineOption negative{QStringLiteral("negative"),
                                QStringLiteral("Model: what should not be there."),
                                QStringLiteral("text")};
    QCommandLineOption imagePrompt{
        QStringLiteral("image-prompt"),
        QStringLiteral("Model (unCLIP): a reference picture whose look steers the result, with an "
                       "optional weight (ref.png:0.5); may be given several times."),
        QStringLiteral("file[:weight]")};
    QCommandLineOption steps{QStringLiteral("steps"),
                             QStringLiteral("Model: denoising steps (default 30)."),
                             QStringLiteral("N")};
    QCommandLineOption guidance{
        QStringLiteral("guidance"),
        QStringLiteral("Model: guidance scale (default 4 for Kandinsky, 7.5 for Stable Diffusion)."),
        QStringLiteral("G")};
    QCommandLineOption scheduler{
        QStringLiteral("scheduler"),
        QStringLiteral("Model: ddpm, ddim, pndm, euler, euler-ancestral, dpm++2m, dpm++2m-karras or "
                       "unipc (default: the model's own)."),
        QStringLiteral("name")};
    QCommandLineOption strength{
        QStringLiteral("strength"),
        QStringLiteral("Model: 1 replaces the masked pixels, lower values keep more of them."),
        QStringLiteral("S")};
    QCommandLineOption soft{
        QStringLiteral("soft"),
        QStringLiteral("Model: soft inpainting: the mask's gray levels are per-pixel strength "
                       "(white changes fully, 50% gray about half, black not at all); without it "
                       "the mask is made black and white.")};
    QCommandLineOption softCurve{
        QStringLiteral("soft-curve"),
        QStringLiteral("Model, with --soft: the strength curve, level^G (default 1; below 1 "
                       "strengthens light grays, above 1 weakens them)."),
        QStringLiteral("G")};
    QCommandLineOption candidates{
        QStringLiteral("candidates"),
        QStringLiteral("Model: how many results (default 1); several are written as "
                       "name-1.png, name-2.png, …"),
        QStringLiteral("N")};
    QCommandLineOption device{QStringLiteral("device"),
                              QStringLiteral("Model: auto, cpu or cuda (default auto)."),
                              QStringLiteral("name")};
    QCommandLineOption policy{
        QStringLiteral("policy"),
        QStringLiteral("Model: the content policy, off, standard or strict (default: the editor's, "
                       "Preferences ▸ Safety). Refused jobs exit with 3; warnings in standard exit "
                       "with 4 unless --confirm is given."),
        QStringLiteral("level")};
    QCommandLineOption confirm{
        QStringLiteral("confirm"),
        QStringLiteral("Model: go on after a content-policy warning (standard); the answer is "
                       "recorded with the generated layer.")};
    QCommandLineOption dtype{
        QStringLiteral("dtype"),
        QStringLiteral("Model: auto, float32, float16 or bfloat16 (default auto: float16 on a GPU, "
                       "float32 on the CPU)."),
        QStringLiteral("type")};
};

// How limner-cli exports: quality as given, the watermark and the Content Credentials signer as
// the editor's Preferences ▸ Safety has them.
app::ImageExporter::Options exportOptions(int quality);

// out.png for one candidate; out-1.png, out-2.png, … for several.
QString candidateOutputPath(const QString& outputPath, int index, int count);

} // namespace limner::cli
