#include "app/models/FileSelection.h"

#include <QMap>
#include <QRegularExpression>
#include <QSet>

namespace limner::app {

namespace {

QString folderOf(const QString& path) {
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : path.left(slash);
}

QString fileNameOf(const QString& path) {
    return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
}

// A safetensors weight file or shard index, and its variant ("" for none). The names follow
// diffusers' _add_variant and save_pretrained: NAME[.VARIANT].safetensors,
// NAME[.VARIANT]-00001-of-00002.safetensors, the legacy NAME-00001-of-00002.VARIANT.safetensors,
// and the indexes NAME.safetensors.index[.VARIANT].json / NAME.safetensors.VARIANT.index.json.
struct WeightName {
    bool isWeight = false;
    bool isIndex = false;
    QString variant;
};

WeightName parseWeightName(const QString& fileName) {
    static const QString variant = QStringLiteral("([A-Za-z][A-Za-z0-9_]*)");
    static const QRegularExpression index(QStringLiteral("^.+\\.safetensors\\.index\\.json$"));
    static const QRegularExpression indexVariant(QStringLiteral("^.+\\.safetensors\\.index\\.") +
                                                 variant + QStringLiteral("\\.json$"));
    static const QRegularExpression legacyIndexVariant(QStringLiteral("^.+\\.safetensors\\.") +
                                                       variant + QStringLiteral("\\.index\\.json$"));
    static const QRegularExpression legacyShard(QStringLiteral("^.+-\\d{5}-of-\\d{5}\\.") + variant +
                                                QStringLiteral("$"));
    static const QRegularExpression shard(QStringLiteral("^(.+)-\\d{5}-of-\\d{5}$"));
    static const QRegularExpression withVariant(QStringLiteral("^.+\\.") + variant +
                                                QStringLiteral("$"));

    WeightName name;
    if (index.match(fileName).hasMatch()) {
        name.isIndex = true;
        return name;
    }
    for (const QRegularExpression* pattern : {&indexVariant, &legacyIndexVariant}) {
        const QRegularExpressionMatch match = pattern->match(fileName);
        if (match.hasMatch()) {
            name.isIndex = true;
            name.variant = match.captured(1);
            return name;
        }
    }
    if (!FileSelection::isSafetensors(fileName))
        return name;
    name.isWeight = true;
    QString stem = fileName.left(fileName.size() - int(qstrlen(".safetensors")));
    if (const QRegularExpressionMatch match = legacyShard.match(stem); match.hasMatch()) {
        name.variant = match.captured(1);
        return name;
    }
    if (const QRegularExpressionMatch match = shard.match(stem); match.hasMatch())
        stem = match.captured(1);
    if (const QRegularExpressionMatch match = withVariant.match(stem); match.hasMatch())
        name.variant = match.captured(1);
    return name;
}

// Non-variant first, then fp16, then the first other variant by name.
QString chosenVariant(const QSet<QString>& variants) {
    if (variants.contains(QString()))
        return {};
    if (variants.contains(QStringLiteral("fp16")))
        return QStringLiteral("fp16");
    QStringList others(variants.begin(), variants.end());
    others.sort();
    return others.value(0);
}

bool isWantedSmallFile(const QString& path) {
    const QString name = fileNameOf(path);
    if (path == QLatin1String("README.md"))
        return true;
    if (name == QLatin1String("merges.txt") || name == QLatin1String("vocab.txt"))
        return true;
    return name.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
}

} // namespace

bool FileSelection::isSafePath(const QString& path) {
    if (path.isEmpty() || path.size() > 1024 || path.startsWith(QLatin1Char('/')) ||
        path.contains(QLatin1Char('\\')) || path.contains(QLatin1Char(':')) || path.contains(QChar(0)))
        return false;
    for (const QString& part : path.split(QLatin1Char('/'))) {
        if (part.isEmpty() || part.startsWith(QLatin1Char('.')))
            return false;
    }
    return true;
}

bool FileSelection::isUnreadWeightFormat(const QString& path) {
    static const char* const suffixes[] = {
        ".bin",       ".ckpt", ".pt",     ".pth", ".pkl", ".pickle", ".msgpack", ".h5",  ".onnx",
        ".onnx_data", ".pb",   ".joblib", ".npy", ".npz", ".tflite", ".ot",      ".gguf"};
    for (const char* suffix : suffixes) {
        if (path.endsWith(QLatin1String(suffix), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool FileSelection::isSafetensors(const QString& path) {
    return path.endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive);
}

QVector<HubTreeEntry> FileSelection::select(const QVector<HubTreeEntry>& tree) {
    bool pipelineRepo = false;
    for (const HubTreeEntry& entry : tree)
        pipelineRepo = pipelineRepo || entry.path == QLatin1String("model_index.json");

    QVector<int> candidates;
    QMap<QString, QSet<QString>> weightVariants; // folder → variants of its weight files
    QVector<WeightName> names(tree.size());
    for (int i = 0; i < tree.size(); ++i) {
        const QString& path = tree[i].path;
        if (!isSafePath(path) || isUnreadWeightFormat(path) ||
            path.startsWith(QLatin1String("safety_checker/")))
            continue;
        names[i] = parseWeightName(fileNameOf(path));
        const QString folder = folderOf(path);
        if (names[i].isWeight) {
            if (folder.isEmpty() && pipelineRepo)
                continue; // a single-file checkpoint beside the components
            weightVariants[folder].insert(names[i].variant);
        } else if (!isWantedSmallFile(path)) {
            continue;
        }
        candidates.append(i);
    }

    QVector<HubTreeEntry> small, weights;
    for (const int i : candidates) {
        const QString folder = folderOf(tree[i].path);
        if (names[i].isWeight || names[i].isIndex) {
            if (!weightVariants.contains(folder) ||
                names[i].variant != chosenVariant(weightVariants.value(folder)))
                continue;
        }
        (names[i].isWeight ? weights : small).append(tree[i]);
    }
    return small + weights;
}

} // namespace limner::app
