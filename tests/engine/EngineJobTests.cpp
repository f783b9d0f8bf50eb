#include "JobRecorder.h"
#include "TestImages.h"

#include <atomic>
#include <future>
#include <thread>

using namespace limner::engine;
using namespace limner::engine::test;
using namespace std::chrono_literals;

namespace {

InpaintRequest quickRequest() {
    InpaintRequest request;
    request.image = chelseaPhoto();
    request.mask = discMask(request.image.width, request.image.height, 200, 150, 20);
    request.candidates = 1;
    return request;
}

// Several candidates over a large area with wide Telea radii: long enough to cancel mid-way
// (several seconds if it ran to the end).
InpaintRequest slowRequest() {
    InpaintRequest request;
    request.image = astronautPhoto();
    request.mask = discMask(512, 512, 256, 256, 110);
    request.candidates = 8;
    return request;
}

int eventIndex(const std::vector<JobRecorder::Event>& events, JobId id, JobRecorder::Event::Kind kind) {
    for (std::size_t i = 0; i < events.size(); ++i)
        if (events[i].id == id && events[i].kind == kind)
            return static_cast<int>(i);
    return -1;
}

// A few hundred milliseconds, with steps left after a cancel issued right after submit.
InpaintRequest mediumRequest() {
    InpaintRequest request;
    request.image = astronautPhoto();
    request.mask = discMask(512, 512, 256, 256, 50);
    request.candidates = 4;
    return request;
}

} // namespace

TEST_CASE("a job reports monotonic progress up to its total and its result exactly once", "[engine]") {
    JobRecorder recorder;
    InpaintRequest request = quickRequest();
    request.candidates = 3;
    request.seed = 40;
    request.prompt = "grass";
    request.targetLayerId = 7;
    request.documentRevision = 12;
    JobId id = 0;
    {
        Engine engine(recorder.callbacks());
        id = engine.submit(request);
        REQUIRE(recorder.waitForEnd({id}));
        std::this_thread::sleep_for(50ms); // anything reported twice would arrive now
    }
    CHECK(recorder.finishedCount(id) == 1);
    CHECK(recorder.failedCount(id) == 0);

    const auto progress = recorder.progressOf(id);
    REQUIRE(!progress.empty());
    const int total = progress.front().total;
    CHECK(total == 1 + 3 * 2); // plan, then fill and blend per candidate
    for (std::size_t i = 1; i < progress.size(); ++i) {
        CHECK(progress[i].total == total);
        CHECK(progress[i].step >= progress[i - 1].step);
    }
    CHECK(progress.back().step == total);

    const InpaintResult result = recorder.result(id);
    REQUIRE(result.candidates.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(result.candidates[i].seed == 40 + i);
        CHECK(result.candidates[i].layer.width == result.region.width);
        CHECK(result.candidates[i].layer.height == result.region.height);
        CHECK(result.candidates[i].layer.channels == 4);
    }
    CHECK(result.backend == "telea");
    CHECK(result.prompt == "grass");
    CHECK(result.targetLayerId == 7);
    CHECK(result.documentRevision == 12);
    CHECK(result.region.contains(200, 150));
}

TEST_CASE("submit returns at once and jobs run one at a time in submission order", "[engine]") {
    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    const InpaintRequest request = quickRequest();
    std::vector<JobId> ids;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 4; ++i)
        ids.push_back(engine.submit(request));
    CHECK(std::chrono::steady_clock::now() - start < 100ms); // far less than running even one job
    REQUIRE(recorder.waitForEnd(ids));

    const auto events = recorder.events();
    // Every event of job k comes before any event of job k + 1.
    std::vector<JobId> order;
    for (const auto& e : events)
        if (order.empty() || order.back() != e.id)
            order.push_back(e.id);
    CHECK(order == ids);
    for (JobId id : ids)
        CHECK(recorder.finishedCount(id) == 1);
}

TEST_CASE("cancelling a running job stops it within one step", "[engine]") {
    JobRecorder recorder;
    std::atomic<int> stepAtCancel{-1};
    Engine engine(recorder.callbacks());
    std::atomic<JobId> slowId{0};
    recorder.onProgress = [&](JobId id, const JobProgress& progress) {
        // Cancel from the worker thread right after the first candidate's fill.
        if (id == slowId && progress.step == 2 && stepAtCancel < 0) {
            stepAtCancel = progress.step;
            engine.cancel(id);
        }
    };
    slowId = engine.submit(slowRequest());
    REQUIRE(recorder.waitForEnd({slowId}));
    CHECK(stepAtCancel == 2);
    CHECK(recorder.failure(slowId).code() == Status::Code::Cancelled);
    CHECK(recorder.finishedCount(slowId) == 0);
    const auto progress = recorder.progressOf(slowId);
    REQUIRE(!progress.empty());
    CHECK(progress.back().step <= 2 + 1);

    SECTION("also when cancelled from another thread") {
        const JobId id = engine.submit(slowRequest());
        REQUIRE(recorder.waitUntil([&] { return !recorder.progressOf(id).empty(); }));
        engine.cancel(id);
        const int stepWhenCancelled = recorder.progressOf(id).back().step;
        REQUIRE(recorder.waitForEnd({id}));
        CHECK(recorder.failure(id).code() == Status::Code::Cancelled);
        CHECK(recorder.progressOf(id).back().step <= stepWhenCancelled + 1);
        CHECK(recorder.progressOf(id).back().step < progress.front().total);
    }
}

TEST_CASE("a cancelled queued job is reported cancelled without running", "[engine]") {
    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    const JobId running = engine.submit(mediumRequest());
    const JobId queued = engine.submit(quickRequest());
    const JobId after = engine.submit(quickRequest());
    engine.cancel(queued);
    REQUIRE(recorder.waitForEnd({running, queued, after}));
    CHECK(recorder.failure(queued).code() == Status::Code::Cancelled);
    CHECK(recorder.failedCount(queued) == 1);
    CHECK(recorder.finishedCount(queued) == 0);
    CHECK(recorder.progressOf(queued).empty());
    CHECK(recorder.finishedCount(running) == 1);
    CHECK(recorder.finishedCount(after) == 1);
    // Reported promptly, not after the running job.
    const auto events = recorder.events();
    CHECK(eventIndex(events, queued, JobRecorder::Event::Kind::Failed) <
          eventIndex(events, running, JobRecorder::Event::Kind::Finished));
}

TEST_CASE("cancelAll ends the running job and everything queued", "[engine]") {
    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    std::vector<JobId> ids{engine.submit(slowRequest()), engine.submit(slowRequest()),
                           engine.submit(quickRequest())};
    REQUIRE(recorder.waitUntil([&] { return !recorder.progressOf(ids[0]).empty(); }));
    engine.cancelAll();
    REQUIRE(recorder.waitForEnd(ids));
    for (JobId id : ids) {
        CHECK(recorder.failure(id).code() == Status::Code::Cancelled);
        CHECK(recorder.finishedCount(id) == 0);
    }
    const JobId later = engine.submit(quickRequest());
    REQUIRE(recorder.waitForEnd({later}));
    CHECK(recorder.finishedCount(later) == 1);
}

TEST_CASE("destroying the engine with jobs queued neither hangs nor crashes", "[engine]") {
    JobRecorder recorder;
    std::promise<void> destroyed;
    auto done = destroyed.get_future();
    std::thread owner([&] {
        {
            Engine engine(recorder.callbacks());
            for (int i = 0; i < 6; ++i)
                engine.submit(slowRequest());
            recorder.waitUntil([&] { return !recorder.events().empty(); }, 5s);
        }
        destroyed.set_value();
    });
    const bool finishedInTime = done.wait_for(10s) == std::future_status::ready;
    if (!finishedInTime)
        owner.detach(); // let the test report the hang instead of hanging itself
    else
        owner.join();
    REQUIRE(finishedInTime);
    // The running job ended as cancelled; the queued ones were dropped.
    const auto events = recorder.events();
    int ends = 0;
    for (const auto& e : events)
        ends += e.kind != JobRecorder::Event::Kind::Progress;
    CHECK(ends <= 1);
}

TEST_CASE("bad requests fail with a message that says what to do, and nothing runs", "[engine]") {
    const InpaintRequest good = quickRequest();
    struct Case {
        const char* what;
        InpaintRequest request;
        std::string message;
    };
    std::vector<Case> cases;
    {
        InpaintRequest r = good;
        r.image = Image{};
        cases.push_back({"empty image", r, "the image is empty: open or create a picture first"});
    }
    {
        InpaintRequest r = good;
        r.image = Image(good.image.width, good.image.height, 1);
        cases.push_back({"grey image", r, "the image has 1 channels; it must be RGB (3) or RGBA (4)"});
    }
    {
        InpaintRequest r = good;
        r.mask = Image(good.image.width, good.image.height, 3, 255);
        cases.push_back(
            {"colour mask", r, "the mask has 3 channels; it must be a 1-channel 8-bit mask"});
    }
    {
        InpaintRequest r;
        r.image = Image(512, 512, 3, 90);
        r.mask = discMask(512, 480, 100, 100, 10);
        cases.push_back({"mask size", r, "mask is 512×480 but the image is 512×512"});
    }
    {
        InpaintRequest r = good;
        r.mask = Image(good.image.width, good.image.height, 1);
        cases.push_back({"nothing painted", r, "the mask is empty: paint the area to regenerate"});
    }
    {
        InpaintRequest r = good;
        r.mask = Image{};
        cases.push_back({"no mask", r, "the mask is empty: paint the area to regenerate"});
    }
    {
        InpaintRequest r = good;
        r.backend = "dall-e";
        cases.push_back({"unknown backend", r,
                         "unknown backend \"dall-e\"; choose one of telea, navier-stokes, fsr"});
    }
    {
        InpaintRequest r = good;
        r.candidates = 0;
        cases.push_back({"no candidates", r, "candidates must be between 1 and 8 (asked for 0)"});
    }
    {
        InpaintRequest r = good;
        r.candidates = 9;
        cases.push_back({"too many candidates", r, "candidates must be between 1 and 8 (asked for 9)"});
    }

    CHECK(Engine::validate(good).isOk());
    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    for (const Case& c : cases) {
        INFO(c.what);
        const Status status = Engine::validate(c.request);
        CHECK(status.code() == Status::Code::BadInput);
        CHECK(status.message() == c.message);
        const JobId id = engine.submit(c.request);
        REQUIRE(recorder.waitForEnd({id}));
        CHECK(recorder.failure(id).code() == Status::Code::BadInput);
        CHECK(recorder.failure(id).message() == c.message);
        CHECK(recorder.progressOf(id).empty());
        CHECK(recorder.finishedCount(id) == 0);
    }
}

TEST_CASE("the engine lists its backends with readable labels", "[engine]") {
    CHECK(Engine::backendNames() == std::vector<std::string>{"telea", "navier-stokes", "fsr"});
    CHECK(Engine::backendLabel("telea") == "OpenCV Telea");
    CHECK(Engine::backendLabel("navier-stokes") == "OpenCV Navier–Stokes");
    CHECK(Engine::backendLabel("fsr") == "OpenCV xphoto FSR");
}
