#pragma once

#include "app/policy/ContentPolicy.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace limner::app {

// Matches a prompt against the content policy's terms, whole words only, after folding the
// tricks that would slip past a plain search: case, accents, compatibility forms (full-width
// letters, ligatures), Cyrillic and Greek look-alike letters, digits standing in for letters
// inside a word ("p0rn"), invisible characters, and letters spaced or dotted apart
// ("n u d e", "n.u.d.e", "nu de").
class PromptFilter {
public:
    struct Match {
        ContentPolicy::Category category = ContentPolicy::Category::Sexual;
        QString term;  // the policy's term that matched
        QString words; // the prompt's words as folded ("nude")
    };

    explicit PromptFilter(const ContentPolicy& policy);

    // The most serious match (minors, then sexual, then violence), or nothing.
    std::optional<Match> match(const QString& prompt) const;

    // The prompt as the filter reads it: folded words. Letters spelled out one by one
    // ("n a k e d t e e n") come back as one word in *spelled as well, where terms are looked
    // for anywhere in it.
    static QStringList words(const QString& prompt, QStringList* spelled = nullptr);

private:
    struct Term {
        QStringList words;
        bool prefix = false; // the last word may go on ("porn*" → "pornographic")
        QString text;
    };
    static QList<Term> compile(const QStringList& terms);
    static std::optional<QString> find(const QStringList& words, const QStringList& spelled,
                                       const QList<Term>& terms);

    QList<Term> m_terms[3];
    QList<Term> m_minorContext;
};

} // namespace limner::app
