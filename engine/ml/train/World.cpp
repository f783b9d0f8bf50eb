#include "engine/ml/train/World.h"

#include <algorithm>
#include <cmath>

namespace limner::engine::ml::train {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// A hash of a texture seed and integer coordinates in [0, 1).
double hash01(std::uint64_t seed, std::int64_t a, std::int64_t b = 0) {
    const std::uint64_t h = mix(seed ^ mix(static_cast<std::uint64_t>(a) * 0x9e3779b97f4a7c15ULL +
                                           static_cast<std::uint64_t>(b)));
    return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

std::uint8_t clampByte(double v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

Rgb shade(Rgb c, double delta) {
    return {clampByte(c.r + delta), clampByte(c.g + delta), clampByte(c.b + delta)};
}

Rgb backgroundPixel(const Scene& s, int x, int y) {
    const auto& colours = worldColours();
    const std::uint64_t seed = s.textureSeed;
    switch (s.background) {
    case Background::Sky: {
        const double t = y / static_cast<double>(kSceneSide - 1);
        return {clampByte(70 + 110 * t), clampByte(130 + 85 * t), clampByte(220 + 25 * t)};
    }
    case Background::Grass: {
        // Vertical blades: a brightness per column, varied every few rows.
        const double blade = hash01(seed, x, y / 5) * 0.6 + hash01(seed, x, 977) * 0.4;
        return shade({60, 150, 50}, (blade - 0.5) * 50);
    }
    case Background::Water: {
        const double phase = hash01(seed, 1) * 2 * kPi;
        const double wave = std::sin(y * 0.55 + 3.0 * std::sin(x * 0.08 + phase));
        return shade({40, 90, 170}, 22 * wave);
    }
    case Background::Sand:
        return shade({220, 195, 140}, (hash01(seed, x, y) - 0.5) * 30);
    case Background::Brick: {
        const int row = y / 12;
        const int shifted = x + ((row % 2) ? 12 : 0);
        const int column = shifted / 24;
        if (y % 12 < 2 || shifted % 24 < 2)
            return {200, 195, 185};
        return shade({165, 70, 50}, (hash01(seed, row, column) - 0.5) * 40);
    }
    case Background::Wood: {
        const int plank = y / 20;
        if (y % 20 == 0)
            return {90, 55, 25};
        const double grain =
            std::sin(x * 0.15 + hash01(seed, plank) * 2 * kPi + 2.0 * std::sin(y * 0.3 + plank));
        return shade({150, 100, 55}, 14 * grain + (hash01(seed, plank, 5) - 0.5) * 20);
    }
    case Background::Stripes: {
        const int orientation = static_cast<int>(seed % 3);
        const int coordinate = orientation == 0 ? x : orientation == 1 ? y : x + y;
        const bool first = (coordinate / 12) % 2 == 0;
        return colours[first ? s.backgroundColour : s.backgroundColour2].rgb;
    }
    case Background::Checker: {
        const bool first = ((x / 16) + (y / 16)) % 2 == 0;
        return colours[first ? s.backgroundColour : s.backgroundColour2].rgb;
    }
    case Background::Plain:
        break;
    }
    return colours[s.backgroundColour].rgb;
}

bool inCircle(double u, double v, double cu, double cv, double r) {
    return (u - cu) * (u - cu) + (v - cv) * (v - cv) <= r * r;
}

// Whether (u, v) in the object's unit frame ([-1, 1]², y down) is inside; part: 0 = the named
// colour, 1..3 = fixed colours (trunk, roof, door).
bool insideShape(Shape shape, double u, double v, int& part) {
    part = 0;
    const double au = std::abs(u), av = std::abs(v);
    switch (shape) {
    case Shape::Circle:
        return inCircle(u, v, 0, 0, 0.9);
    case Shape::Square:
        return au <= 0.72 && av <= 0.72;
    case Shape::Triangle:
        return v >= -0.8 && v <= 0.7 && au <= (v + 0.8) / 1.5 * 0.9;
    case Shape::Star: {
        const double r = std::sqrt(u * u + v * v);
        double a = std::atan2(u, -v); // 0 at the top
        const double sector = 2 * kPi / 5;
        a = std::fmod(a + 10 * sector, sector) / sector; // [0, 1) within one point
        const double edge = 0.38 + (0.95 - 0.38) * std::abs(1 - 2 * a);
        return r <= edge;
    }
    case Shape::Heart: {
        const double x = u * 1.2, y = -v * 1.2 + 0.25;
        const double q = x * x + y * y - 1;
        return q * q * q - x * x * y * y * y <= 0;
    }
    case Shape::Ring: {
        const double r2 = u * u + v * v;
        return r2 <= 0.9 * 0.9 && r2 >= 0.52 * 0.52;
    }
    case Shape::Cross:
        return (au <= 0.27 && av <= 0.85) || (av <= 0.27 && au <= 0.85);
    case Shape::Moon:
        return inCircle(u, v, 0, 0, 0.85) && !inCircle(u, v, 0.42, -0.18, 0.72);
    case Shape::Tree:
        if (inCircle(u, v, 0, -0.3, 0.62))
            return true;
        part = 1;
        return au <= 0.14 && v >= 0.2 && v <= 0.95;
    case Shape::House:
        if (v >= -0.05 && v <= 0.85 && au <= 0.62) {
            part = (au <= 0.14 && v >= 0.4) ? 3 : 0;
            return true;
        }
        part = 2;
        return v >= -0.85 && v < -0.05 && au <= (v + 0.85) / 0.8 * 0.82;
    }
    return false;
}

Rgb partColour(const WorldObject& o, int part) {
    switch (part) {
    case 1:
        return {110, 70, 35}; // trunk
    case 2:
        return {120, 45, 40}; // roof
    case 3:
        return {70, 45, 30}; // door
    default:
        return worldColours()[o.colour].rgb;
    }
}

constexpr int kSamples = 3; // per axis

// Calls f(x, y, coverage, rgb) for every pixel the object touches.
template <typename F>
void rasterise(const WorldObject& o, F&& f) {
    const int x0 = std::max(0, o.cx - o.radius - 1), x1 = std::min(kSceneSide - 1, o.cx + o.radius + 1);
    const int y0 = std::max(0, o.cy - o.radius - 1), y1 = std::min(kSceneSide - 1, o.cy + o.radius + 1);
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            double r = 0, g = 0, b = 0;
            int hits = 0;
            for (int sy = 0; sy < kSamples; ++sy) {
                for (int sx = 0; sx < kSamples; ++sx) {
                    const double px = x + (sx + 0.5) / kSamples, py = y + (sy + 0.5) / kSamples;
                    const double u = (px - o.cx) / o.radius, v = (py - o.cy) / o.radius;
                    int part = 0;
                    if (!insideShape(o.shape, u, v, part))
                        continue;
                    const Rgb c = partColour(o, part);
                    r += c.r, g += c.g, b += c.b;
                    ++hits;
                }
            }
            if (hits)
                f(x, y, hits / double(kSamples * kSamples),
                  Rgb{clampByte(r / hits), clampByte(g / hits), clampByte(b / hits)});
        }
    }
}

std::string backgroundPhrase(const Scene& s) {
    const auto& colours = worldColours();
    switch (s.background) {
    case Background::Sky:
        return "in the sky";
    case Background::Stripes:
        return std::string("on ") + colours[s.backgroundColour].name + " and " +
               colours[s.backgroundColour2].name + " stripes";
    case Background::Checker:
        return std::string("on a ") + colours[s.backgroundColour].name + " and " +
               colours[s.backgroundColour2].name + " checkerboard";
    case Background::Plain:
        return std::string("on ") + colours[s.backgroundColour].name;
    case Background::Brick:
        return "on a brick wall";
    default:
        return std::string("on ") + backgroundWord(s.background);
    }
}

std::string joinObjects(const std::vector<const WorldObject*>& objects) {
    std::string out;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (i > 0)
            out += i + 1 == objects.size() ? " and " : ", ";
        out += objectPhrase(*objects[i]);
    }
    return out;
}

std::vector<const WorldObject*> leftToRight(const Scene& s) {
    std::vector<const WorldObject*> v;
    for (const WorldObject& o : s.objects)
        v.push_back(&o);
    std::stable_sort(v.begin(), v.end(),
                     [](const WorldObject* a, const WorldObject* b) { return a->cx < b->cx; });
    return v;
}

} // namespace

std::uint64_t WorldRandom::next() {
    m_state += 0x9e3779b97f4a7c15ULL;
    return mix(m_state);
}

int WorldRandom::below(int n) {
    return static_cast<int>(next() % static_cast<std::uint64_t>(n));
}

double WorldRandom::unit() {
    return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
}

const std::vector<NamedColour>& worldColours() {
    static const std::vector<NamedColour> colours{
        {"red", {220, 40, 40}},     {"orange", {245, 140, 30}}, {"yellow", {245, 220, 40}},
        {"green", {50, 170, 60}},   {"blue", {40, 80, 220}},    {"purple", {140, 60, 190}},
        {"pink", {245, 130, 190}},  {"brown", {130, 80, 40}},   {"black", {25, 25, 25}},
        {"white", {245, 245, 245}}, {"gray", {128, 128, 128}},  {"cyan", {40, 200, 220}},
    };
    return colours;
}

int nearestColour(Rgb c) {
    const auto& colours = worldColours();
    int best = 0;
    long bestDistance = -1;
    for (std::size_t i = 0; i < colours.size(); ++i) {
        const long dr = c.r - colours[i].rgb.r, dg = c.g - colours[i].rgb.g,
                   db = c.b - colours[i].rgb.b;
        const long d = dr * dr + dg * dg + db * db;
        if (bestDistance < 0 || d < bestDistance)
            bestDistance = d, best = static_cast<int>(i);
    }
    return best;
}

const char* backgroundWord(Background b) {
    static const char* words[] = {"sky",  "grass",   "water",        "sand", "brick",
                                  "wood", "stripes", "checkerboard", "plain"};
    return words[static_cast<int>(b)];
}

const char* shapeWord(Shape s) {
    static const char* words[] = {"circle", "square", "triangle", "star", "heart",
                                  "ring",   "cross",  "moon",     "tree", "house"};
    return words[static_cast<int>(s)];
}

const char* sizeWord(Size s) {
    return s == Size::Small ? "small" : s == Size::Big ? "big" : "";
}

Scene makeScene(std::uint64_t seed, std::uint64_t index) {
    WorldRandom rng(mix(seed * 0x2545f4914f6cdd1dULL + index));
    Scene s;
    const int colourCount = static_cast<int>(worldColours().size());
    s.background = static_cast<Background>(rng.below(kBackgroundCount));
    s.backgroundColour = rng.below(colourCount);
    s.backgroundColour2 = (s.backgroundColour + 1 + rng.below(colourCount - 1)) % colourCount;
    s.textureSeed = rng.next();
    const bool colouredBackground = s.background == Background::Plain ||
                                    s.background == Background::Stripes ||
                                    s.background == Background::Checker;
    const int count = 1 + rng.below(3);
    for (int i = 0; i < count; ++i) {
        WorldObject o;
        o.shape = static_cast<Shape>(rng.below(kShapeCount));
        o.size = static_cast<Size>(rng.below(3));
        o.radius = o.size == Size::Small    ? rng.between(10, 13)
                   : o.size == Size::Medium ? rng.between(16, 20)
                                            : rng.between(25, 31);
        do {
            o.colour = rng.below(colourCount);
        } while (colouredBackground &&
                 (o.colour == s.backgroundColour ||
                  (s.background != Background::Plain && o.colour == s.backgroundColour2)));
        bool placed = false;
        for (int attempt = 0; attempt < 40 && !placed; ++attempt) {
            o.cx = rng.between(o.radius + 2, kSceneSide - o.radius - 3);
            o.cy = rng.between(o.radius + 2, kSceneSide - o.radius - 3);
            placed = true;
            for (const WorldObject& other : s.objects) {
                const int dx = o.cx - other.cx, dy = o.cy - other.cy, gap = o.radius + other.radius + 3;
                placed = placed && dx * dx + dy * dy >= gap * gap;
            }
        }
        if (placed)
            s.objects.push_back(o);
    }
    return s;
}

std::string objectPhrase(const WorldObject& o) {
    std::string phrase = "a ";
    if (o.size != Size::Medium)
        phrase += std::string(sizeWord(o.size)) + " ";
    return phrase + worldColours()[o.colour].name + " " + shapeWord(o.shape);
}

std::string caption(const Scene& s) {
    return joinObjects(leftToRight(s)) + " " + backgroundPhrase(s);
}

std::string captionVariant(const Scene& s, int variant) {
    const auto objects = leftToRight(s);
    switch (variant % 4) {
    case 1:
        return joinObjects(objects);
    case 2:
        return objectPhrase(*objects[(variant / 4) % objects.size()]);
    default:
        return caption(s);
    }
}

std::vector<std::uint8_t> render(const Scene& s, bool withObjects) {
    std::vector<std::uint8_t> rgb(kSceneSide * kSceneSide * 3);
    for (int y = 0; y < kSceneSide; ++y) {
        for (int x = 0; x < kSceneSide; ++x) {
            const Rgb c = backgroundPixel(s, x, y);
            std::uint8_t* p = &rgb[(y * kSceneSide + x) * 3];
            p[0] = c.r, p[1] = c.g, p[2] = c.b;
        }
    }
    if (!withObjects)
        return rgb;
    for (const WorldObject& o : s.objects) {
        rasterise(o, [&](int x, int y, double coverage, Rgb c) {
            std::uint8_t* p = &rgb[(y * kSceneSide + x) * 3];
            p[0] = clampByte(p[0] + (c.r - p[0]) * coverage);
            p[1] = clampByte(p[1] + (c.g - p[1]) * coverage);
            p[2] = clampByte(p[2] + (c.b - p[2]) * coverage);
        });
    }
    return rgb;
}

std::vector<float> objectCoverage(const WorldObject& o) {
    std::vector<float> coverage(kSceneSide * kSceneSide, 0.0f);
    rasterise(
        o, [&](int x, int y, double c, Rgb) { coverage[y * kSceneSide + x] = static_cast<float>(c); });
    return coverage;
}

std::vector<std::string> worldWords() {
    std::vector<std::string> words{"a",    "and",  "on",      "in",          "the",  "small",
                                   "big",  "sky",  "grass",   "water",       "sand", "brick",
                                   "wall", "wood", "stripes", "checkerboard"};
    for (const NamedColour& c : worldColours())
        words.push_back(c.name);
    for (int s = 0; s < kShapeCount; ++s)
        words.push_back(shapeWord(static_cast<Shape>(s)));
    return words;
}

} // namespace limner::engine::ml::train
