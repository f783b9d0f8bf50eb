#include "engine/imaging/ImageOps.h"

#include "engine/imaging/OpenCvBridge.h"

#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging {

Image cropImage(const Image& image, const Rect& rect) {
    const Rect inside = rect.intersected(Rect{0, 0, image.width, image.height});
    if (inside.empty() || !image.isConsistent())
        return {};
    return imageFromMat(matView(image)(cvRect(inside)));
}

Image resizeImage(const Image& image, int width, int height) {
    if (image.empty() || width <= 0 || height <= 0)
        return {};
    if (width == image.width && height == image.height)
        return image;
    const bool shrinking = width * height < image.width * image.height;
    cv::Mat resized;
    cv::resize(matView(image), resized, cv::Size(width, height), 0, 0,
               shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
    return imageFromMat(resized);
}

Image toRgb(const Image& image) {
    if (image.channels == 3 || image.empty())
        return image;
    cv::Mat rgb;
    cv::cvtColor(matView(image), rgb, image.channels == 4 ? cv::COLOR_RGBA2RGB : cv::COLOR_GRAY2RGB);
    return imageFromMat(rgb);
}

void copyWhere(const Image& source, const Image& mask, Image& target) {
    if (source.channels != target.channels || mask.channels != 1 || source.width != target.width ||
        source.height != target.height || mask.width != source.width || mask.height != source.height ||
        source.empty() || !source.isConsistent() || !target.isConsistent() || !mask.isConsistent())
        return;
    cv::Mat targetMat = matView(target);
    matView(source).copyTo(targetMat, matView(mask));
}

} // namespace limner::engine::imaging
