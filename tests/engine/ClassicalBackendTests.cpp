#include "JobRecorder.h"
#include "TestImages.h"
#include "engine/imaging/ClassicalFill.h"
#include "engine/imaging/ImageOps.h"

#include <chrono>
#include <cstdlib>

using namespace limner::engine;
using namespace limner::engine::test;

namespace {

double meanDifferenceInside(const Image& a, const Image& b, const Image& area) {
    double sum = 0;
    int n = 0;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x)
            if (area.pixel(x, y)[0] != 0) {
                ++n;
                for (int c = 0; c < 3; ++c)
                    sum += std::abs(int(a.pixel(x, y)[c]) - int(b.pixel(x, y)[c]));
            }
    return sum / (3.0 * std::max(1, n));
}

} // namespace

TEST_CASE("each classical backend fills a photograph with candidates that differ", "[backends]") {
    const Image photo = coffeePhoto();
    for (const std::string& backend : Engine::backendNames()) {
        INFO(backend);
        InpaintRequest request;
        request.image = photo;
        request.mask = discMask(photo.width, photo.height, 330, 180, 28); // over the cup's rim
        request.backend = backend;
        request.candidates = 3;
        request.composite.colorMatch = false;
        const auto start = std::chrono::steady_clock::now();
        Status status;
        const InpaintResult result = runToEnd(request, status);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        WARN(backend << ": 3 candidates in " << ms.count() << " ms");
        REQUIRE(status.isOk());
        REQUIRE(result.candidates.size() == 3);
        CHECK(result.backend == backend);
        const Image area = imaging::cropImage(request.mask, result.region);
        for (std::size_t i = 1; i < 3; ++i) {
            const double difference =
                meanDifferenceInside(result.candidates[0].layer, result.candidates[i].layer, area);
            WARN(backend << ": candidate " << i << " differs from candidate 0 by " << difference);
            CHECK(difference > 1.0);
        }
    }
}

TEST_CASE("a classical fill changes only the area it is given", "[backends]") {
    const Image photo = imaging::cropImage(chelseaPhoto(), Rect{100, 50, 200, 200});
    const Image area = discMask(200, 200, 100, 100, 25);
    for (auto method : {imaging::ClassicalFillMethod::Telea, imaging::ClassicalFillMethod::NavierStokes,
                        imaging::ClassicalFillMethod::Fsr}) {
        for (int variant : {0, 3}) {
            Image filled;
            REQUIRE(imaging::classicalFill(method, photo, area, variant, filled).isOk());
            REQUIRE(filled.width == 200);
            int changedOutside = 0;
            for (int y = 0; y < 200; ++y)
                for (int x = 0; x < 200; ++x)
                    if (area.pixel(x, y)[0] == 0)
                        changedOutside +=
                            !std::equal(filled.pixel(x, y), filled.pixel(x, y) + 3, photo.pixel(x, y));
            CHECK(changedOutside == 0);
        }
    }
    Image filled;
    CHECK(
        imaging::classicalFill(imaging::ClassicalFillMethod::Telea, photo, Image(10, 10, 1), 0, filled)
            .code() == Status::Code::BadInput);
}
