#pragma once

#include "engine/core/Status.h"
#include "engine/service/InpaintRequest.h"
#include "engine/service/ModelDescription.h"
#include "engine/service/estimate/AvailableMemory.h"
#include "engine/service/estimate/JobEstimate.h"
#include "engine/service/estimate/ResidentModels.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace limner::engine {

// Where and in what a model job runs: "cpu" or "cuda", "float32", "float16" or "bfloat16".
struct RunChoice {
    std::string device = "cpu";
    std::string dtype = "float32";

    std::string key() const { return device + "/" + dtype; } // DeviceSpeeds' and ResidentModels'
    int elementSize() const { return dtype == "float32" ? 4 : 2; }
    bool onGpu() const { return device == "cuda"; }
};

// What this computer computes on: whether libtorch sees a CUDA device, and whether the CPU
// computes bfloat16 natively (AVX-512 BF16 or AMX; DeviceProbe::devices()).
struct ComputeDevices {
    bool cuda = false;
    bool cpuBfloat16 = false;
};

// What a model costs to run, known when its folder is added, without loading it: its
// description (parameters by role) and its family's activation arithmetic.
struct ModelCost {
    // Peak bytes of a run's activations at height × width pixels in dtype, weights excluded
    // (InpaintPipeline::estimateRunBytes on the pipeline built on the meta device).
    using ActivationBytes = std::function<std::uint64_t(int height, int width, int candidates,
                                                        bool guided, const std::string& dtype)>;
    std::string backend; // "model:" + folder
    ModelDescription description;
    ActivationBytes activationBytes;
};

// The memory and time of a model job, from the model's size and the device's measured speed.
// One arithmetic for the generate panel's line (Engine::estimate, on the GUI thread) and for the
// refusal before a job starts (Engine's worker and ModelBackend), so the two cannot disagree.
//
// Memory. weights = parameters of the components the job reads × the dtype's size; Kandinsky's
//   CLIP image tower is read only for image prompts and variations (an empty prompt), and is
//   freed before the decoder runs, so it adds max(tower, decoder run) rather than both.
//   activations = the family's estimateRunBytes at the size the model runs at, for the batch.
//   On the CPU all of it is the computer's memory; on a GPU it is the GPU's, and the computer
//   holds the largest component while it is read. Memory that loaded models hold counts as free:
//   a model job frees every other model, and its own weights are among those it needs.
// Batch. The candidates run as one batch when its activations take at most half of the memory
//   left after the weights, else one at a time (which needs no more than one candidate does).
// Time. seconds = steps × megapixels × billions of UNet parameters × batch rows (candidates,
//   doubled by guidance) × regions × s, where s (seconds per step per megapixel per billion
//   parameters per row) is measured from this model's finished jobs on this device and dtype,
//   else from large models' jobs there, else a first guess from the device's matrix-multiply
//   rate R: s = 0.2 × 10⁹ × (10⁶ / 64) / (R × 0.3) — a UNet step costs about 0.2 FLOP per
//   parameter per latent pixel (diffusers' SD 1.5 UNet: 0.86 B parameters, 64×64 latents,
//   about 0.7 TFLOP), a latent pixel is 8×8 picture pixels, and a UNet reaches about 0.3 of a
//   plain matrix product's rate (0.25–0.36 measured on the CPU). Measured seconds outside the
//   loop (text, prior, decoder) per candidate, and the model's loading when it is not loaded
//   yet, are added when known.
class JobEstimator {
public:
    // The memory and speeds of this computer now.
    struct Machine {
        MemoryAvailable available;
        std::vector<ResidentModels::Model> resident;
        static Machine now() { return {AvailableMemory::now(), ResidentModels::all()}; }
    };

    // What one run of the model does.
    struct Run {
        RunChoice choice;
        int width = 0; // the size the model runs at
        int height = 0;
        int candidates = 1;
        bool guided = true;
        bool readsImageTower = false;
        int steps = 1;   // denoising steps per candidate
        int regions = 1; // frames of an outpaint plan, each a run of its own
    };

    // The device and dtype that settings ask for ("auto": CUDA when there is one; float16 on
    // it; on the CPU bfloat16 where it computes bfloat16 natively, float32 elsewhere). Unknown
    // names, CUDA without one and float16 on the CPU fail with a message saying what to choose.
    static Status chooseRun(const DiffusionSettings& settings, const ComputeDevices& devices,
                            RunChoice& out);
    // Classifier-free guidance of a job: the request's, else the family's default (7.5 for
    // Stable Diffusion; 4 for Kandinsky, 1.5 when it has neither prompt nor image prompt).
    static double guidanceScale(const std::string& family, const InpaintRequest& request);
    // Denoising steps per candidate: steps × strength (at least 1).
    static int denoiseSteps(const DiffusionSettings& settings);
    // The run a request makes at width × height, with `candidates` of them at once.
    static Run runFor(const ModelCost& model, const InpaintRequest& request, const RunChoice& choice,
                      int width, int height, int candidates);

    static JobEstimate estimate(const ModelCost& model, const Run& run, const Machine& machine);

    // Records a finished run's seconds: the denoising loop's and the rest's (DeviceSpeeds).
    static void recordRun(const ModelCost& model, const Run& run, double denoiseSeconds,
                          double otherSeconds);
    // Records the seconds a model took to load.
    static void recordLoad(const ModelCost& model, const RunChoice& choice, double seconds);
    // The first-guess seconds per unit from a matrix-multiply rate (FLOP/s); 0 when unknown.
    static double secondsPerUnitFromGemm(double flopsPerSecond);
    // Bytes as people read them: "640 KiB", "3.2 MiB", "850 MiB", "5.8 GiB", "12 GiB".
    static std::string bytesText(std::uint64_t bytes);
};

} // namespace limner::engine
