// Every scheduler x timestep spacing x step count 1..1000 against diffusers' set_timesteps rules
// (DiffusersTimestepRules.h): the same number of timesteps, the same values (float32 values for
// the Euler family) and the same sigmas; a clear BadInput where Limner refuses.

#include "engine/ml/schedulers/SchedulerFactory.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/schedulers/DiffusersTimestepRules.h"

#include <functional>
#include <map>
#include <sstream>

using limner::engine::Status;
using namespace limner::engine::ml;
namespace rules = limner::tests::diffusersrules;
namespace numpyref = limner::tests::numpyref;

namespace {

constexpr std::int64_t kTrainSteps = 1000;

std::unique_ptr<Scheduler> makeScheduler(const std::string& className, const std::string& spacing,
                                         std::int64_t offset, bool karras = false) {
    nlohmann::json config = {{"_class_name", className},
                             {"beta_schedule", "scaled_linear"},
                             {"beta_start", 0.00085},
                             {"beta_end", 0.012},
                             {"num_train_timesteps", kTrainSteps},
                             {"timestep_spacing", spacing},
                             {"steps_offset", offset},
                             {"skip_prk_steps", true}};
    if (karras)
        config["use_karras_sigmas"] = true;
    if (className == "UnCLIPScheduler")
        config = {{"_class_name", className}, {"num_train_timesteps", kTrainSteps}};
    std::unique_ptr<Scheduler> scheduler;
    const Status s = SchedulerFactory::create(config, "sweep", scheduler);
    INFO(s.message());
    REQUIRE(s);
    return scheduler;
}

std::vector<double> valuesOf(const at::Tensor& t) {
    if (!t.defined())
        return {};
    const at::Tensor d = t.to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

std::vector<float> floatsOf(const at::Tensor& t) {
    const at::Tensor d = t.to(at::kFloat).contiguous();
    return std::vector<float>(d.data_ptr<float>(), d.data_ptr<float>() + d.numel());
}

// What diffusers gives for one step count, and how Limner's answer is judged.
struct Reference {
    rules::Expected expected;
    std::vector<double> sigmas;        // empty: not compared
    double sigmaRelativeTolerance = 0; // 0: exact float32
    // Karras timesteps come from logarithms and powers whose last bits differ between numpy
    // builds (numpy 1.24 on an AVX-512 machine: up to 9.2e-5 from this reference over
    // n = 1..1000): float timesteps within this distance, integer ones rounded from within it.
    double timestepTolerance = 0;
    std::vector<double> unrounded; // karras integer timesteps before np.round
};

// Mismatching step counts of one scheduler/spacing/offset, by kind.
struct Tally {
    std::map<std::string, std::vector<std::int64_t>> byKind;
    void add(const std::string& kind, std::int64_t n) { byKind[kind].push_back(n); }
};

bool sameTimestep(double got, double want, const Reference& r, std::size_t i) {
    if (got == want)
        return true;
    if (r.timestepTolerance == 0)
        return false;
    if (r.unrounded.empty())
        return std::abs(got - want) <= r.timestepTolerance;
    // Rounded from a value within the tolerance of a half: either neighbour is diffusers' on
    // some numpy build.
    const double u = r.unrounded[i];
    return std::abs(got - u) <= 0.5 + r.timestepTolerance;
}

void compare(Scheduler& scheduler, std::int64_t n, const Reference& r, Tally& tally) {
    const Status s = scheduler.setTimesteps(int(n));
    if (r.expected.refused) {
        if (s)
            tally.add("accepted, diffusers cannot run it (" + r.expected.why + ")", n);
        else if (s.code() != Status::Code::BadInput ||
                 s.message().find(std::to_string(n)) == std::string::npos)
            tally.add("refused without a BadInput naming the step count", n);
        return;
    }
    if (!s) {
        tally.add("refused: " + s.message().substr(0, 60), n);
        return;
    }
    const std::vector<double> got = valuesOf(scheduler.timesteps());
    const std::vector<double>& want = r.expected.timesteps;
    if (got.size() != want.size()) {
        tally.add("timestep count differs", n);
        return;
    }
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (!sameTimestep(got[i], want[i], r, i)) {
            tally.add("timestep values differ", n);
            return;
        }
    }
    if (r.sigmas.empty())
        return;
    const std::vector<double> sigmas = valuesOf(scheduler.sigmas());
    if (sigmas.size() != r.sigmas.size()) {
        tally.add("sigma count differs", n);
        return;
    }
    for (std::size_t i = 0; i < sigmas.size(); ++i) {
        const double want = r.sigmas[i];
        const bool ok = r.sigmaRelativeTolerance == 0
                            ? sigmas[i] == rules::f32(want)
                            : std::abs(sigmas[i] - want) <= r.sigmaRelativeTolerance * std::abs(want);
        if (!ok) {
            tally.add("sigma values differ", n);
            return;
        }
    }
}

std::string describe(const std::string& name, const Tally& tally) {
    std::ostringstream out;
    for (const auto& [kind, counts] : tally.byKind) {
        out << name << ": " << kind << " for " << counts.size() << " step counts (n =";
        for (std::size_t i = 0; i < counts.size() && i < 8; ++i)
            out << ' ' << counts[i];
        out << (counts.size() > 8 ? " ...)\n" : ")\n");
    }
    return out.str();
}

using ReferenceFor = std::function<Reference(std::int64_t n)>;

// Runs n = 1..1000 and returns the description of every mismatch (empty when all agree).
std::string sweep(const std::string& name, Scheduler& scheduler, const ReferenceFor& referenceFor) {
    Tally tally;
    for (std::int64_t n = 1; n <= kTrainSteps; ++n)
        compare(scheduler, n, referenceFor(n), tally);
    return describe(name, tally);
}

std::vector<double> interpolatedSigmas(const std::vector<double>& timesteps,
                                       const std::vector<double>& trainingSigmas) {
    std::vector<double> out;
    for (double t : timesteps)
        out.push_back(numpyref::interpOnIndexGrid(t, trainingSigmas));
    return out;
}

struct Family {
    const char* className;
    const char* label;
};

const std::vector<std::pair<std::string, std::int64_t>>& spacingsAndOffsets() {
    // steps_offset only enters "leading"; the Hub's SD configs carry 1.
    static const std::vector<std::pair<std::string, std::int64_t>> all = {
        {"leading", 0}, {"leading", 1}, {"trailing", 1}, {"linspace", 1}};
    return all;
}

std::string caseName(const char* label, const std::string& spacing, std::int64_t offset) {
    return std::string(label) + " " + spacing + " steps_offset " + std::to_string(offset);
}

} // namespace

TEST_CASE("DDIM, DDPM and PNDM make diffusers' timesteps for every spacing and step count",
          "[ml][schedulers]") {
    std::string report;
    for (const auto& [spacing, offset] : spacingsAndOffsets()) {
        const std::string sp = spacing;
        const std::int64_t off = offset;
        for (const Family& f : {Family{"DDIMScheduler", "DDIM"}, Family{"DDPMScheduler", "DDPM"}}) {
            auto scheduler = makeScheduler(f.className, sp, off);
            report += sweep(caseName(f.label, sp, off), *scheduler, [&](std::int64_t n) {
                return Reference{rules::ddim(sp, kTrainSteps, n, off), {}, 0, 0, {}};
            });
        }
        auto pndm = makeScheduler("PNDMScheduler", sp, off);
        report += sweep(caseName("PNDM", sp, off), *pndm, [&](std::int64_t n) {
            return Reference{rules::pndm(sp, kTrainSteps, n, off), {}, 0, 0, {}};
        });
    }
    INFO(report);
    CHECK(report.empty());
}

TEST_CASE("Euler and Euler ancestral make diffusers' float32 timesteps and sigmas for every "
          "spacing and step count",
          "[ml][schedulers]") {
    std::string report;
    for (const auto& [spacing, offset] : spacingsAndOffsets()) {
        const std::string sp = spacing;
        const std::int64_t off = offset;
        for (const Family& f : {Family{"EulerDiscreteScheduler", "Euler"},
                                Family{"EulerAncestralDiscreteScheduler", "Euler ancestral"}}) {
            auto scheduler = makeScheduler(f.className, sp, off);
            const auto base = rules::trainingSigmas(floatsOf(scheduler->alphasCumprod()));
            report += sweep(caseName(f.label, sp, off), *scheduler, [&](std::int64_t n) {
                Reference r{rules::euler(sp, kTrainSteps, n, off), {}, 0, 0, {}};
                r.sigmas = interpolatedSigmas(r.expected.timesteps, base);
                r.sigmas.push_back(0.0);
                return r;
            });
        }
    }
    INFO(report);
    CHECK(report.empty());
}

TEST_CASE("Euler with Karras sigmas makes diffusers' timesteps for every spacing and step count",
          "[ml][schedulers]") {
    std::string report;
    for (const auto& [spacing, offset] : spacingsAndOffsets()) {
        const std::string sp = spacing;
        const std::int64_t off = offset;
        auto scheduler = makeScheduler("EulerDiscreteScheduler", sp, off, true);
        const auto base = rules::trainingSigmas(floatsOf(scheduler->alphasCumprod()));
        const auto logSigmas = rules::logOf(base);
        REQUIRE(std::is_sorted(logSigmas.begin(), logSigmas.end()));
        report += sweep(caseName("Euler karras", sp, off), *scheduler, [&](std::int64_t n) {
            Reference r;
            const rules::Expected spaced = rules::euler(sp, kTrainSteps, n, off);
            r.expected.refused = spaced.refused;
            r.expected.why = spaced.why;
            if (spaced.refused)
                return r;
            const auto interpolated = interpolatedSigmas(spaced.timesteps, base);
            r.sigmas = rules::karras(interpolated.back(), interpolated.front(), n);
            for (double s : r.sigmas)
                r.expected.timesteps.push_back(rules::f32(rules::sigmaToT(s, logSigmas)));
            r.sigmas.push_back(0.0);
            r.sigmaRelativeTolerance = 1e-5;
            r.timestepTolerance = 5e-4;
            return r;
        });
    }
    INFO(report);
    CHECK(report.empty());
}

TEST_CASE("DPM-Solver++ and UniPC make diffusers' timesteps and sigmas for every spacing and step "
          "count",
          "[ml][schedulers]") {
    std::string report;
    for (const auto& [spacing, offset] : spacingsAndOffsets()) {
        const std::string sp = spacing;
        const std::int64_t off = offset;
        for (const Family& f : {Family{"DPMSolverMultistepScheduler", "DPM-Solver++"},
                                Family{"UniPCMultistepScheduler", "UniPC"}}) {
            auto scheduler = makeScheduler(f.className, sp, off);
            const auto base = rules::trainingSigmas(floatsOf(scheduler->alphasCumprod()));
            report += sweep(caseName(f.label, sp, off), *scheduler, [&](std::int64_t n) {
                Reference r{rules::multistep(sp, kTrainSteps, n, off), {}, 0, 0, {}};
                r.sigmas = interpolatedSigmas(r.expected.timesteps, base);
                r.sigmas.push_back(base.front()); // final_sigmas_type "sigma_min", as 0.25
                return r;
            });
        }
    }
    INFO(report);
    CHECK(report.empty());
}

TEST_CASE("DPM-Solver++ and UniPC with Karras sigmas make diffusers' timesteps for every step "
          "count",
          "[ml][schedulers]") {
    std::string report;
    for (const Family& f : {Family{"DPMSolverMultistepScheduler", "DPM-Solver++ karras"},
                            Family{"UniPCMultistepScheduler", "UniPC karras"}}) {
        auto scheduler = makeScheduler(f.className, "linspace", 1, true);
        const auto base = rules::trainingSigmas(floatsOf(scheduler->alphasCumprod()));
        const auto logSigmas = rules::logOf(base);
        REQUIRE(std::is_sorted(logSigmas.begin(), logSigmas.end()));
        report += sweep(f.label, *scheduler, [&](std::int64_t n) {
            Reference r;
            r.sigmas = rules::karras(base.front(), base.back(), n);
            for (double s : r.sigmas) {
                const double t = rules::sigmaToT(s, logSigmas);
                r.unrounded.push_back(t);
                r.expected.timesteps.push_back(numpyref::roundHalfEven(t));
            }
            r.sigmas.push_back(r.sigmas.back());
            r.sigmaRelativeTolerance = 1e-5;
            r.timestepTolerance = 1e-4;
            return r;
        });
    }
    INFO(report);
    CHECK(report.empty());
}

TEST_CASE("UnCLIP makes diffusers' timesteps for every step count and refuses one step",
          "[ml][schedulers]") {
    auto scheduler = makeScheduler("UnCLIPScheduler", "linspace", 0);
    const std::string report = sweep("UnCLIP", *scheduler, [](std::int64_t n) {
        return Reference{rules::unclip(kTrainSteps, n), {}, 0, 0, {}};
    });
    INFO(report);
    CHECK(report.empty());
}

TEST_CASE("Step counts outside 1..num_train_timesteps are refused by every scheduler with a clear "
          "message",
          "[ml][schedulers]") {
    for (const char* name :
         {"DDIMScheduler", "DDPMScheduler", "PNDMScheduler", "EulerDiscreteScheduler",
          "EulerAncestralDiscreteScheduler", "DPMSolverMultistepScheduler", "UniPCMultistepScheduler",
          "UnCLIPScheduler"}) {
        auto scheduler = makeScheduler(name, "leading", 1);
        for (int n : {0, -3, 1001}) {
            INFO(name << " with " << n << " steps");
            const Status s = scheduler->setTimesteps(n);
            CHECK(s.code() == Status::Code::BadInput);
            CHECK_THAT(s.message(), Catch::Contains(std::to_string(n)));
        }
    }
}
