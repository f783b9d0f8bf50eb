#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/StateDict.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

// A model as a pipeline sees it: components (unet/, vae/ or movq/, scheduler/, text_encoder/,
// tokenizer/, prior/ …), each with its config and its weights in safetensors, found wherever a
// person keeps them:
//  - a diffusers folder (model_index.json optional; `hf download --local-dir` folders too);
//  - a Hugging Face cache entry: the repo folder models--ORG--NAME, one of its snapshots, or
//    the repo id "ORG/NAME[@REV]" looked up in the hub cache and the legacy diffusers cache.
// Weights: the plain safetensors file, else a sharded index, else a variant
// (*.fp16.safetensors first), each tensor converted from the dtype its header names. Pickle and
// TorchScript files are refused, never opened (they can run code); beside safetensors they are
// ignored. A link into blobs/ whose blob is missing is reported as an unfinished download.
//
// A Kandinsky 2.2 decoder runs with a prior pipeline, which may live in another folder: the one
// attachPrior() names, else the repo its README.md front matter names (`prior: [ORG/NAME]`),
// when that repo is in a hub cache. A prior inside the folder (prior_prior/ … of a combined
// pipeline, or prior/ …) wins over both.
class PipelineFolder {
public:
    // location: a folder, a cache repo folder or snapshot, or a repo id (see above).
    static Status open(const std::string& location, PipelineFolder& out);

    const std::string& root() const { return m_root; }
    // "_class_name" of model_index.json, empty when the folder has none.
    std::string className() const;
    // Entries of model_index.json naming a component (["library", "Class"]), in file order.
    struct Listed {
        std::string name, library, className;
    };
    const std::vector<Listed>& listedComponents() const { return m_listed; }
    // Sub-folders of the root, sorted (components and any other folder).
    std::vector<std::string> subFolders() const;
    bool hasComponent(const std::string& component) const;
    std::string componentPath(const std::string& component) const { return m_root + "/" + component; }

    // The prior pipeline folder used by a Kandinsky decoder without a prior of its own; nullptr
    // when there is none. priorRepoWanted(): the repo the model card names ("" when none).
    const PipelineFolder* prior() const { return m_prior.get(); }
    const std::string& priorRepoWanted() const { return m_priorRepoWanted; }
    // Pairs a decoder with the prior pipeline at location (any form open() takes). Refuses a
    // location that is not a Kandinsky prior pipeline (prior/, text_encoder/, image_encoder/ …).
    Status attachPrior(const std::string& location);
    // True when the folder holds its own prior (combined pipeline layouts).
    bool hasOwnPrior() const;

    // component/fileName parsed as JSON (Python's NaN/Infinity literals accepted).
    Status readJson(const std::string& component, const std::string& fileName,
                    nlohmann::json& out) const;
    // The safetensors files holding the component's weights (one file, or every shard of an
    // index). NotFound when there are none; ModelFormat when only pickle files are there.
    Status weightFiles(const std::string& component, std::vector<std::string>& files) const;
    // Every tensor of the component's weights, floats converted to dtype on device. Inside a
    // RandomWeightScope a component without weight files yields an empty dict (random weights).
    Status loadWeights(const std::string& component, c10::Device device, c10::ScalarType dtype,
                       StateDict& out) const;

    // Refuses files that are pickles or zip archives (torch.save, TorchScript) by name or by
    // their first bytes, whatever they are called.
    static Status checkWeightsFile(const std::string& path);

private:
    Status findOwnPriorRepo();

    std::string m_root;
    nlohmann::json m_modelIndex;
    std::vector<Listed> m_listed;
    std::shared_ptr<const PipelineFolder> m_prior;
    std::string m_priorRepoWanted;
};

} // namespace limner::engine::ml
