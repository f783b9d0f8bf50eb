#include "engine/ml/nn/WeightSource.h"

#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/RandomWeightScope.h"

#include <sstream>

namespace limner::engine::ml {

namespace {

std::string shapeText(at::IntArrayRef shape) {
    std::ostringstream s;
    s << '[';
    for (std::size_t i = 0; i < shape.size(); ++i)
        s << (i ? ", " : "") << shape[i];
    s << ']';
    return s.str();
}

} // namespace

WeightSource::WeightSource(const StateDict& dict, c10::Device device, c10::ScalarType dtype)
    : m_shared(std::make_shared<Shared>(Shared{&dict, device, dtype, {}})) {}

WeightSource::WeightSource(std::shared_ptr<Shared> shared, std::string prefix)
    : m_shared(std::move(shared))
    , m_prefix(std::move(prefix)) {}

WeightSource WeightSource::sub(const std::string& name) const {
    return WeightSource(m_shared, fullName(name) + ".");
}

WeightSource WeightSource::sub(const std::string& name, std::size_t index) const {
    return sub(name + "." + std::to_string(index));
}

std::string WeightSource::fullName(const std::string& name) const {
    return m_prefix + name;
}

bool WeightSource::has(const std::string& name) const {
    return m_shared->dict->count(fullName(name)) != 0;
}

at::Tensor WeightSource::get(const std::string& name, const std::vector<std::int64_t>& shape) const {
    const std::string full = fullName(name);
    auto it = m_shared->dict->find(full);
    if (it == m_shared->dict->end() && RandomWeightScope::current()) {
        m_shared->used.insert(full);
        return RandomWeightScope::current()->make(full, shape).to(m_shared->device, m_shared->dtype);
    }
    if (it == m_shared->dict->end())
        throw ModelFormatError("weights lack tensor '" + full + "' (expected shape " +
                               shapeText(shape) + "); the weights do not belong to this config");
    at::Tensor t = it->second;
    // Old VAE checkpoints (diffusers 0.6, LDM files) store attention projections as 1×1
    // convolutions, [out, in, 1, 1]: the same numbers as the linear layer's [out, in].
    if (shape.size() == 2 && t.dim() == 4 && t.size(2) == 1 && t.size(3) == 1 &&
        t.size(0) == shape[0] && t.size(1) == shape[1])
        t = t.view({shape[0], shape[1]});
    if (t.sizes() != at::IntArrayRef(shape))
        throw ModelFormatError("tensor '" + full + "' has shape " + shapeText(t.sizes()) +
                               " but the config implies " + shapeText(shape));
    if (!t.is_floating_point())
        throw ModelFormatError("tensor '" + full + "' holds integers where float weights are expected");
    m_shared->used.insert(full);
    return t.to(m_shared->device, m_shared->dtype).contiguous();
}

at::Tensor WeightSource::getAny(const std::vector<std::string>& names,
                                const std::vector<std::int64_t>& shape) const {
    for (const std::string& n : names) {
        if (has(n))
            return get(n, shape);
    }
    return get(names.front(), shape);
}

void WeightSource::requireAllUsed(const std::vector<std::string>& ignoredSuffixes) const {
    std::vector<std::string> unused;
    for (const auto& [name, tensor] : *m_shared->dict) {
        if (m_shared->used.count(name))
            continue;
        bool ignored = false;
        for (const std::string& suffix : ignoredSuffixes) {
            ignored =
                ignored || (name.size() >= suffix.size() &&
                            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0);
        }
        if (!ignored)
            unused.push_back(name);
    }
    if (unused.empty())
        return;
    std::sort(unused.begin(), unused.end());
    std::string list;
    for (std::size_t i = 0; i < unused.size() && i < 5; ++i)
        list += (i ? ", '" : "'") + unused[i] + "'";
    throw ModelFormatError(
        "weights hold " + std::to_string(unused.size()) + " tensor(s) this config has no place for (" +
        list + (unused.size() > 5 ? ", ..." : "") + "); the weights do not belong to this config");
}

} // namespace limner::engine::ml
