#include "app/StylePreset.h"

namespace limner::app {

namespace {

QString joined(const QString& text, const QStringList& additions) {
    QStringList parts;
    if (!text.trimmed().isEmpty())
        parts << text.trimmed();
    for (const QString& addition : additions) {
        const QString part = addition.trimmed();
        if (!part.isEmpty() && !parts.contains(part))
            parts << part;
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

QList<StylePreset> StylePreset::defaults() {
    return {
        {QStringLiteral("Van Gogh oil painting"),
         QStringLiteral("oil painting in the style of Vincent van Gogh, thick impasto brush strokes, "
                        "swirling sky"),
         QStringLiteral("photograph, smooth, flat colours")},
        {QStringLiteral("Photograph, 35 mm"),
         QStringLiteral("photograph, 35 mm film, natural light, sharp focus, film grain"),
         QStringLiteral("painting, drawing, illustration, cartoon")},
        {QStringLiteral("Stained glass"),
         QStringLiteral("stained glass window, bold lead lines, glowing coloured glass"),
         QStringLiteral("photograph, blurry")},
        {QStringLiteral("Pop art poster"),
         QStringLiteral("pop art poster, bold flat colours, halftone dots, thick outlines"),
         QStringLiteral("photograph, muted colours")},
        {QStringLiteral("Watercolour"),
         QStringLiteral("watercolour painting, soft washes, paper texture"),
         QStringLiteral("photograph, hard edges")},
        {QStringLiteral("Pencil sketch"),
         QStringLiteral("pencil sketch, graphite, cross-hatching, on white paper"),
         QStringLiteral("colour, photograph")},
    };
}

QString StylePreset::styledPrompt(const QString& prompt, const QList<StylePreset>& styles) {
    QStringList additions;
    for (const StylePreset& style : styles)
        additions << style.prompt;
    return joined(prompt, additions);
}

QString StylePreset::styledNegative(const QString& negative, const QList<StylePreset>& styles) {
    QStringList additions;
    for (const StylePreset& style : styles)
        additions << style.negative;
    return joined(negative, additions);
}

QStringList StylePreset::names(const QList<StylePreset>& styles) {
    QStringList out;
    for (const StylePreset& style : styles)
        out << style.name;
    return out;
}

} // namespace limner::app
