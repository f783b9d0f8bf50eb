#include "engine/imaging/Watermark.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace limner::engine::imaging {

namespace {

constexpr std::uint32_t kTag = 0x4C4D4E52;         // "LMNR"
constexpr std::uint64_t kKey = 0x6C696D6E65722D31; // seeds the per-cell dither and the bit layout
constexpr int kCodewordBits = 64;
constexpr int kCell = Watermark::kCellSize;
constexpr int kTile = Watermark::kTileCells;
// Embed and detect read a cell's mean over its inner 12×12 pixels: the 2-pixel ring next to the
// neighbours is what JPEG's chroma upsampling and a resize's filter blur across cells.
constexpr int kInset = 2;
// The QIM step in Cr levels. A uniform shift of up to ±4 levels in Cr costs about 41.7 dB PSNR
// when every cell of the picture is marked; marking only a region costs less.
constexpr double kStep = 8.0;
constexpr double kPi = 3.14159265358979323846;
constexpr int kTagFirstBit = 32;
// A reading is taken for a mark when its CRC matches and at most this many of the 32 tag bits are
// wrong: on unmarked pixels (random bits) that happens with odds of about 1e-5 × 2^-16 per reading.
constexpr int kMaxTagErrors = 4;
constexpr int kMaxTagErrorsToRepair = 1;
// A region with fewer cells (each bit read twice) or without a whole 8×8-cell window (each bit at
// least once) is too small to be read reliably: the whole picture is marked instead.
constexpr int kMinCells = 2 * kCodewordBits;
constexpr std::array<double, 3> kScales = {1.0, 0.75, 0.5};

std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint16_t crc16(const std::uint8_t* data, std::size_t size) { // CRC-16/CCITT-FALSE
    std::uint16_t crc = 0xFFFF;
    for (std::size_t i = 0; i < size; ++i) {
        crc = static_cast<std::uint16_t>(crc ^ (data[i] << 8));
        for (int b = 0; b < 8; ++b)
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

std::uint16_t checksum(std::uint16_t payload) {
    const std::uint8_t bytes[6] = {
        static_cast<std::uint8_t>(kTag >> 24),   static_cast<std::uint8_t>(kTag >> 16),
        static_cast<std::uint8_t>(kTag >> 8),    static_cast<std::uint8_t>(kTag),
        static_cast<std::uint8_t>(payload >> 8), static_cast<std::uint8_t>(payload)};
    return crc16(bytes, sizeof bytes);
}

// Which codeword bit each cell of a tile carries: a fixed shuffle, so the tag is not a stripe.
const std::array<int, kTile * kTile>& bitLayout() {
    static const std::array<int, kTile* kTile> layout = [] {
        std::array<int, kTile * kTile> l{};
        for (int i = 0; i < kTile * kTile; ++i)
            l[static_cast<std::size_t>(i)] = i;
        std::uint64_t state = kKey;
        for (int i = kTile * kTile - 1; i > 0; --i) {
            state = splitMix64(state);
            std::swap(l[static_cast<std::size_t>(i)],
                      l[static_cast<std::size_t>(state % static_cast<std::uint64_t>(i + 1))]);
        }
        return l;
    }();
    return layout;
}

int bitOfCell(int cx, int cy) {
    return bitLayout()[static_cast<std::size_t>((cy % kTile) * kTile + cx % kTile)];
}

double ditherOfCell(int cx, int cy) {
    const std::uint64_t h =
        splitMix64(kKey ^ ((static_cast<std::uint64_t>(static_cast<std::uint32_t>(cx)) << 32) |
                           static_cast<std::uint32_t>(cy)));
    return kStep * static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

int codewordBit(std::uint64_t codeword, int bit) {
    return static_cast<int>((codeword >> bit) & 1u);
}

double crOf(const std::uint8_t* rgb) { // JPEG's (BT.601 full-range) Cr
    return 0.5 * rgb[0] - 0.418688 * rgb[1] - 0.081312 * rgb[2] + 128.0;
}

Status checkColourImage(const Image& image) {
    if (image.empty())
        return Status::badInput("the picture is empty: a watermark needs pixels");
    if (!image.isConsistent())
        return Status::badInput("the picture's byte count does not match its " +
                                std::to_string(image.width) + "×" + std::to_string(image.height) + "×" +
                                std::to_string(image.channels) + " size");
    if (image.channels != 3 && image.channels != 4)
        return Status::badInput("the watermark needs an RGB or RGBA picture, not " +
                                std::to_string(image.channels) + " channel(s)");
    return Status::ok();
}

// The grid of whole cells over a picture; cells are numbered row by row.
struct CellGrid {
    int cellsX = 0;
    int cellsY = 0;
    int count() const { return cellsX * cellsY; }
    int index(int cx, int cy) const { return cy * cellsX + cx; }
};

CellGrid gridOf(int width, int height, double scale) {
    const double cell = kCell * scale;
    return {static_cast<int>(std::floor(width / cell + 1e-9)),
            static_cast<int>(std::floor(height / cell + 1e-9))};
}

// True when some kTile × kTile window of cells is entirely selected.
bool hasCompleteWindow(const CellGrid& grid, const std::vector<char>& selected) {
    const int w = grid.cellsX + 1;
    std::vector<int> sums(static_cast<std::size_t>(w * (grid.cellsY + 1)), 0);
    for (int y = 0; y < grid.cellsY; ++y)
        for (int x = 0; x < grid.cellsX; ++x)
            sums[static_cast<std::size_t>((y + 1) * w + x + 1)] =
                (selected[static_cast<std::size_t>(grid.index(x, y))] ? 1 : 0) +
                sums[static_cast<std::size_t>(y * w + x + 1)] +
                sums[static_cast<std::size_t>((y + 1) * w + x)] -
                sums[static_cast<std::size_t>(y * w + x)];
    for (int y = 0; y + kTile <= grid.cellsY; ++y)
        for (int x = 0; x + kTile <= grid.cellsX; ++x) {
            const auto at = [&](int xx, int yy) {
                return sums[static_cast<std::size_t>(yy * w + xx)];
            };
            if (at(x + kTile, y + kTile) - at(x, y + kTile) - at(x + kTile, y) + at(x, y) ==
                kTile * kTile)
                return true;
        }
    return false;
}

// Mean Cr over a cell's inner pixels, at the marked picture's own scale.
double innerMeanCr(const Image& image, int cx, int cy) {
    double sum = 0.0;
    for (int y = cy * kCell + kInset; y < (cy + 1) * kCell - kInset; ++y)
        for (int x = cx * kCell + kInset; x < (cx + 1) * kCell - kInset; ++x)
            sum += crOf(image.pixel(x, y));
    const int side = kCell - 2 * kInset;
    return sum / (side * side);
}

// Moves a cell's Cr by shift, starting again from the original pixels. A pixel moves along the
// direction that keeps Y and Cb (red and green in opposite senses); where red or green is clipped
// at 0 or 255, the other one makes up the rest, so saturated cells carry the mark too.
void shiftCellCr(Image& image, const Image& original, int cx, int cy, double shift) {
    constexpr double kCrPerRed = 0.5, kCrPerGreen = -0.418688;
    const auto clamp8 = [](double v) {
        return std::clamp(v, 0.0, 255.0);
    };
    for (int y = cy * kCell; y < (cy + 1) * kCell; ++y)
        for (int x = cx * kCell; x < (cx + 1) * kCell; ++x) {
            const std::uint8_t* from = original.pixel(x, y);
            double red = clamp8(from[0] + 1.402 * shift);
            double green = clamp8(from[1] - 0.714136 * shift);
            const double shortfall =
                shift - (kCrPerRed * (red - from[0]) + kCrPerGreen * (green - from[1]));
            if (std::abs(shortfall) > 1e-6) {
                green = clamp8(green + shortfall / kCrPerGreen);
                const double rest =
                    shift - (kCrPerRed * (red - from[0]) + kCrPerGreen * (green - from[1]));
                red = clamp8(red + rest / kCrPerRed);
            }
            std::uint8_t* to = image.pixel(x, y);
            to[0] = static_cast<std::uint8_t>(std::lround(red));
            to[1] = static_cast<std::uint8_t>(std::lround(green));
        }
}

Status embedInCells(Image& image, const CellGrid& grid, std::vector<char> selected,
                    std::uint16_t payload, WatermarkEmbedding* report) {
    int count = static_cast<int>(std::count(selected.begin(), selected.end(), 1));
    const bool wholePicture = count < kMinCells || !hasCompleteWindow(grid, selected);
    if (wholePicture) {
        std::fill(selected.begin(), selected.end(), 1);
        count = grid.count();
    }

    const std::uint64_t word = Watermark::codeword(payload);
    const Image original = image;
    struct CellTarget {
        int cx, cy;
        double target, shift;
    };
    std::vector<CellTarget> cells;
    cells.reserve(static_cast<std::size_t>(count));
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            if (!selected[static_cast<std::size_t>(grid.index(cx, cy))])
                continue;
            const double mean = innerMeanCr(original, cx, cy);
            const double offset =
                ditherOfCell(cx, cy) + codewordBit(word, bitOfCell(cx, cy)) * kStep / 2;
            const double target = offset + kStep * std::round((mean - offset) / kStep);
            cells.push_back({cx, cy, target, target - mean});
        }
    // Rounding to 8 bits and clipping at 0 and 255 move the mean off the lattice: measure and
    // correct a few times, never shifting a cell by more than one step.
    for (int pass = 0; pass < 4; ++pass) {
        for (CellTarget& c : cells) {
            shiftCellCr(image, original, c.cx, c.cy, c.shift);
            const double residual = c.target - innerMeanCr(image, c.cx, c.cy);
            if (std::abs(residual) > 0.05)
                c.shift = std::clamp(c.shift + residual, -kStep, kStep);
        }
    }
    for (const CellTarget& c : cells)
        shiftCellCr(image, original, c.cx, c.cy, c.shift);
    if (report)
        *report = {count, wholePicture};
    return Status::ok();
}

Status checkEmbeddable(const Image& image) {
    if (Status s = checkColourImage(image); !s)
        return s;
    if (image.width < kCell * kTile || image.height < kCell * kTile)
        return Status::badInput("the picture is " + std::to_string(image.width) + "×" +
                                std::to_string(image.height) + " but the watermark needs at least " +
                                std::to_string(kCell * kTile) + "×" + std::to_string(kCell * kTile) +
                                " pixels");
    return Status::ok();
}

// Cr summed over a rectangle with fractional corners, from the picture's integral image (exact
// for pixels taken as constant squares).
class CrIntegral {
public:
    explicit CrIntegral(const Image& image)
        : m_width(image.width)
        , m_height(image.height)
        , m_sums(static_cast<std::size_t>(image.width + 1) * static_cast<std::size_t>(image.height + 1),
                 0.0) {
        for (int y = 0; y < m_height; ++y) {
            double rowSum = 0.0;
            for (int x = 0; x < m_width; ++x) {
                rowSum += crOf(image.pixel(x, y));
                at(x + 1, y + 1) = at(x + 1, y) + rowSum;
            }
        }
    }

    double mean(double x0, double y0, double x1, double y1) const {
        const double area = (x1 - x0) * (y1 - y0);
        return (sampled(x1, y1) - sampled(x0, y1) - sampled(x1, y0) + sampled(x0, y0)) / area;
    }

private:
    double& at(int x, int y) {
        return m_sums[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width + 1) +
                      static_cast<std::size_t>(x)];
    }
    double at(int x, int y) const {
        return m_sums[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width + 1) +
                      static_cast<std::size_t>(x)];
    }
    double sampled(double x, double y) const {
        x = std::clamp(x, 0.0, static_cast<double>(m_width));
        y = std::clamp(y, 0.0, static_cast<double>(m_height));
        const int x0 = std::min(static_cast<int>(x), m_width - 1),
                  y0 = std::min(static_cast<int>(y), m_height - 1);
        const double fx = x - x0, fy = y - y0;
        return (1 - fx) * (1 - fy) * at(x0, y0) + fx * (1 - fy) * at(x0 + 1, y0) +
               (1 - fx) * fy * at(x0, y0 + 1) + fx * fy * at(x0 + 1, y0 + 1);
    }

    int m_width;
    int m_height;
    std::vector<double> m_sums;
};

// Each cell's vote: +1 when its mean sits on the lattice of bit 0, -1 on that of bit 1.
std::vector<double> cellVotes(const CrIntegral& cr, const CellGrid& grid, double scale) {
    std::vector<double> votes(static_cast<std::size_t>(grid.count()));
    const double cell = kCell * scale, inset = kInset * scale;
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            const double mean = cr.mean(cx * cell + inset, cy * cell + inset, (cx + 1) * cell - inset,
                                        (cy + 1) * cell - inset);
            votes[static_cast<std::size_t>(grid.index(cx, cy))] =
                std::cos(2 * kPi * (mean - ditherOfCell(cx, cy)) / kStep);
        }
    return votes;
}

bool checksumMatches(std::uint64_t codeword) {
    return static_cast<std::uint16_t>(codeword) == checksum(static_cast<std::uint16_t>(codeword >> 16));
}

// Chase decoding: flips one or two of the kWeakBits payload and CRC bits whose votes were closest
// to a tie and keeps the first combination whose checksum matches. The 21 extra tries raise the
// odds of a false positive by as much, which the tag test keeps negligible; they would also let a
// badly worn mark pass the CRC with a wrong payload, so only readings with a (nearly) intact tag
// are repaired.
bool repairWeakestBits(std::uint64_t& codeword, const std::array<double, kCodewordBits>& sums) {
    constexpr int kWeakBits = 6;
    std::array<int, kTagFirstBit> order{};
    for (int bit = 0; bit < kTagFirstBit; ++bit)
        order[static_cast<std::size_t>(bit)] = bit;
    std::partial_sort(order.begin(), order.begin() + kWeakBits, order.end(), [&](int a, int b) {
        return std::abs(sums[static_cast<std::size_t>(a)]) <
               std::abs(sums[static_cast<std::size_t>(b)]);
    });
    for (int i = 0; i < kWeakBits; ++i) {
        const std::uint64_t one = std::uint64_t{1} << order[static_cast<std::size_t>(i)];
        if (checksumMatches(codeword ^ one)) {
            codeword ^= one;
            return true;
        }
        for (int j = i + 1; j < kWeakBits; ++j) {
            const std::uint64_t two = one | std::uint64_t{1} << order[static_cast<std::size_t>(j)];
            if (checksumMatches(codeword ^ two)) {
                codeword ^= two;
                return true;
            }
        }
    }
    return false;
}

struct Reading {
    std::uint64_t codeword = 0;
    int tagErrors = 0; // against the 32 tag bits
    bool checksumOk = false;
    double agreement = 0.0; // weighted fraction of the read cells whose own vote agrees with codeword
};

// The codeword from the cells' votes, each counted with its weight (0 = not read).
Reading readCodeword(const std::vector<double>& votes, const CellGrid& grid,
                     const std::vector<double>& weights) {
    std::array<double, kCodewordBits> sums{};
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            const std::size_t i = static_cast<std::size_t>(grid.index(cx, cy));
            sums[static_cast<std::size_t>(bitOfCell(cx, cy))] += weights[i] * votes[i];
        }
    Reading r;
    for (int bit = 0; bit < kCodewordBits; ++bit)
        if (sums[static_cast<std::size_t>(bit)] < 0)
            r.codeword |= std::uint64_t{1} << bit;
    const std::uint64_t tagBits = static_cast<std::uint64_t>(kTag) << 32;
    for (int bit = kTagFirstBit; bit < kCodewordBits; ++bit)
        r.tagErrors += codewordBit(r.codeword, bit) != codewordBit(tagBits, bit);
    r.checksumOk = checksumMatches(r.codeword);
    if (!r.checksumOk && r.tagErrors <= kMaxTagErrorsToRepair)
        r.checksumOk = repairWeakestBits(r.codeword, sums);
    double agreeing = 0.0, total = 0.0;
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            const std::size_t i = static_cast<std::size_t>(grid.index(cx, cy));
            total += weights[i];
            if ((votes[i] < 0) == (codewordBit(r.codeword, bitOfCell(cx, cy)) == 1))
                agreeing += weights[i];
        }
    r.agreement = total > 0 ? agreeing / total : 0.0;
    return r;
}

// Weights that read a mark covering only part of the picture: how well the cells within two cells
// of a cell (never the cell itself) agree with codeword's bits in known (a bit mask). Inside the
// marked area that is about the votes' strength (1 on pristine pixels), just outside its edge
// less than half of it, on unmarked pixels about 0 ± 0.2; below kMinAgreement a cell is not read.
// Because a cell's own vote never decides its weight, the bits read stay unbiased on unmarked
// pictures, and the tag and checksum tests keep their false-positive rate.
std::vector<double> weightsFromNeighbours(const std::vector<double>& votes, const CellGrid& grid,
                                          std::uint64_t codeword, std::uint64_t known) {
    constexpr int kRadius = 2;
    constexpr double kMinAgreement = 0.25;
    std::vector<double> agreement(votes.size(), 0.0);
    std::vector<char> counts(votes.size(), 0);
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            const int bit = bitOfCell(cx, cy);
            const std::size_t i = static_cast<std::size_t>(grid.index(cx, cy));
            if (codewordBit(known, bit)) {
                agreement[i] = codewordBit(codeword, bit) ? -votes[i] : votes[i];
                counts[i] = 1;
            }
        }
    std::vector<double> weights(votes.size(), 0.0);
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            double sum = 0.0;
            int n = 0;
            for (int y = std::max(0, cy - kRadius); y <= std::min(grid.cellsY - 1, cy + kRadius); ++y)
                for (int x = std::max(0, cx - kRadius); x <= std::min(grid.cellsX - 1, cx + kRadius);
                     ++x) {
                    const std::size_t j = static_cast<std::size_t>(grid.index(x, y));
                    if ((x != cx || y != cy) && counts[j]) {
                        sum += agreement[j];
                        ++n;
                    }
                }
            const double mean = n > 0 ? sum / n : 0.0;
            weights[static_cast<std::size_t>(grid.index(cx, cy))] =
                mean >= kMinAgreement ? mean * mean : 0.0;
        }
    return weights;
}

bool hasAny(const std::vector<double>& weights) {
    return std::any_of(weights.begin(), weights.end(), [](double w) { return w > 0; });
}

} // namespace

std::uint64_t Watermark::codeword(std::uint16_t payload) {
    return (static_cast<std::uint64_t>(kTag) << 32) | (static_cast<std::uint64_t>(payload) << 16) |
           checksum(payload);
}

Status Watermark::embed(Image& image, const Rect& region, std::uint16_t payload,
                        WatermarkEmbedding* report) {
    if (Status s = checkEmbeddable(image); !s)
        return s;
    if (region.empty() || region.x < 0 || region.y < 0 || region.right() > image.width ||
        region.bottom() > image.height)
        return Status::badInput("the watermark region " + std::to_string(region.width) + "×" +
                                std::to_string(region.height) + " at (" + std::to_string(region.x) +
                                ", " + std::to_string(region.y) + ") is empty or reaches outside the " +
                                std::to_string(image.width) + "×" + std::to_string(image.height) +
                                " picture");
    const CellGrid grid = gridOf(image.width, image.height, 1.0);
    std::vector<char> selected(static_cast<std::size_t>(grid.count()), 0);
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx)
            selected[static_cast<std::size_t>(grid.index(cx, cy))] =
                cx * kCell >= region.x && cy * kCell >= region.y &&
                (cx + 1) * kCell <= region.right() && (cy + 1) * kCell <= region.bottom();
    return embedInCells(image, grid, std::move(selected), payload, report);
}

Status Watermark::embed(Image& image, const Image& mask, std::uint16_t payload,
                        WatermarkEmbedding* report) {
    if (Status s = checkEmbeddable(image); !s)
        return s;
    if (mask.channels != 1 || !mask.isConsistent() || mask.width != image.width ||
        mask.height != image.height)
        return Status::badInput("the generated-pixel mask is " + std::to_string(mask.width) + "×" +
                                std::to_string(mask.height) + "×" + std::to_string(mask.channels) +
                                " but must be 1 channel and the picture's size, " +
                                std::to_string(image.width) + "×" + std::to_string(image.height));
    const CellGrid grid = gridOf(image.width, image.height, 1.0);
    std::vector<char> selected(static_cast<std::size_t>(grid.count()), 0);
    for (int cy = 0; cy < grid.cellsY; ++cy)
        for (int cx = 0; cx < grid.cellsX; ++cx) {
            bool all = true;
            for (int y = cy * kCell; y < (cy + 1) * kCell && all; ++y) {
                const std::uint8_t* row = mask.row(y) + cx * kCell;
                all = std::all_of(row, row + kCell, [](std::uint8_t v) { return v != 0; });
            }
            selected[static_cast<std::size_t>(grid.index(cx, cy))] = all;
        }
    return embedInCells(image, grid, std::move(selected), payload, report);
}

WatermarkDetection Watermark::detect(const Image& image) {
    WatermarkDetection result;
    result.status = checkColourImage(image);
    if (!result.status)
        return result;
    const CrIntegral cr(image);
    Reading best;
    best.tagErrors = kCodewordBits;
    double bestScale = 0.0;
    for (const double scale : kScales) {
        const CellGrid grid = gridOf(image.width, image.height, scale);
        if (grid.cellsX < kTile || grid.cellsY < kTile)
            continue;
        const std::vector<double> votes = cellVotes(cr, grid, scale);
        // Three readings, each unbiased on unmarked pixels: every cell alike (a mark over the whole
        // picture, however worn), cells near cells that carry the tag (a mark over part of the
        // picture), and cells near cells that agree with that second reading.
        const std::vector<double> everyCell(votes.size(), 1.0);
        const std::uint64_t tagBits = static_cast<std::uint64_t>(kTag) << 32;
        const std::uint64_t tagMask = ~std::uint64_t{0} << kTagFirstBit;
        std::vector<Reading> readings = {readCodeword(votes, grid, everyCell)};
        const std::vector<double> nearTag = weightsFromNeighbours(votes, grid, tagBits, tagMask);
        if (hasAny(nearTag)) {
            readings.push_back(readCodeword(votes, grid, nearTag));
            const std::vector<double> nearAgreeing =
                weightsFromNeighbours(votes, grid, readings.back().codeword, ~std::uint64_t{0});
            if (hasAny(nearAgreeing))
                readings.push_back(readCodeword(votes, grid, nearAgreeing));
        }
        for (const Reading& r : readings) {
            if (r.checksumOk && r.tagErrors <= kMaxTagErrors) {
                result.found = true;
                result.payload = static_cast<std::uint16_t>(r.codeword >> 16);
                result.confidence = r.agreement;
                result.codeword = r.codeword;
                result.scale = scale;
                return result;
            }
            if (r.tagErrors < best.tagErrors) {
                best = r;
                bestScale = scale;
            }
        }
    }
    result.confidence = best.agreement;
    result.codeword = best.codeword;
    result.scale = bestScale;
    return result;
}

} // namespace limner::engine::imaging
