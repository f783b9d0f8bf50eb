#include "tests/ml/pipelines/PipelineTestFolders.h"

#include "tests/support/KandinskyTestFolder.h"

#include <ATen/ATen.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <system_error>
#include <unistd.h>

namespace limner::tests {

namespace fs = std::filesystem;

std::string PipelineTestFolders::parityDir() {
    const char* env = std::getenv("LIMNER_PARITY_DIR");
    if (env && *env)
        return env;
    return std::string(LIMNER_SOURCE_DIR) + "/tests/data/parity";
}

namespace {

// The folder of this test process, removed when the process ends: each run of the pipeline
// tests writes several hundred MB of model copies, which must not pile up in /tmp.
class ProcessScratch {
public:
    ProcessScratch()
        : m_root(fs::temp_directory_path() / ("limner-pipeline-tests-" + std::to_string(::getpid()))) {}
    ~ProcessScratch() {
        std::error_code ignored;
        fs::remove_all(m_root, ignored);
    }
    const fs::path& root() const { return m_root; }

private:
    fs::path m_root;
};

} // namespace

std::string PipelineTestFolders::scratch(const std::string& name) {
    static const ProcessScratch process;
    const fs::path dir = process.root() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

std::string PipelineTestFolders::copyOf(const std::string& source, const std::string& name) {
    const std::string dir = scratch(name);
    fs::copy(source, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return dir;
}

std::string PipelineTestFolders::kandinskyWithPrior() {
    const std::string dir = copyOf(kandinskyDecoder(), "kandinsky-with-prior");
    addKandinskyPrior(parityDir(), dir);
    return dir;
}

std::string PipelineTestFolders::kandinskyPriorPipeline() {
    const std::string dir = scratch("kandinsky-prior");
    addKandinskyPrior(parityDir(), dir, "");
    return dir;
}

std::string PipelineTestFolders::addToHubCache(const std::string& cacheRoot, const std::string& repoId,
                                               const std::string& source, const std::string& commit) {
    const fs::path repo = fs::path(cacheRoot) / ("models--" + repoId.substr(0, repoId.find('/')) +
                                                 "--" + repoId.substr(repoId.find('/') + 1));
    const fs::path snapshot = repo / "snapshots" / commit;
    fs::create_directories(repo / "blobs");
    fs::create_directories(repo / "refs");
    std::ofstream(repo / "refs" / "main") << commit;
    for (const auto& entry : fs::recursive_directory_iterator(source)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        char etag[17];
        std::snprintf(etag, sizeof etag, "%016zx", std::hash<std::string>()(bytes));
        fs::copy_file(entry.path(), repo / "blobs" / etag, fs::copy_options::overwrite_existing);
        const fs::path relative = fs::relative(entry.path(), source);
        fs::create_directories((snapshot / relative).parent_path());
        // snapshots/<commit>/a/b -> ../../../blobs/<etag>: one ".." per folder below the repo.
        fs::path target;
        for (auto it = relative.begin(); it != relative.end(); ++it)
            target /= "..";
        target = target / ".." / "blobs" / etag;
        fs::create_symlink(target, snapshot / relative);
    }
    return snapshot.string();
}

at::Tensor PipelineTestFolders::image(std::int64_t size) {
    const at::Tensor y = at::linspace(0, 1, size).view({1, 1, size, 1}).expand({1, 1, size, size});
    const at::Tensor x = at::linspace(0, 1, size).view({1, 1, 1, size}).expand({1, 1, size, size});
    return at::cat({x, y, (x + y) / 2}, 1).contiguous();
}

at::Tensor PipelineTestFolders::centreMask(std::int64_t size) {
    at::Tensor mask = at::zeros({1, 1, size, size});
    mask.slice(2, size / 4, 3 * size / 4).slice(3, size / 4, 3 * size / 4).fill_(1.0);
    return mask;
}

} // namespace limner::tests
