#include "engine/ml/parity/ParityRunner.h"

#include "engine/ml/parity/ParityFixture.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityResult.h"

#include <algorithm>
#include <c10/util/Exception.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace limner::engine::ml {

namespace {

std::vector<std::string> findFixtures(const std::string& root) {
    namespace fs = std::filesystem;
    std::vector<std::string> result;
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::follow_directory_symlink, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_regular_file() && it->path().filename() == "manifest.json")
            result.push_back(it->path().parent_path().string());
    }
    std::sort(result.begin(), result.end());
    return result;
}

std::string formatLine(const std::string& name, const char* verdict, double maxAbs, double maxRel,
                       double atol, double rtol, double seconds) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "%-36s %-4s  max_abs %.3e  max_rel %.3e  tol atol %.0e rtol %.0e  (%.2f s)",
                  name.c_str(), verdict, maxAbs, maxRel, atol, rtol, seconds);
    return line;
}

} // namespace

ParityRunner::ParityRunner(const ParityRegistry& registry, ParityOptions options)
    : m_registry(registry)
    , m_options(options) {}

int ParityRunner::run(const std::string& root, std::ostream& out) const {
    namespace fs = std::filesystem;
    if (!fs::is_directory(root)) {
        out << "FAIL: fixture directory " << root << " does not exist\n";
        return 1;
    }
    const auto fixtures = findFixtures(root);
    if (fixtures.empty()) {
        out << "FAIL: no manifest.json found under " << root << "\n";
        return 1;
    }
    int failed = 0;
    int passed = 0;
    int skipped = 0;
    for (const auto& directory : fixtures) {
        const std::string shown = fs::relative(directory, root).string();
        const auto start = std::chrono::steady_clock::now();
        ParityFixture fixture;
        ParityResult result;
        Status status = ParityFixture::open(directory, fixture);
        if (status && !m_only.empty() && m_only.count(fixture.component()) == 0) {
            out << shown << "  SKIP  (component " << fixture.component() << " not selected)\n";
            ++skipped;
            continue;
        }
        if (status) {
            const ParityRegistry::Kind* kind = m_registry.find(fixture.component());
            if (!kind) {
                status = Status::notFound("unknown component \"" + fixture.component() + "\"");
            } else {
                try {
                    status = (*kind)(fixture, m_options, result);
                } catch (const c10::Error& e) {
                    status =
                        Status::internal(std::string("libtorch error: ") + e.what_without_backtrace());
                } catch (const std::exception& e) {
                    status = Status::internal(e.what());
                }
            }
        }
        if (!status)
            result.fail(status.message());
        for (const auto& name : fixture.outputNames()) {
            if (status && result.compared().count(name) == 0)
                result.fail(name + ": listed in the manifest but never checked");
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        out << formatLine(shown, result.passed() ? "PASS" : "FAIL", result.maxAbsError(),
                          result.maxRelError(), fixture.atol(), fixture.rtol(), seconds)
            << "\n";
        for (const auto& failure : result.failures())
            out << "    " << failure << "\n";
        for (const auto& note : result.notes())
            out << "    note: " << note << "\n";
        out.flush();
        if (result.passed())
            ++passed;
        else
            ++failed;
    }
    out << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    return failed;
}

} // namespace limner::engine::ml
