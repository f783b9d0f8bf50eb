#pragma once

// numpy's arithmetic, written out by hand for the scheduler tests, so that the expected
// timesteps do not come from the code under test. Each function states the numpy rule it follows.

#include <cmath>
#include <cstdint>
#include <vector>

namespace limner::tests::numpyref {

// np.round / ndarray.round(): rounds half to even (it calls rint).
inline double roundHalfEven(double x) {
    const double down = std::floor(x);
    const double fraction = x - down; // exact for the magnitudes used here
    if (fraction > 0.5)
        return down + 1;
    if (fraction < 0.5)
        return down;
    return std::fmod(down, 2.0) == 0 ? down : down + 1;
}

// np.arange(start, stop, step) with Python numbers and a float step (float64 result):
// length = ceil((stop - start) / step); element 0 is start, element 1 is start + step, and
// element i >= 2 is start + i * delta with delta = element 1 - element 0 (numpy's fill), which can
// differ from step in the last bit.
inline std::vector<double> arange(double start, double stop, double step) {
    const double length = std::ceil((stop - start) / step);
    std::vector<double> out;
    if (!(length > 0))
        return out;
    const auto n = static_cast<std::int64_t>(length);
    out.push_back(start);
    if (n == 1)
        return out;
    out.push_back(start + step);
    const double delta = out[1] - out[0];
    for (std::int64_t i = 2; i < n; ++i) {
        // Two roundings, as numpy's C loop: volatile keeps a compiler that fuses multiply-adds
        // (aarch64, -march=haswell) from changing the last bit.
        const volatile double product = double(i) * delta;
        out.push_back(start + product);
    }
    return out;
}

// np.arange(0, n) * k for integers.
inline std::vector<double> integerMultiples(std::int64_t n, std::int64_t k) {
    std::vector<double> out;
    for (std::int64_t i = 0; i < n; ++i)
        out.push_back(double(i * k));
    return out;
}

// np.linspace(start, stop, num) in float64: step = (stop - start) / (num - 1), element i is
// i * step + start, and the last element is exactly stop; num == 1 gives [start].
inline std::vector<double> linspace(double start, double stop, std::int64_t num) {
    std::vector<double> out;
    if (num <= 0)
        return out;
    if (num == 1)
        return {start};
    const double step = (stop - start) / double(num - 1);
    for (std::int64_t i = 0; i < num; ++i) {
        const volatile double product = double(i) * step;
        out.push_back(product + start);
    }
    out.back() = stop;
    return out;
}

// np.interp(x, np.arange(len(fp)), fp): fp[0] left of the range, fp[-1] right of it and at the
// last point, fp[j] on a grid point, else slope * (x - j) + fp[j].
inline double interpOnIndexGrid(double x, const std::vector<double>& fp) {
    const auto last = static_cast<std::int64_t>(fp.size()) - 1;
    if (x < 0)
        return fp.front();
    if (x >= double(last))
        return fp.back();
    const auto j = static_cast<std::int64_t>(std::floor(x));
    if (double(j) == x)
        return fp[static_cast<std::size_t>(j)];
    const double slope = fp[static_cast<std::size_t>(j + 1)] - fp[static_cast<std::size_t>(j)];
    return slope * (x - double(j)) + fp[static_cast<std::size_t>(j)];
}

template <typename T>
std::vector<T> reversed(std::vector<T> v) {
    return std::vector<T>(v.rbegin(), v.rend());
}

} // namespace limner::tests::numpyref
