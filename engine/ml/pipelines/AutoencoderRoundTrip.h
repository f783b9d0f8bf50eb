#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

#include <memory>
#include <string>

namespace limner::engine::ml {

// A Kandinsky 2.2 model's autoencoder (movq/) alone: a picture encoded to latents and decoded
// again, unquantised, as the inpainting pipeline decodes. Every pixel a Kandinsky decoder paints
// passes through this decoder, so the round trip of the true picture is the best any UNet could
// give: `limner-cli eval-mini --autoencoder-only` scores it as a ceiling. No tensor in this
// header: app code may use it.
//
// Runs on the CPU in float32. Not thread-safe.
class AutoencoderRoundTrip {
public:
    AutoencoderRoundTrip();
    ~AutoencoderRoundTrip();
    AutoencoderRoundTrip(AutoencoderRoundTrip&&) noexcept;
    AutoencoderRoundTrip& operator=(AutoencoderRoundTrip&&) noexcept;

    // Loads movq/ of a diffusers model folder. NotFound when the folder has none.
    static Status load(const std::string& folder, AutoencoderRoundTrip& out);

    bool isLoaded() const { return m_impl != nullptr; }
    // `image` (RGB or RGBA, alpha ignored; both sides multiples of the autoencoder's factor)
    // encoded and decoded: an RGB image of the same size.
    Status run(const Image& image, Image& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace limner::engine::ml
