#include "engine/ml/schedulers/NumpyArithmetic.h"

#include <cmath>

namespace limner::engine::ml {

std::vector<double> NumpyArithmetic::arange(double start, double stop, double step) {
    const double length = std::ceil((stop - start) / step);
    std::vector<double> out;
    if (!(length > 0))
        return out;
    const auto n = static_cast<std::int64_t>(length);
    out.reserve(static_cast<std::size_t>(n));
    out.push_back(start);
    if (n > 1)
        out.push_back(start + step);
    // numpy's fill: the step it repeats is the difference of the first two values.
    const double delta = n > 1 ? out[1] - out[0] : 0.0;
    for (std::int64_t i = 2; i < n; ++i) {
        const double offset = double(i) * delta;
        out.push_back(start + offset);
    }
    return out;
}

std::vector<double> NumpyArithmetic::linspace(double start, double stop, std::int64_t num) {
    if (num <= 0)
        return {};
    if (num == 1)
        return {start};
    const double step = (stop - start) / double(num - 1);
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(num));
    for (std::int64_t i = 0; i < num; ++i) {
        const double offset = double(i) * step;
        out.push_back(offset + start);
    }
    out.back() = stop;
    return out;
}

double NumpyArithmetic::round(double x) {
    return std::nearbyint(x); // round to nearest, ties to even: the default rounding mode
}

} // namespace limner::engine::ml
