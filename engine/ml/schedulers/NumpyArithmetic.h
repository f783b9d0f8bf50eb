#pragma once

#include <cstdint>
#include <vector>

namespace limner::engine::ml {

// The numpy operations diffusers' set_timesteps uses, with numpy's exact float64 arithmetic: the
// number of timesteps and their values for some step counts hang on the last bit.
class NumpyArithmetic {
public:
    // np.arange(start, stop, step) with a float step: ceil((stop - start) / step) values, start,
    // start + step, then start + i * ((start + step) - start), as numpy fills the array.
    static std::vector<double> arange(double start, double stop, double step);
    // np.linspace(start, stop, num): i * ((stop - start) / (num - 1)) + start, the last value
    // exactly stop; [start] for num == 1.
    static std::vector<double> linspace(double start, double stop, std::int64_t num);
    // np.round: half to even.
    static double round(double x);
};

} // namespace limner::engine::ml
