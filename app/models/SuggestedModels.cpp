#include "app/models/SuggestedModels.h"

namespace limner::app {

const QVector<SuggestedModel>& suggestedModels() {
    // Sums of the files as the hub lists them (MODELS.md §1), as FileSelection picks them:
    //  * decoder-inpaint: unet 5.01 GB + movq 271 MB (fp32 only) + configs and README;
    //  * prior: prior 4.1 GB + text_encoder 2.78 GB + image_encoder 3.69 GB + tokenizer 1.6 MB;
    //  * SD 1.5 inpainting: fp16 only (unet 1.72 GB, text_encoder 246 MB, vae 167 MB), no
    //    safety checker, no sd-v1-5-inpainting.ckpt;
    //  * SD 2 inpainting: the fp32 files (unet 3.46 GB, text_encoder 1.36 GB, vae 335 MB), not
    //    the root single file 512-inpainting-ema.safetensors.
    static const QVector<SuggestedModel> models = {
        {QStringLiteral("kandinsky-community/kandinsky-2-2-decoder-inpaint"),
         QStringLiteral("Kandinsky 2.2 inpainting"), 5'283'000'000,
         QStringLiteral("kandinsky-community/kandinsky-2-2-prior"), 10'572'000'000},
        {QStringLiteral("stable-diffusion-v1-5/stable-diffusion-inpainting"),
         QStringLiteral("Stable Diffusion 1.5 inpainting (fp16)"), 2'134'600'000, QString(), 0},
        {QStringLiteral("stabilityai/stable-diffusion-2-inpainting"),
         QStringLiteral("Stable Diffusion 2 inpainting"), 5'157'000'000, QString(), 0},
    };
    return models;
}

} // namespace limner::app
