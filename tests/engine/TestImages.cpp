#include "TestImages.h"

#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace limner::engine::test {

namespace {

Image loadRgb(const std::string& path) {
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty())
        throw std::runtime_error("cannot read test photograph " + path);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    Image image(rgb.cols, rgb.rows, 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(image.row(y), rgb.ptr(y), image.stride());
    return image;
}

} // namespace

Image coffeePhoto() {
    return loadRgb(std::string(LIMNER_TEST_DATA_DIR) + "/coffee.png");
}
Image chelseaPhoto() {
    return loadRgb(std::string(LIMNER_TEST_DATA_DIR) + "/chelsea.png");
}
Image astronautPhoto() {
    return loadRgb(std::string(LIMNER_RESOURCES_DIR) + "/samples/astronaut.png");
}

Image discMask(int width, int height, int centerX, int centerY, int radius) {
    Image mask(width, height, 1);
    const std::uint8_t on = 255;
    fillDisc(mask, centerX, centerY, radius, &on);
    return mask;
}

Image rectMask(int width, int height, const Rect& rect) {
    Image mask(width, height, 1);
    const std::uint8_t on = 255;
    fillRect(mask, rect, &on);
    return mask;
}

void fillRect(Image& image, const Rect& rect, const std::uint8_t* color) {
    const Rect inside = rect.intersected(Rect{0, 0, image.width, image.height});
    for (int y = inside.y; y < inside.bottom(); ++y)
        for (int x = inside.x; x < inside.right(); ++x)
            std::memcpy(image.pixel(x, y), color, static_cast<std::size_t>(image.channels));
}

void fillDisc(Image& image, int centerX, int centerY, int radius, const std::uint8_t* color) {
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            if ((x - centerX) * (x - centerX) + (y - centerY) * (y - centerY) <= radius * radius)
                std::memcpy(image.pixel(x, y), color, static_cast<std::size_t>(image.channels));
}

int differingPixels(const Image& a, const Image& b) {
    int count = 0;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x)
            if (std::memcmp(a.pixel(x, y), b.pixel(x, y), static_cast<std::size_t>(a.channels)) != 0)
                ++count;
    return count;
}

} // namespace limner::engine::test
