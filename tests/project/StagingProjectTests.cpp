#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/StagingActions.h"
#include "app/project/Autosave.h"
#include "app/project/OraReader.h"
#include "app/project/ProjectFile.h"
#include "app/project/ZipReader.h"
#include "app/project/ZipWriter.h"
#include "tests/project/ProjectFixtures.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QUndoStack>
#include <QtEndian>
#include <catch2/catch.hpp>
#include <functional>
#include <zlib.h>

using limner::app::Autosave;
using limner::app::Document;
using limner::app::OraReader;
using limner::app::ProjectFile;
using limner::app::StagingEntry;
using limner::app::ZipReader;
using limner::app::ZipWriter;
namespace engine = limner::engine;

namespace {

// Random bytes, so that any loss (premultiplying, channel order, rounding) shows. RGBA images
// also get every alpha value, with colour under alpha 0.
engine::Image noise(int width, int height, int channels, quint32 seed) {
    engine::Image image(width, height, channels);
    QRandomGenerator random(seed);
    for (std::uint8_t& byte : image.bytes)
        byte = static_cast<std::uint8_t>(random.bounded(256));
    if (channels == 4) {
        for (std::size_t i = 3; i < image.bytes.size(); i += 4)
            image.bytes[i] = static_cast<std::uint8_t>((i / 4) % 256);
    }
    return image;
}

// One finished job as GenerationController records it: values off their defaults everywhere.
StagingEntry makeEntry(int n, const QSize& canvas, bool outpaint, int candidates) {
    StagingEntry e;
    e.created = QDateTime::currentDateTime().addSecs(n);
    e.prompt = QStringLiteral("job %1: a lighthouse at dusk, “oil” ünïcødé 灯台").arg(n);
    e.negativePrompt = QStringLiteral("blurry, text");
    e.backend = n % 2 ? QStringLiteral("kandinsky-2-2-decoder-inpaint") : QStringLiteral("telea");
    e.seed = 0xfedcba9876543210ull + static_cast<quint64>(n); // past 2^53
    e.candidateCount = candidates;
    e.composite.contextMargin = 40 + n;
    e.composite.denoiseGrow = 7;
    e.composite.blendFeather = 11;
    e.composite.colorMatch = false;
    e.composite.colorMatchMode = engine::imaging::ColorMatchMode::Histogram;
    e.composite.blendGrow = 3;
    e.composite.poisson = true;
    e.diffusion.steps = 20 + n;
    e.diffusion.guidanceScale = 5.5;
    e.diffusion.scheduler = "dpm++2m-karras";
    e.diffusion.strength = 0.75;
    e.diffusion.softMask = n % 2 == 1;
    e.diffusion.softCurve = 0.5;
    e.diffusion.textWeight = 0.25;
    e.diffusion.dtype = "bfloat16";
    e.seedMethod = engine::imaging::SeedMethod::Noise;
    e.mask = limner::app::ImageConvert::toQImage(noise(canvas.width(), canvas.height(), 1, 100 + n));
    e.sourceCanvas = canvas;
    engine::InpaintResult& r = e.result;
    r.region = engine::Rect{outpaint ? -16 : 8, 4 + n, 33, 21};
    if (outpaint) {
        e.frame = QRect(-16, 4, 64, 48);
        e.growth = limner::app::CanvasMargins{16, 0, 0, 0};
    }
    r.backend = e.backend.toStdString();
    r.prompt = e.prompt.toStdString();
    r.targetLayerId = 2;
    r.documentRevision = 0x1234567890abcdefull;
    r.userMask = noise(r.region.width, r.region.height, 1, 200 + n);
    r.denoiseGrow = 5;
    r.blendFeather = 9;
    r.blendGrow = 2;
    r.colorRingWidth = 6;
    r.composite = e.composite;
    for (int i = 0; i < candidates; ++i) {
        engine::InpaintCandidate c;
        c.seed = e.seed + static_cast<quint64>(i);
        c.layer = noise(r.region.width, r.region.height, 4, 300 + n * 10 + i);
        c.generated = noise(r.region.width, r.region.height, 3, 400 + n * 10 + i);
        r.candidates.push_back(c);
    }
    return e;
}

void requireSameEntry(const StagingEntry& a, const StagingEntry& b) {
    CHECK(a.id == b.id);
    CHECK(a.created == b.created);
    CHECK(a.prompt == b.prompt);
    CHECK(a.negativePrompt == b.negativePrompt);
    CHECK(a.backend == b.backend);
    CHECK(a.seed == b.seed);
    CHECK(a.candidateCount == b.candidateCount);
    for (const auto* c : {&a.composite, &a.result.composite}) {
        const engine::CompositeSettings& d = c == &a.composite ? b.composite : b.result.composite;
        CHECK(c->contextMargin == d.contextMargin);
        CHECK(c->denoiseGrow == d.denoiseGrow);
        CHECK(c->blendFeather == d.blendFeather);
        CHECK(c->colorMatch == d.colorMatch);
        CHECK(c->colorMatchMode == d.colorMatchMode);
        CHECK(c->blendGrow == d.blendGrow);
        CHECK(c->poisson == d.poisson);
    }
    CHECK(a.diffusion.steps == b.diffusion.steps);
    CHECK(a.diffusion.guidanceScale == b.diffusion.guidanceScale);
    CHECK(a.diffusion.scheduler == b.diffusion.scheduler);
    CHECK(a.diffusion.strength == b.diffusion.strength);
    CHECK(a.diffusion.softMask == b.diffusion.softMask);
    CHECK(a.diffusion.softCurve == b.diffusion.softCurve);
    CHECK(a.diffusion.textWeight == b.diffusion.textWeight);
    CHECK(a.diffusion.device == b.diffusion.device);
    CHECK(a.diffusion.dtype == b.diffusion.dtype);
    CHECK(a.seedMethod == b.seedMethod);
    CHECK((b.mask.isNull() || b.mask.format() == QImage::Format_Grayscale8));
    CHECK(a.mask == b.mask);
    CHECK(a.frame == b.frame);
    CHECK(a.growth == b.growth);
    CHECK(a.sourceCanvas == b.sourceCanvas);
    CHECK(a.isOutpaint() == b.isOutpaint());
    const engine::InpaintResult& x = a.result;
    const engine::InpaintResult& y = b.result;
    CHECK(x.region == y.region);
    CHECK(x.backend == y.backend);
    CHECK(x.prompt == y.prompt);
    CHECK(x.targetLayerId == y.targetLayerId);
    CHECK(x.documentRevision == y.documentRevision);
    CHECK(x.userMask == y.userMask);
    CHECK(x.denoiseGrow == y.denoiseGrow);
    CHECK(x.blendFeather == y.blendFeather);
    CHECK(x.blendGrow == y.blendGrow);
    CHECK(x.colorRingWidth == y.colorRingWidth);
    REQUIRE(x.candidates.size() == y.candidates.size());
    for (std::size_t i = 0; i < x.candidates.size(); ++i) {
        INFO("candidate " << i);
        CHECK(x.candidates[i].seed == y.candidates[i].seed);
        CHECK(x.candidates[i].layer == y.candidates[i].layer); // every byte
        CHECK(x.candidates[i].generated == y.candidates[i].generated);
    }
}

void requireSameLayers(const Document& a, const Document& b) {
    REQUIRE(a.canvasSize() == b.canvasSize());
    REQUIRE(a.layerCount() == b.layerCount());
    for (int i = 0; i < a.layerCount(); ++i) {
        CHECK(a.layers()[static_cast<std::size_t>(i)].id == b.layers()[static_cast<std::size_t>(i)].id);
        CHECK(a.layers()[static_cast<std::size_t>(i)].pixels ==
              b.layers()[static_cast<std::size_t>(i)].pixels);
    }
    CHECK(a.mask() == b.mask());
}

// A document with layers and three staged jobs: an inpaint with 3 candidates, an outpaint with
// 2, an inpaint whose backend left no "generated" pixels and one with no candidates at all.
void buildStagedDocument(Document& document) {
    ProjectFixtures::buildLayeredDocument(document);
    const QSize canvas = document.canvasSize();
    document.addStagingEntry(makeEntry(1, canvas, false, 3));
    document.addStagingEntry(makeEntry(2, canvas, true, 2));
    StagingEntry classical = makeEntry(3, canvas, false, 1);
    classical.result.candidates.front().generated = {};
    classical.mask = QImage();
    document.addStagingEntry(classical);
    document.removeStagingEntry(1); // ids in the file need not start at 1 or be contiguous
    document.addStagingEntry(makeEntry(4, canvas, false, 0));
}

using Entries = std::vector<std::pair<QString, QByteArray>>;

Entries entriesOf(const QByteArray& archive) {
    ZipReader zip;
    QString error;
    REQUIRE(zip.open(archive, ZipReader::Limits(), &error));
    Entries out;
    for (const ZipReader::Entry& e : zip.entries())
        out.emplace_back(e.name, *zip.read(e, &error));
    return out;
}

QByteArray zipOf(const Entries& entries) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    ZipWriter zip(&buffer);
    for (const auto& [name, data] : entries)
        zip.addFile(name, data, ZipWriter::Compression::Stored);
    zip.finish();
    return bytes;
}

QByteArray& entry(Entries& entries, const QString& name) {
    for (auto& [n, data] : entries) {
        if (n == name)
            return data;
    }
    FAIL("no entry " << name.toStdString());
    static QByteArray none;
    return none;
}

QJsonObject projectJson(Entries& entries) {
    return QJsonDocument::fromJson(entry(entries, QStringLiteral("limner/project.json"))).object();
}

void setProjectJson(Entries& entries, const QJsonObject& project) {
    entry(entries, QStringLiteral("limner/project.json")) = QJsonDocument(project).toJson();
}

// Applies edit to the staging entries' JSON list of project.json.
void editStaging(Entries& entries, const std::function<void(QJsonArray&)>& edit) {
    QJsonObject project = projectJson(entries);
    QJsonObject staging = project.value(QStringLiteral("stagingHistory")).toObject();
    QJsonArray list = staging.value(QStringLiteral("entries")).toArray();
    edit(list);
    staging.insert(QStringLiteral("entries"), list);
    project.insert(QStringLiteral("stagingHistory"), staging);
    setProjectJson(entries, project);
}

// A PNG whose header claims width × height, with a correct CRC so that only the size is wrong.
QByteArray pngClaiming(quint32 width, quint32 height) {
    QImage image(4, 4, QImage::Format_RGBA8888);
    image.fill(Qt::red);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "png");
    qToBigEndian<quint32>(width, png.data() + 16);
    qToBigEndian<quint32>(height, png.data() + 20);
    const quint32 crc = static_cast<quint32>(
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(png.constData() + 12), 17));
    qToBigEndian<quint32>(crc, png.data() + 29);
    return png;
}

bool waitFor(const std::function<bool()>& condition, int ms = 20000) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

} // namespace

TEST_CASE("A saved project reopens with the same staging strip: order, prompts, seeds and pixels",
          "[project][staging]") {
    QTemporaryDir dir;
    Document original;
    buildStagedDocument(original);
    REQUIRE(original.stagingHistory().size() == 3);
    const QString path = dir.filePath(QStringLiteral("staged.ora"));
    QString error;
    REQUIRE(ProjectFile::save(original, path, &error));

    Document reopened;
    QStringList warnings;
    REQUIRE(ProjectFile::open(reopened, path, qint64(1) << 30, &error, &warnings));
    CHECK(warnings.isEmpty());
    requireSameLayers(original, reopened);
    const auto& before = original.stagingHistory().entries();
    const auto& after = reopened.stagingHistory().entries();
    REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        INFO("entry " << i);
        requireSameEntry(before[i], after[i]);
    }
    CHECK(after[1].result.candidates.front().generated.empty());
    CHECK(after[1].mask.isNull());
    CHECK(after[2].result.candidates.empty());

    // The restored history goes on as the original would: fresh ids after the largest, and a
    // candidate staged before the save is accepted as a layer after opening.
    const int next = reopened.addStagingEntry(makeEntry(9, reopened.canvasSize(), false, 1));
    CHECK(next > before.back().id);
    const int layers = reopened.layerCount();
    CHECK(limner::app::acceptStagedCandidate(reopened, after[1].id, 0, &error) > 0);
    CHECK(reopened.layerCount() == layers + 1);

    SECTION("the images are PNGs under limner/staging/ that other programs ignore") {
        int stagingPngs = 0;
        for (const auto& [name, data] : entriesOf(ProjectFixtures::readFile(path))) {
            if (name.startsWith(QStringLiteral("limner/staging/"))) {
                CHECK(name.endsWith(QStringLiteral(".png")));
                CHECK(data.startsWith("\x89PNG"));
                ++stagingPngs;
            }
        }
        // Masks 2 (entry 3 has none) + user masks 3 + layers 3 + generated 2.
        CHECK(stagingPngs == 2 + 3 + 3 + 2);
    }
}

TEST_CASE("A damaged or oversized staging entry is left out with a warning; the layers open",
          "[project][staging]") {
    QTemporaryDir dir;
    Document original;
    buildStagedDocument(original);
    const QString path = dir.filePath(QStringLiteral("staged.ora"));
    QString error;
    REQUIRE(ProjectFile::save(original, path, &error));
    Entries entries = entriesOf(ProjectFixtures::readFile(path));
    const QString firstLayerPng = QStringLiteral("limner/staging/entry-0/candidate-1-layer.png");
    QString expected; // what the warning names

    SECTION("a candidate's PNG is garbage") {
        entry(entries, firstLayerPng) = QByteArray("not a png at all");
        expected = QStringLiteral("not a valid PNG");
    }
    SECTION("a candidate's PNG claims a size past the decode limit") {
        entry(entries, firstLayerPng) = pngClaiming(8000, 8000); // 256 MiB, the limit is 64
        expected = QStringLiteral("decode limit");
    }
    SECTION("a candidate's PNG is not the size of its region") {
        editStaging(entries, [](QJsonArray& list) {
            QJsonObject e = list[0].toObject();
            QJsonObject result = e.value(QStringLiteral("result")).toObject();
            result.insert(QStringLiteral("region"), QJsonArray{0, 0, 34, 21});
            e.insert(QStringLiteral("result"), result);
            list[0] = e;
        });
        expected = QStringLiteral("not the size of its region");
    }
    SECTION("an image path climbs out of the archive") {
        editStaging(entries, [](QJsonArray& list) {
            QJsonObject e = list[0].toObject();
            e.insert(QStringLiteral("mask"),
                     QJsonObject{{QStringLiteral("png"), QStringLiteral("../../etc/passwd")},
                                 {QStringLiteral("channels"), 1}});
            list[0] = e;
        });
        expected = QStringLiteral("does not contain");
    }
    SECTION("values of the wrong kind") {
        editStaging(entries, [](QJsonArray& list) {
            QJsonObject e = list[0].toObject();
            e.insert(QStringLiteral("seed"), 12345); // a number, not a string
            e.insert(QStringLiteral("candidateCount"), 1e12);
            list[0] = e;
        });
        expected = QStringLiteral("'seed'");
    }
    SECTION("an entry is not an object at all") {
        editStaging(entries, [](QJsonArray& list) { list[0] = QStringLiteral("garbage"); });
        expected = QStringLiteral("not an object");
    }
    SECTION("a region past any canvas") {
        editStaging(entries, [](QJsonArray& list) {
            QJsonObject e = list[0].toObject();
            QJsonObject result = e.value(QStringLiteral("result")).toObject();
            result.insert(QStringLiteral("region"), QJsonArray{0, 0, 2000000000, 21});
            e.insert(QStringLiteral("result"), result);
            list[0] = e;
        });
        expected = QStringLiteral("'region'");
    }
    const QString damaged = dir.filePath(QStringLiteral("damaged.ora"));
    REQUIRE(ProjectFixtures::writeFile(damaged, zipOf(entries)));

    Document reopened;
    QStringList warnings;
    REQUIRE(ProjectFile::open(reopened, damaged, qint64(64) << 20, &error, &warnings));
    INFO("warnings: " << warnings.join(QStringLiteral(" | ")).toStdString());
    requireSameLayers(original, reopened);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings.first().contains(QStringLiteral("staging entry 1")));
    CHECK(warnings.first().contains(expected));
    // The other entries are all there, as they were.
    const auto& before = original.stagingHistory().entries();
    const auto& after = reopened.stagingHistory().entries();
    REQUIRE(after.size() == before.size() - 1);
    for (std::size_t i = 0; i < after.size(); ++i)
        requireSameEntry(before[i + 1], after[i]);
}

TEST_CASE("Projects with an empty, missing or newer staging history slot still open",
          "[project][staging]") {
    QTemporaryDir dir;
    Document original;
    ProjectFixtures::buildLayeredDocument(original);
    const QString path = dir.filePath(QStringLiteral("plain.ora"));
    QString error;
    REQUIRE(ProjectFile::save(original, path, &error));
    Entries entries = entriesOf(ProjectFixtures::readFile(path));
    QJsonObject project = projectJson(entries);
    QStringList expectedWarnings;

    SECTION("the empty versioned slot of earlier Limner versions") {
        // Exactly what the first project writer wrote.
        CHECK(project.value(QStringLiteral("stagingHistory")).toObject() ==
              QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("entries"), QJsonArray()}});
    }
    SECTION("no slot at all") {
        project.remove(QStringLiteral("stagingHistory"));
    }
    SECTION("a slot from a newer Limner") {
        project.insert(QStringLiteral("stagingHistory"),
                       QJsonObject{{QStringLiteral("version"), 2},
                                   {QStringLiteral("entries"), QJsonArray{QJsonObject()}}});
        expectedWarnings << QStringLiteral("newer Limner");
    }
    SECTION("a slot that is not an object") {
        project.insert(QStringLiteral("stagingHistory"), 7);
        expectedWarnings << QStringLiteral("damaged");
    }
    setProjectJson(entries, project);
    const QString older = dir.filePath(QStringLiteral("older.ora"));
    REQUIRE(ProjectFixtures::writeFile(older, zipOf(entries)));

    Document reopened;
    reopened.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    reopened.addStagingEntry(makeEntry(1, reopened.canvasSize(), false, 1)); // the previous picture's
    QStringList warnings;
    REQUIRE(ProjectFile::open(reopened, older, qint64(1) << 30, &error, &warnings));
    requireSameLayers(original, reopened);
    CHECK(reopened.stagingHistory().isEmpty());
    REQUIRE(warnings.size() == expectedWarnings.size());
    for (int i = 0; i < warnings.size(); ++i)
        CHECK(warnings[i].contains(expectedWarnings[i]));
}

TEST_CASE("More staging entries than the history keeps: the newest are kept", "[project][staging]") {
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.ora"));
    QString error;
    for (int i = 0; i < 3; ++i)
        document.addStagingEntry(makeEntry(i, document.canvasSize(), false, 1));
    REQUIRE(ProjectFile::save(document, path, &error));
    Entries entries = entriesOf(ProjectFixtures::readFile(path));
    // Repeat the last entry until the list is past the capacity; its images are shared.
    editStaging(entries, [](QJsonArray& list) {
        while (list.size() < limner::app::StagingHistory::capacity() + 5)
            list.append(list.last());
    });
    const QString longer = dir.filePath(QStringLiteral("longer.ora"));
    REQUIRE(ProjectFixtures::writeFile(longer, zipOf(entries)));
    Document reopened;
    QStringList warnings;
    REQUIRE(ProjectFile::open(reopened, longer, qint64(1) << 30, &error, &warnings));
    CHECK(reopened.stagingHistory().size() == limner::app::StagingHistory::capacity());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings.first().contains(QStringLiteral("oldest 5")));
    // Repeated ids were replaced: each entry can be found by its own id.
    for (const StagingEntry& e : reopened.stagingHistory().entries())
        CHECK(reopened.stagingHistory().find(e.id) == &e);
}

TEST_CASE("Autosave carries the staging history into recovery, and new candidates alone trigger it",
          "[project][staging]") {
    QTemporaryDir recovery;
    QTemporaryDir work;
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    QString error;
    REQUIRE(ProjectFile::save(document, work.filePath(QStringLiteral("mine.ora")), &error));
    Autosave autosave(document, recovery.path());
    autosave.setInterval(std::chrono::milliseconds(0)); // driven by hand here
    CHECK_FALSE(autosave.autosaveNow());                // nothing unsaved
    // A generation that was not accepted yet: no undo step, the document stays clean.
    document.addStagingEntry(makeEntry(1, document.canvasSize(), false, 2));
    document.addStagingEntry(makeEntry(2, document.canvasSize(), true, 1));
    REQUIRE(document.undoStack()->isClean());
    QSignalSpy spy(&autosave, &Autosave::autosaved);
    REQUIRE(autosave.autosaveNow());
    REQUIRE(waitFor([&] { return spy.count() == 1; }));
    CHECK_FALSE(autosave.autosaveNow()); // nothing new since

    Document recovered;
    REQUIRE(ProjectFile::open(recovered, autosave.recoveryPath(), qint64(1) << 30, &error));
    REQUIRE(recovered.stagingHistory().size() == 2);
    for (int i = 0; i < 2; ++i)
        requireSameEntry(document.stagingHistory().entries()[static_cast<std::size_t>(i)],
                         recovered.stagingHistory().entries()[static_cast<std::size_t>(i)]);
}
