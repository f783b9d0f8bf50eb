#include "app/policy/PromptFilter.h"

#include <QHash>

namespace limner::app {

namespace {

// Letters from other scripts that look like Latin ones, as people use them to dodge filters.
QChar latinLookAlike(QChar c) {
    static const QHash<char16_t, char16_t> map = {
        // Cyrillic
        {u'а', u'a'},
        {u'в', u'b'},
        {u'е', u'e'},
        {u'ё', u'e'},
        {u'к', u'k'},
        {u'м', u'm'},
        {u'н', u'h'},
        {u'о', u'o'},
        {u'р', u'p'},
        {u'с', u'c'},
        {u'т', u't'},
        {u'у', u'y'},
        {u'х', u'x'},
        {u'ѕ', u's'},
        {u'і', u'i'},
        {u'ї', u'i'},
        {u'ј', u'j'},
        {u'ԁ', u'd'},
        {u'һ', u'h'},
        {u'ԛ', u'q'},
        {u'ԝ', u'w'},
        {u'ɡ', u'g'},
        {u'ո', u'n'},
        {u'ս', u'u'},
        // Greek
        {u'α', u'a'},
        {u'β', u'b'},
        {u'ε', u'e'},
        {u'η', u'n'},
        {u'ι', u'i'},
        {u'κ', u'k'},
        {u'ν', u'v'},
        {u'ο', u'o'},
        {u'ρ', u'p'},
        {u'τ', u't'},
        {u'υ', u'u'},
        {u'χ', u'x'},
        {u'γ', u'y'},
        {u'ω', u'w'},
        {u'ϲ', u'c'},
        // Latin letters that read as others
        {u'ı', u'i'},
        {u'ł', u'l'},
        {u'ø', u'o'},
        {u'ß', u's'},
        {u'ŀ', u'l'},
    };
    return QChar(map.value(c.unicode(), c.unicode()));
}

// Digits and signs that stand for letters inside a word ("s3x", "p0rn", "nud3", "$ex").
QChar letterFor(QChar c) {
    switch (c.unicode()) {
    case u'0':
        return QLatin1Char('o');
    case u'1':
    case u'!':
    case u'|':
        return QLatin1Char('i');
    case u'3':
        return QLatin1Char('e');
    case u'4':
    case u'@':
        return QLatin1Char('a');
    case u'5':
    case u'$':
        return QLatin1Char('s');
    case u'7':
    case u'+':
        return QLatin1Char('t');
    case u'8':
        return QLatin1Char('b');
    default:
        return QChar();
    }
}

QString fold(const QString& prompt) {
    // Compatibility forms first (full-width letters, ligatures, circled letters), then accents
    // apart from their letters so they can be dropped.
    const QString decomposed =
        prompt.normalized(QString::NormalizationForm_KC).normalized(QString::NormalizationForm_D);
    QString out;
    out.reserve(decomposed.size());
    for (QChar c : decomposed) {
        const QChar::Category category = c.category();
        if (category == QChar::Mark_NonSpacing || category == QChar::Mark_SpacingCombining ||
            category == QChar::Mark_Enclosing || category == QChar::Other_Format)
            continue; // accents, zero-width spaces and joiners
        out.append(latinLookAlike(c.toCaseFolded()));
    }
    return out;
}

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() || !letterFor(c).isNull();
}

// One word of the folded prompt with its stand-in digits read as letters, where the word has
// letters to stand among ("1girl" keeps its 1: it starts the word).
QString readWord(const QString& raw) {
    int letters = 0;
    for (QChar c : raw)
        letters += c.isLetter() ? 1 : 0;
    if (letters == 0)
        return raw;
    QString word = raw;
    for (int i = 1; i < word.size(); ++i) {
        const QChar letter = letterFor(word[i]);
        if (!letter.isNull())
            word[i] = letter;
    }
    if (!letterFor(word[0]).isNull() && !word[0].isDigit())
        word[0] = letterFor(word[0]); // "$ex", "@ss"; a leading digit stays a number
    return word;
}

} // namespace

QStringList PromptFilter::words(const QString& prompt, QStringList* spelled) {
    const QString folded = fold(prompt);
    QStringList raw;
    QString current;
    for (QChar c : folded) {
        if (isWordChar(c)) {
            current.append(c);
        } else if (!current.isEmpty()) {
            raw << current;
            current.clear();
        }
    }
    if (!current.isEmpty())
        raw << current;
    // Letters spaced or dotted apart are read as one word: "n u d e", "n.u.d.e".
    QStringList words;
    for (int i = 0; i < raw.size();) {
        int j = i;
        while (j < raw.size() && raw[j].size() == 1 && raw[j][0].isLetter())
            ++j;
        if (j - i >= 2) {
            QString joined;
            for (int k = i; k < j; ++k)
                joined += raw[k];
            words << joined;
            if (spelled)
                *spelled << joined;
            i = j;
        } else {
            words << readWord(raw[i]);
            ++i;
        }
    }
    return words;
}

QList<PromptFilter::Term> PromptFilter::compile(const QStringList& terms) {
    QList<Term> compiled;
    for (const QString& text : terms) {
        Term term;
        term.text = text.trimmed();
        QString body = term.text;
        if (body.endsWith(QLatin1Char('*'))) {
            term.prefix = true;
            body.chop(1);
        }
        term.words = words(body);
        if (!term.words.isEmpty())
            compiled << term;
    }
    return compiled;
}

std::optional<QString> PromptFilter::find(const QStringList& words, const QStringList& spelled,
                                          const QList<Term>& terms) {
    auto wordMatches = [](const QString& word, const QString& termWord, bool prefix) {
        if (prefix)
            return word.startsWith(termWord);
        // Whole words, plural included ("nudes" for "nude").
        return word == termWord || word == termWord + QLatin1Char('s') ||
               word == termWord + QLatin1String("es");
    };
    for (const Term& term : terms) {
        const int n = static_cast<int>(term.words.size());
        for (int i = 0; i + n <= words.size(); ++i) {
            bool all = true;
            for (int k = 0; k < n && all; ++k)
                all = wordMatches(words[i + k], term.words[k], term.prefix && k == n - 1);
            if (all)
                return term.text;
        }
        // Spelled-out letters hold no word boundaries: a term anywhere in them counts.
        const QString joined = term.words.join(QString());
        for (const QString& run : spelled) {
            if (run.contains(joined))
                return term.text;
        }
        // A word split by a space ("nu de", "por n") is read joined with its neighbour too.
        if (n == 1) {
            for (int i = 0; i + 1 < words.size(); ++i) {
                if (words[i].size() > 3 && words[i + 1].size() > 3)
                    continue; // two real words side by side are not a split one
                if (wordMatches(words[i] + words[i + 1], term.words[0], term.prefix))
                    return term.text;
            }
        }
    }
    return std::nullopt;
}

PromptFilter::PromptFilter(const ContentPolicy& policy) {
    for (ContentPolicy::Category c : {ContentPolicy::Category::Minors, ContentPolicy::Category::Sexual,
                                      ContentPolicy::Category::Violence})
        m_terms[static_cast<int>(c)] = compile(policy.terms(c));
    m_minorContext = compile(ContentPolicy::minorContextTerms());
}

std::optional<PromptFilter::Match> PromptFilter::match(const QString& prompt) const {
    using Category = ContentPolicy::Category;
    QStringList spelled;
    const QStringList folded = words(prompt, &spelled);
    auto make = [&](Category category, const QString& term) {
        return Match{category, term, folded.join(QLatin1Char(' '))};
    };
    if (auto term = find(folded, spelled, m_terms[int(Category::Minors)]))
        return make(Category::Minors, *term);
    const std::optional<QString> sexual = find(folded, spelled, m_terms[int(Category::Sexual)]);
    if (sexual) {
        if (auto young = find(folded, spelled, m_minorContext))
            return make(Category::Minors, *young + QStringLiteral(" + ") + *sexual);
        return make(Category::Sexual, *sexual);
    }
    if (auto term = find(folded, spelled, m_terms[int(Category::Violence)]))
        return make(Category::Violence, *term);
    return std::nullopt;
}

} // namespace limner::app
