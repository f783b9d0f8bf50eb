#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace limner::app {

// A style: words added to the prompt and to the negative prompt ("Van Gogh oil painting" adds
// "oil painting in the style of Vincent van Gogh, thick impasto brush strokes"). The user picks
// styles as chips under the prompt and edits the list; it is saved with the settings.
struct StylePreset {
    QString name;
    QString prompt;   // appended to the prompt, after a comma
    QString negative; // appended to the negative prompt, after a comma

    bool operator==(const StylePreset& other) const {
        return name == other.name && prompt == other.prompt && negative == other.negative;
    }

    // The styles Limner starts with (and offers again with "Restore defaults").
    static QList<StylePreset> defaults();
    // The prompt (or negative prompt) with each style's words appended, in order, each once;
    // empty parts are skipped, so an empty prompt becomes the styles' words alone.
    static QString styledPrompt(const QString& prompt, const QList<StylePreset>& styles);
    static QString styledNegative(const QString& negative, const QList<StylePreset>& styles);
    static QStringList names(const QList<StylePreset>& styles);
};

} // namespace limner::app
