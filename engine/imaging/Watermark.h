#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"
#include "engine/core/Status.h"

#include <cstdint>

namespace limner::engine::imaging {

// What embed() did.
struct WatermarkEmbedding {
    int cells = 0;             // 16×16-pixel cells that carry the mark
    bool wholePicture = false; // true when the region was too small and the whole picture was marked
};

// What detect() read from the pixels.
struct WatermarkDetection {
    Status status;              // BadInput for an image that cannot be read; found is then false
    bool found = false;         // the Limner tag and the checksum were read intact
    std::uint16_t payload = 0;  // meaningful only when found
    double confidence = 0.0;    // fraction of the read cells whose bit agrees with the decoded codeword
    std::uint64_t codeword = 0; // the 64 bits read (best attempt, also when not found)
    double scale = 0.0; // the picture's scale relative to the marked original (1, 0.75, 0.5); 0 if none
};

// An invisible mark that says "made by Limner" plus 16 bits of payload, carried in the pixels, so
// it survives re-encoding and metadata stripping:
//
//   Image picture = ...;                         // RGB or RGBA
//   Watermark::embed(picture, generatedRect, 7);
//   WatermarkDetection seen = Watermark::detect(picture);   // seen.found, seen.payload == 7
//
// The scheme: the picture is cut into 16×16-pixel cells on a grid anchored at its top-left corner
// (which is also JPEG's chroma block grid). Each cell carries one bit of a 64-bit codeword
// ("LMNR" tag, payload, CRC-16) as the mean of its chroma Cr channel over its inner 12×12 pixels,
// quantised onto one of two interleaved lattices (dithered QIM, step 8 levels, a keyed random
// offset per cell). A cell's mean is its DCT DC coefficient in the Haar LL band: the coefficient
// that JPEG and downscaling disturb least. The codeword repeats in 8×8-cell tiles, so every
// 8×8 window of cells holds each bit once. Detection never knows the region: it reads every cell's
// vote, weights the cells by how well their neighbours agree with the tag (so unmarked parts of
// the picture do not drown a marked region), adds the votes per bit, repairs up to two weak
// payload/CRC bits against the CRC, and reports a mark only when the CRC matches and at most 4 of
// the 32 tag bits are wrong. It tries the scales 1, 0.75 and 0.5, so a downscaled copy is read.
//
// Region: cells that lie wholly inside the region (or the mask's non-zero pixels) are changed,
// nothing else. When that leaves fewer than 128 cells or no complete 8×8-cell window (a region
// under about 144×144 pixels), the whole picture is marked instead and the report says so.
//
// Thread safety: every function is pure apart from its image argument; calls on different images
// may run concurrently.
class Watermark {
public:
    static constexpr int kCellSize = 16;
    static constexpr int kTileCells = 8;

    // Marks the cells inside region (canvas pixels; must lie inside the image). The image must be
    // RGB or RGBA (alpha is left alone) and at least 128×128 pixels.
    static Status embed(Image& image, const Rect& region, std::uint16_t payload,
                        WatermarkEmbedding* report = nullptr);
    // The same with the generated pixels given as a canvas-sized 1-channel mask (non-zero =
    // generated): only cells whose pixels are all generated are marked.
    static Status embed(Image& image, const Image& mask, std::uint16_t payload,
                        WatermarkEmbedding* report = nullptr);

    // Reads the mark from the final pixels alone.
    static WatermarkDetection detect(const Image& image);

    // The 64 bits embed() writes for payload: tag "LMNR" (bits 63–32), payload (31–16), CRC-16.
    static std::uint64_t codeword(std::uint16_t payload);
};

} // namespace limner::engine::imaging
