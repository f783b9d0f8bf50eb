#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine::ml::train {

// The little world limner-mini learns from: 128 × 128 scenes of one background and one to three
// flat objects, each with an English caption. Everything is a pure function of the seed (own
// integer generator, no std:: distributions), so a scene number means the same picture on every
// machine. The vocabulary and grammar are documented in resources/models/limner-mini/README.md.
struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

struct NamedColour {
    const char* name;
    Rgb rgb;
};

// The twelve object colours, in caption order.
const std::vector<NamedColour>& worldColours();
// Index of the named colour nearest to rgb (plain RGB distance); the evaluation's colour judge.
int nearestColour(Rgb rgb);

enum class Background { Sky, Grass, Water, Sand, Brick, Wood, Stripes, Checker, Plain };
enum class Shape { Circle, Square, Triangle, Star, Heart, Ring, Cross, Moon, Tree, House };
enum class Size { Small, Medium, Big };

const char* backgroundWord(Background b);
const char* shapeWord(Shape s);
const char* sizeWord(Size s); // "" for medium
constexpr int kBackgroundCount = 9;
constexpr int kShapeCount = 10;

struct WorldObject {
    Shape shape = Shape::Circle;
    int colour = 0; // index into worldColours()
    Size size = Size::Medium;
    int cx = 64, cy = 64, radius = 16; // pixels; the object lies within the circle of radius
};

struct Scene {
    Background background = Background::Plain;
    int backgroundColour = 0;      // Plain, Stripes, Checker: first colour
    int backgroundColour2 = 0;     // Stripes, Checker: second colour
    std::uint64_t textureSeed = 0; // grass blades, sand grain, wood grain, waves
    std::vector<WorldObject> objects;
};

constexpr int kSceneSide = 128;

// A small deterministic generator (SplitMix64).
class WorldRandom {
public:
    explicit WorldRandom(std::uint64_t seed)
        : m_state(seed) {}
    std::uint64_t next();
    int below(int n);                                               // [0, n)
    double unit();                                                  // [0, 1)
    int between(int lo, int hi) { return lo + below(hi - lo + 1); } // [lo, hi]

private:
    std::uint64_t m_state;
};

// The scene of number `index` in the stream of `seed` (training uses seed 1, evaluation seed 2).
Scene makeScene(std::uint64_t seed, std::uint64_t index);

// "a red star and a small blue circle on grass". Objects are named left to right.
std::string caption(const Scene& scene);
// What a person would type to put one object somewhere: "a small red star".
std::string objectPhrase(const WorldObject& object);
// A caption for training the text side: the whole caption, the objects without the background,
// or one object alone, chosen by `variant` (0, 1, 2, …).
std::string captionVariant(const Scene& scene, int variant);

// RGB bytes, row-major, kSceneSide² × 3. withObjects=false draws the background alone (the
// ground truth for erasing).
std::vector<std::uint8_t> render(const Scene& scene, bool withObjects = true);
// Coverage of one object in [0, 1] per pixel (kSceneSide²), anti-aliased like render().
std::vector<float> objectCoverage(const WorldObject& object);

// Every word a caption can contain.
std::vector<std::string> worldWords();

} // namespace limner::engine::ml::train
