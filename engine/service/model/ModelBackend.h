#pragma once

#include "engine/service/InpaintBackend.h"
#include "engine/service/ModelDescription.h"
#include "engine/service/estimate/JobEstimator.h"

#include <memory>
#include <string>
#include <vector>

namespace limner::engine {

// Checks a model folder without reading its tensor data (engine/ml inspectModel) and describes
// it. A folder that would not load gives the loader's message, naming the component or tensor.
// priorFolder pairs a Kandinsky decoder with a prior pipeline kept elsewhere (empty: the folder's
// own prior, else the one its model card names, when a hub cache holds it). activationBytes,
// when given, receives the family's activation arithmetic on the pipeline built on the meta
// device (which holds no weights), for JobEstimator.
Status describeModel(const std::string& folder, const std::string& priorFolder, ModelDescription& out,
                     ModelCost::ActivationBytes* activationBytes = nullptr);

// A diffusion model folder (Kandinsky 2.2 or Stable Diffusion inpainting) as an InpaintBackend.
// The model is loaded on first use, on the device and in the dtype the request asks for, kept
// for later jobs and loaded again only when those change; while loaded it is listed in
// ResidentModels. Before each candidate, and before loading, the memory the run needs is
// estimated (JobEstimator, the estimate the generate panel shows) and a job that cannot fit is
// refused with what to change; a device out of memory fails the job with a message and leaves
// the backend usable. A job's candidates are generated as one batch when the memory allows
// (asked for the first, the backend makes them all and hands the others out as the runner asks
// for them; candidate i still uses seed + i). Finished runs record their speed (DeviceSpeeds).
//
// Requirements: as every InpaintBackend, used on the engine's worker thread only.
class ModelBackend : public InpaintBackend {
public:
    explicit ModelBackend(std::shared_ptr<const ModelCost> model);
    ~ModelBackend() override;

    std::string name() const override;
    std::string label() const override;
    BackendGeometry geometry() const override;
    int stepsPerCandidate(const InpaintRequest& request) const override;
    Status fill(const FillInput& input, StepMonitor& monitor, Image& filled) override;
    bool generative() const override { return true; }
    std::string fillWarning() const override { return m_warning; }

    // "model:" + folder: how requests name a model backend.
    static std::string nameFor(const std::string& folder);
    static std::string labelFor(const ModelDescription& description);
    // The region geometry of a model: its native size and size multiple; it takes soft masks.
    static BackendGeometry geometryFor(const ModelDescription& description);

private:
    class Loaded;
    void unload();

    std::shared_ptr<const ModelCost> m_model;
    const ModelDescription& m_description;
    std::unique_ptr<Loaded> m_loaded;
    // The rest of a batch made for candidate 0: valid while the runner asks for the next index
    // of the same job.
    std::vector<Image> m_batch;
    std::vector<std::string> m_batchWarnings; // the safety checker's, one per m_batch image
    std::string m_warning;                    // the last fill()'s
    int m_batchNext = -1;
    std::uint64_t m_batchSeed = 0;
};

} // namespace limner::engine
