#include "TestImages.h"
#include "engine/imaging/Watermark.h"

#include <cmath>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

cv::Mat rgbMat(const Image& image) {
    return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.bytes.data()),
                   image.stride());
}

Image fromRgbMat(const cv::Mat& rgb) {
    Image image(rgb.cols, rgb.rows, 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(image.row(y), rgb.ptr(y), image.stride());
    return image;
}

Image jpegRoundTrip(const Image& image, int quality) {
    cv::Mat bgr;
    cv::cvtColor(rgbMat(image), bgr, cv::COLOR_RGB2BGR);
    std::vector<std::uint8_t> bytes;
    REQUIRE(cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, quality}));
    cv::Mat decoded = cv::imdecode(bytes, cv::IMREAD_COLOR);
    cv::cvtColor(decoded, decoded, cv::COLOR_BGR2RGB);
    return fromRgbMat(decoded);
}

Image halved(const Image& image) {
    cv::Mat small;
    cv::resize(rgbMat(image), small, cv::Size((image.width + 1) / 2, (image.height + 1) / 2), 0, 0,
               cv::INTER_AREA);
    return fromRgbMat(small);
}

double psnr(const Image& a, const Image& b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.bytes.size(); ++i) {
        const double d = static_cast<double>(a.bytes[i]) - b.bytes[i];
        sum += d * d;
    }
    return 10.0 * std::log10(255.0 * 255.0 * static_cast<double>(a.bytes.size()) / sum);
}

std::vector<Image> photographs() {
    return {coffeePhoto(), chelseaPhoto(), astronautPhoto()};
}

Rect centreHalf(const Image& image) {
    return {image.width / 4, image.height / 4, image.width / 2, image.height / 2};
}

} // namespace

TEST_CASE("Marking a whole photograph keeps it at least 40 dB PSNR from the original", "[watermark]") {
    for (const Image& photo : photographs()) {
        Image marked = photo;
        REQUIRE(Watermark::embed(marked, Rect{0, 0, photo.width, photo.height}, 1234));
        CHECK(marked != photo);
        CHECK(psnr(photo, marked) >= 40.0);
    }
}

TEST_CASE("A marked photograph is read with its payload, also after JPEG quality 90 and 75",
          "[watermark]") {
    for (const Image& photo : photographs()) {
        for (const Rect& region : {Rect{0, 0, photo.width, photo.height}, centreHalf(photo)}) {
            Image marked = photo;
            REQUIRE(Watermark::embed(marked, region, 0xBEEF));
            for (const Image& received :
                 {marked, jpegRoundTrip(marked, 90), jpegRoundTrip(marked, 75)}) {
                const WatermarkDetection seen = Watermark::detect(received);
                CHECK(seen.status.isOk());
                CHECK(seen.found);
                CHECK(seen.payload == 0xBEEF);
                CHECK(seen.confidence > 0.6);
            }
        }
    }
}

TEST_CASE("A photograph marked all over is still read at half size", "[watermark]") {
    for (const Image& photo : photographs()) {
        Image marked = photo;
        REQUIRE(Watermark::embed(marked, Rect{0, 0, photo.width, photo.height}, 77));
        const WatermarkDetection seen = Watermark::detect(halved(marked));
        CHECK(seen.found);
        CHECK(seen.payload == 77);
        CHECK(seen.scale == 0.5);
    }
}

TEST_CASE("Unmarked photographs are reported as carrying no watermark", "[watermark]") {
    for (const Image& photo : photographs()) {
        CHECK_FALSE(Watermark::detect(photo).found);
        CHECK_FALSE(Watermark::detect(jpegRoundTrip(photo, 75)).found);
        CHECK_FALSE(Watermark::detect(halved(photo)).found);
        cv::Mat flipped;
        cv::flip(rgbMat(photo), flipped, -1);
        CHECK_FALSE(Watermark::detect(fromRgbMat(flipped)).found);
    }
}

TEST_CASE("Pixels outside the generated region stay bit-identical", "[watermark]") {
    const Image photo = coffeePhoto();
    const Rect region{100, 60, 300, 250};
    Image marked = photo;
    WatermarkEmbedding report;
    REQUIRE(Watermark::embed(marked, region, 5, &report));
    CHECK_FALSE(report.wholePicture);
    CHECK(report.cells > 0);
    int changedOutside = 0;
    for (int y = 0; y < photo.height; ++y)
        for (int x = 0; x < photo.width; ++x)
            if (!region.contains(x, y) && std::memcmp(photo.pixel(x, y), marked.pixel(x, y), 3) != 0)
                ++changedOutside;
    CHECK(changedOutside == 0);
    CHECK(Watermark::detect(marked).payload == 5);
}

TEST_CASE("Marking only the generated pixels of a mask leaves the others alone", "[watermark]") {
    const Image photo = chelseaPhoto();
    const Image mask = discMask(photo.width, photo.height, photo.width / 2, photo.height / 2, 130);
    Image marked = photo;
    WatermarkEmbedding report;
    REQUIRE(Watermark::embed(marked, mask, 9, &report));
    CHECK_FALSE(report.wholePicture);
    int changedOutside = 0;
    for (int y = 0; y < photo.height; ++y)
        for (int x = 0; x < photo.width; ++x)
            if (mask.pixel(x, y)[0] == 0 && std::memcmp(photo.pixel(x, y), marked.pixel(x, y), 3) != 0)
                ++changedOutside;
    CHECK(changedOutside == 0);
    const WatermarkDetection seen = Watermark::detect(jpegRoundTrip(marked, 75));
    CHECK(seen.found);
    CHECK(seen.payload == 9);
}

TEST_CASE("A region too small to carry the mark marks the whole picture instead", "[watermark]") {
    const Image photo = chelseaPhoto();
    Image marked = photo;
    WatermarkEmbedding report;
    REQUIRE(Watermark::embed(marked, Rect{40, 40, 100, 100}, 3, &report));
    CHECK(report.wholePicture);
    CHECK(report.cells == (photo.width / 16) * (photo.height / 16));
    CHECK(Watermark::detect(jpegRoundTrip(marked, 75)).payload == 3);
}

TEST_CASE("An RGBA picture is marked in its colours and keeps its alpha", "[watermark]") {
    const Image rgb = coffeePhoto();
    Image rgba(rgb.width, rgb.height, 4);
    for (int y = 0; y < rgb.height; ++y)
        for (int x = 0; x < rgb.width; ++x) {
            std::memcpy(rgba.pixel(x, y), rgb.pixel(x, y), 3);
            rgba.pixel(x, y)[3] = static_cast<std::uint8_t>(x);
        }
    Image marked = rgba;
    REQUIRE(Watermark::embed(marked, Rect{0, 0, rgba.width, rgba.height}, 42));
    bool alphaKept = true;
    for (int y = 0; y < rgba.height; ++y)
        for (int x = 0; x < rgba.width; ++x)
            alphaKept = alphaKept && marked.pixel(x, y)[3] == rgba.pixel(x, y)[3];
    CHECK(alphaKept);
    CHECK(Watermark::detect(marked).payload == 42);
}

TEST_CASE("Bad input is refused with a message and never crashes", "[watermark]") {
    Image empty;
    CHECK(Watermark::embed(empty, Rect{0, 0, 10, 10}, 1).code() == Status::Code::BadInput);

    Image gray(256, 256, 1);
    const Status oneChannel = Watermark::embed(gray, Rect{0, 0, 256, 256}, 1);
    CHECK(oneChannel.code() == Status::Code::BadInput);
    CHECK(oneChannel.message().find("RGB") != std::string::npos);

    Image tiny(100, 300, 3);
    const Status tooSmall = Watermark::embed(tiny, Rect{0, 0, 100, 300}, 1);
    CHECK(tooSmall.code() == Status::Code::BadInput);
    CHECK(tooSmall.message().find("128") != std::string::npos);

    Image photo = chelseaPhoto();
    const Image original = photo;
    const Status outside = Watermark::embed(photo, Rect{400, 200, 200, 200}, 1);
    CHECK(outside.code() == Status::Code::BadInput);
    CHECK(outside.message().find("outside") != std::string::npos);
    CHECK(Watermark::embed(photo, Rect{0, 0, 0, 50}, 1).code() == Status::Code::BadInput);
    CHECK(Watermark::embed(photo, Image(10, 10, 1), 1).code() == Status::Code::BadInput);
    CHECK(photo == original);

    CHECK(Watermark::detect(Image{}).status.code() == Status::Code::BadInput);
    CHECK_FALSE(Watermark::detect(gray).found);
    CHECK(Watermark::detect(gray).status.code() == Status::Code::BadInput);
    CHECK_FALSE(Watermark::detect(Image(20, 20, 3)).found);
}
