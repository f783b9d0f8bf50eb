// What a model job will cost before it runs (Engine::estimate, JobEstimator), the refusal of a
// job that cannot fit, and models freed when no longer in use. Runs the parity fixtures' tiny
// Stable Diffusion model and limner-mini (Kandinsky 2.2 with its prior and image tower).
#include "JobRecorder.h"
#include "TestImages.h"
#include "engine/service/BackendRegistry.h"
#include "engine/service/Engine.h"
#include "engine/service/estimate/AvailableMemory.h"
#include "engine/service/estimate/DeviceSpeeds.h"
#include "engine/service/estimate/JobEstimator.h"
#include "engine/service/estimate/ResidentModels.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

using namespace limner::engine;
using namespace limner::engine::test;

namespace {

std::string parityDir() {
    const char* env = std::getenv("LIMNER_PARITY_DIR");
    return env && *env ? env : LIMNER_RESOURCES_DIR "/../tests/data/parity";
}

std::string addModel(const std::string& folder) {
    std::string name;
    const Status added = Engine::addModel(folder, name);
    INFO(added.message());
    REQUIRE(added);
    return name;
}

std::string stableDiffusion() {
    return addModel(parityDir() + "/pipeline_sd_inpaint");
}

std::string limnerMini() {
    return addModel(LIMNER_RESOURCES_DIR "/models/limner-mini");
}

const ModelCost& costOf(const std::string& backend) {
    const BackendRegistry::Entry* entry = BackendRegistry::find(backend);
    REQUIRE(entry);
    REQUIRE(entry->cost);
    return *entry->cost;
}

InpaintRequest cpuRequest(const std::string& backend, const std::string& prompt = "a red barn") {
    InpaintRequest request;
    request.backend = backend;
    request.prompt = prompt;
    request.candidates = 1;
    request.diffusion.device = "cpu";
    request.diffusion.dtype = "float32";
    request.diffusion.steps = 2;
    request.diffusion.previewEvery = 0;
    return request;
}

// A picture with a masked square, for jobs that run.
InpaintRequest runnableRequest(const std::string& backend) {
    InpaintRequest request = cpuRequest(backend);
    request.image = chelseaPhoto();
    request.mask = rectMask(request.image.width, request.image.height, {150, 100, 60, 60});
    return request;
}

JobEstimator::Run runAt(const ModelCost& model, const InpaintRequest& request, int side,
                        int candidates) {
    RunChoice choice;
    REQUIRE(JobEstimator::chooseRun(request.diffusion, ComputeDevices{}, choice));
    return JobEstimator::runFor(model, request, choice, side, side, candidates);
}

// The memory of this process's simulated machine while it lives.
class SimulatedMemory {
public:
    explicit SimulatedMemory(std::uint64_t host) {
        AvailableMemory::setSourceForTests([host] { return MemoryAvailable{host, 0}; });
    }
    ~SimulatedMemory() { AvailableMemory::setSourceForTests({}); }
};

const JobEstimator::Machine kPlentyOfMemory{{std::uint64_t{64} << 30, 0}, {}};

// VmRSS of /proc/self/status.
long residentKib() {
    std::ifstream status("/proc/self/status");
    std::string key, rest;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kib = 0;
            status >> kib;
            return kib;
        }
        std::getline(status, rest);
    }
    return 0;
}

// For what the engine does without reporting it (tasks on its worker thread).
bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

} // namespace

TEST_CASE("a model job's memory estimate grows with the area it runs at; guidance doubles only "
          "the UNet's batch; a second candidate doubles the run",
          "[engine][estimate]") {
    for (const std::string& backend : {stableDiffusion(), limnerMini()}) {
        const ModelCost& model = costOf(backend);
        INFO(model.description.family);
        const int side = model.description.nativeSize;
        InpaintRequest request = cpuRequest(backend);
        request.diffusion.guidanceScale = 0; // unguided
        const auto activations = [&](int at, int candidates, bool guided) {
            JobEstimator::Run run = runAt(model, request, at, candidates);
            run.guided = guided;
            return JobEstimator::estimate(model, run, kPlentyOfMemory).activationBytes;
        };
        const std::uint64_t one = activations(side, 1, false);
        REQUIRE(one > 0);
        // Four times the pixels: at least four times the memory (attention grows faster).
        CHECK(activations(2 * side, 1, false) >= 4 * one);
        const std::uint64_t guided = activations(side, 1, true);
        CHECK(guided > one);
        CHECK(guided < 2 * one); // the decoder's part is not doubled
        CHECK(activations(side, 2, false) == 2 * one);

        const JobEstimate e =
            JobEstimator::estimate(model, runAt(model, request, side, 1), kPlentyOfMemory);
        CHECK(e.applies);
        CHECK(e.device == "CPU");
        CHECK(e.deviceBytes == 0);
        CHECK(e.weightBytes >= std::uint64_t(model.description.unetParameters) * 4);
        CHECK(e.hostBytes == e.modelBytes + std::max(e.weightBytes - e.modelBytes, e.activationBytes));
        CHECK(e.fits);

        // Half the bytes per weight in bfloat16.
        InpaintRequest half = request;
        half.diffusion.dtype = "bfloat16";
        const JobEstimate h =
            JobEstimator::estimate(model, runAt(model, half, side, 1), kPlentyOfMemory);
        CHECK(h.dtype == "bfloat16");
        CHECK(h.weightBytes * 2 == e.weightBytes);
        CHECK(h.activationBytes * 2 == e.activationBytes);
    }
}

TEST_CASE("a Kandinsky job with a text prompt leaves the prior's image tower out of its memory; "
          "image prompts and variations count it",
          "[engine][estimate]") {
    const std::string backend = limnerMini();
    const ModelCost& model = costOf(backend);
    REQUIRE(model.description.imageEncoderParameters > 0);
    REQUIRE(model.description.unetParameters > 0);
    const std::uint64_t tower = std::uint64_t(model.description.imageEncoderParameters) * 4;
    const int side = model.description.nativeSize;

    const InpaintRequest text = cpuRequest(backend, "a red square");
    const JobEstimate withText =
        JobEstimator::estimate(model, runAt(model, text, side, 1), kPlentyOfMemory);
    InpaintRequest variation = cpuRequest(backend, "");
    const JobEstimate withoutPrompt =
        JobEstimator::estimate(model, runAt(model, variation, side, 1), kPlentyOfMemory);
    InpaintRequest pictured = text;
    pictured.diffusion.imagePrompts.push_back({chelseaPhoto(), 0.5});
    const JobEstimate withPicture =
        JobEstimator::estimate(model, runAt(model, pictured, side, 1), kPlentyOfMemory);

    CHECK(withText.weightBytes + tower == withPicture.weightBytes);
    CHECK(withText.weightBytes + tower == withoutPrompt.weightBytes);
    CHECK(withText.modelBytes == withPicture.modelBytes); // the tower is freed after use
    CHECK(withPicture.hostBytes >= withText.hostBytes);
    // The whole-request path agrees.
    JobEstimate viaEngine;
    REQUIRE(Engine::estimate(text, viaEngine));
    CHECK(viaEngine.weightBytes == withText.weightBytes);
    CHECK(viaEngine.width == side);
}

TEST_CASE("a job that cannot fit the free memory is refused before it loads, saying what it "
          "needs, what is free and what to change",
          "[engine][estimate]") {
    const std::string backend = stableDiffusion();
    InpaintRequest request = runnableRequest(backend);
    JobEstimate needed;
    REQUIRE(Engine::estimate(request, needed));
    REQUIRE(needed.fits);

    // Less than the job needs in float32, more than it needs in bfloat16.
    const std::uint64_t free = needed.hostBytes * 3 / 4;
    const SimulatedMemory simulated(free);
    JobEstimate refused;
    REQUIRE(Engine::estimate(request, refused));
    CHECK_FALSE(refused.fits);
    const std::string& advice = refused.advice;
    INFO(advice);
    CHECK(advice.find("needs about " + JobEstimator::bytesText(needed.hostBytes)) != std::string::npos);
    CHECK(advice.find(JobEstimator::bytesText(free) + " are free") != std::string::npos);
    InpaintRequest half = request;
    half.diffusion.dtype = "bfloat16";
    JobEstimate inHalf;
    REQUIRE(Engine::estimate(half, inHalf));
    CHECK(inHalf.fits);
    CHECK(advice.find("choose bfloat16 in Preferences ▸ Models (about " +
                      JobEstimator::bytesText(inHalf.hostBytes) + ")") != std::string::npos);
    CHECK(advice.find("close other programs") != std::string::npos);

    // The engine refuses it with the same words, and loads nothing.
    const int loadedBefore = Engine::loadedModelCount();
    Status status;
    runToEnd(request, status);
    CHECK(status.code() == Status::Code::OutOfMemory);
    CHECK(status.message().find("needs about " + JobEstimator::bytesText(needed.hostBytes)) !=
          std::string::npos);
    CHECK(Engine::loadedModelCount() == loadedBefore);
}

TEST_CASE("candidates run as one batch when it fits and one at a time when it does not",
          "[engine][estimate]") {
    const std::string backend = stableDiffusion();
    InpaintRequest request = runnableRequest(backend);
    request.candidates = 4;
    JobEstimate roomy;
    REQUIRE(Engine::estimate(request, roomy));
    CHECK(roomy.batch == 4);

    // Room for one candidate's run but not for a batch of four.
    const SimulatedMemory simulated(roomy.modelBytes + roomy.activationBytes / 2);
    JobEstimate tight;
    REQUIRE(Engine::estimate(request, tight));
    CHECK(tight.batch == 1);
    CHECK(tight.fits);
    CHECK(tight.activationBytes * 4 == roomy.activationBytes);
}

TEST_CASE("the time estimate is a first guess from the device's matrix-multiply rate until a job "
          "has run, then measured",
          "[engine][estimate]") {
    DeviceSpeeds::clear();
    const std::string backend = stableDiffusion();
    InpaintRequest request = runnableRequest(backend);
    JobEstimate unknown;
    REQUIRE(Engine::estimate(request, unknown));
    CHECK_FALSE(unknown.secondsKnown);

    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    std::atomic<bool> probed{false};
    engine.probeSpeed(request.diffusion, [&] { probed = true; });
    REQUIRE(eventually([&] { return probed.load(); }));
    CHECK(DeviceSpeeds::get(DeviceSpeeds::gemmKey("cpu/float32")) > 0);
    JobEstimate guessed;
    REQUIRE(Engine::estimate(request, guessed));
    CHECK(guessed.secondsKnown);
    CHECK(guessed.firstGuess);
    CHECK(guessed.seconds > 0);

    const JobId id = engine.submit(request);
    REQUIRE(recorder.waitForEnd({id}, std::chrono::seconds(120)));
    INFO(recorder.failure(id).message());
    REQUIRE(recorder.finishedCount(id) == 1);
    JobEstimate measured;
    REQUIRE(Engine::estimate(request, measured));
    CHECK(measured.secondsKnown);
    CHECK_FALSE(measured.firstGuess);
    CHECK(Engine::speedRecords().count(DeviceSpeeds::modelStepKey("cpu/float32", backend)) == 1);
}

TEST_CASE("a loaded model stays for classical fills, is freed by switching to another model and "
          "by release(), which gives its memory back to the system",
          "[engine][estimate]") {
    const std::string sd = stableDiffusion();
    const std::string mini = limnerMini();
    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    const auto run = [&](const InpaintRequest& request) {
        const JobId id = engine.submit(request);
        REQUIRE(recorder.waitForEnd({id}, std::chrono::seconds(120)));
        INFO(recorder.failure(id).message());
        REQUIRE(recorder.finishedCount(id) == 1);
    };
    const auto loaded = [](const std::string& backend) {
        for (const ResidentModels::Model& m : ResidentModels::all())
            if (m.backend == backend)
                return true;
        return false;
    };

    run(runnableRequest(sd));
    CHECK(Engine::loadedModelCount() == 1);
    CHECK(loaded(sd));

    InpaintRequest classical = runnableRequest("telea");
    run(classical);
    CHECK(loaded(sd)); // switching back and forth to a fill is the common case

    run(runnableRequest(mini));
    CHECK(Engine::loadedModelCount() == 1);
    CHECK(loaded(mini));

    // Released, its weights go back to the system (limner-mini's are 22 MiB in float32).
    JobEstimate mini32;
    REQUIRE(Engine::estimate(runnableRequest(mini), mini32));
    const long before = residentKib();
    engine.release(mini);
    CHECK(eventually([] { return Engine::loadedModelCount() == 0; }));
    CHECK(eventually([&] { return residentKib() < before - long(mini32.modelBytes / 1024 / 2); }));
}

TEST_CASE("precision Auto is bfloat16 on a CPU that computes it natively, float32 on one that "
          "does not, float16 on a GPU; a chosen precision is kept",
          "[engine][estimate]") {
    DiffusionSettings settings;
    settings.device = "auto";
    settings.dtype = "auto";
    const auto choose = [&](bool cuda, bool cpuBfloat16) {
        ComputeDevices devices;
        devices.cuda = cuda;
        devices.cpuBfloat16 = cpuBfloat16;
        RunChoice choice;
        REQUIRE(JobEstimator::chooseRun(settings, devices, choice));
        return choice.device + "/" + choice.dtype;
    };
    CHECK(choose(false, true) == "cpu/bfloat16");
    CHECK(choose(false, false) == "cpu/float32");
    CHECK(choose(true, true) == "cuda/float16");
    settings.device = "cpu";
    CHECK(choose(true, true) == "cpu/bfloat16");
    settings.dtype = "float32";
    CHECK(choose(false, true) == "cpu/float32");
}
