#include "app/policy/ContentPolicy.h"

#include "app/Settings.h"

namespace limner::app {

QString ContentPolicy::levelName(Level level) {
    switch (level) {
    case Level::Off:
        return QStringLiteral("off");
    case Level::Strict:
        return QStringLiteral("strict");
    case Level::Standard:
        break;
    }
    return QStringLiteral("standard");
}

bool ContentPolicy::levelFromName(const QString& name, Level* level) {
    const QString n = name.trimmed().toLower();
    for (Level l : {Level::Off, Level::Standard, Level::Strict}) {
        if (n == levelName(l)) {
            *level = l;
            return true;
        }
    }
    return false;
}

QString ContentPolicy::categoryName(Category category) {
    switch (category) {
    case Category::Minors:
        return QStringLiteral("minors");
    case Category::Sexual:
        return QStringLiteral("sexual");
    case Category::Violence:
        break;
    }
    return QStringLiteral("violence");
}

QString ContentPolicy::ruleName(Category category) {
    switch (category) {
    case Category::Minors:
        return QStringLiteral("sexual content involving minors");
    case Category::Sexual:
        return QStringLiteral("sexual content");
    case Category::Violence:
        break;
    }
    return QStringLiteral("graphic violence");
}

const QStringList& ContentPolicy::shippedTerms(Category category) {
    // Terms that name the content outright; words that only say "young" are in
    // minorContextTerms() and count together with a sexual term.
    static const QStringList minors = {
        QStringLiteral("child porn*"), QStringLiteral("childporn*"), QStringLiteral("loli"),
        QStringLiteral("lolicon"),     QStringLiteral("lolita"),     QStringLiteral("shota"),
        QStringLiteral("shotacon"),    QStringLiteral("jailbait"),   QStringLiteral("pedo*"),
        QStringLiteral("paedo*"),      QStringLiteral("csam"),       QStringLiteral("underage sex"),
    };
    static const QStringList sexual = {
        QStringLiteral("nude"),     QStringLiteral("nudes"),      QStringLiteral("nudity"),
        QStringLiteral("naked"),    QStringLiteral("nsfw"),       QStringLiteral("porn*"),
        QStringLiteral("xxx"),      QStringLiteral("sex"),        QStringLiteral("sexual*"),
        QStringLiteral("erotic*"),  QStringLiteral("topless"),    QStringLiteral("bottomless"),
        QStringLiteral("nipple*"),  QStringLiteral("genital*"),   QStringLiteral("penis"),
        QStringLiteral("vagina*"),  QStringLiteral("vulva"),      QStringLiteral("hentai"),
        QStringLiteral("orgasm*"),  QStringLiteral("masturbat*"), QStringLiteral("intercourse"),
        QStringLiteral("undress*"), QStringLiteral("stripper"),   QStringLiteral("striptease"),
        QStringLiteral("fetish*"),  QStringLiteral("bdsm"),       QStringLiteral("blowjob"),
        QStringLiteral("cum"),      QStringLiteral("lewd"),       QStringLiteral("explicit"),
    };
    static const QStringList violence = {
        QStringLiteral("gore"),          QStringLiteral("gory"),       QStringLiteral("bloody"),
        QStringLiteral("blood*"),        QStringLiteral("decapitat*"), QStringLiteral("beheaded"),
        QStringLiteral("beheading"),     QStringLiteral("dismember*"), QStringLiteral("mutilat*"),
        QStringLiteral("disembowel*"),   QStringLiteral("entrails"),   QStringLiteral("guts"),
        QStringLiteral("corpse*"),       QStringLiteral("dead body"),  QStringLiteral("dead bodies"),
        QStringLiteral("torture*"),      QStringLiteral("massacre*"),  QStringLiteral("murder*"),
        QStringLiteral("gunshot wound"), QStringLiteral("suicide"),    QStringLiteral("self harm"),
        QStringLiteral("severed head"),  QStringLiteral("execution"),  QStringLiteral("lynching"),
    };
    switch (category) {
    case Category::Minors:
        return minors;
    case Category::Sexual:
        return sexual;
    case Category::Violence:
        break;
    }
    return violence;
}

const QStringList& ContentPolicy::minorContextTerms() {
    static const QStringList terms = {
        QStringLiteral("child"),        QStringLiteral("children"),       QStringLiteral("kid"),
        QStringLiteral("kids"),         QStringLiteral("minor"),          QStringLiteral("minors"),
        QStringLiteral("underage"),     QStringLiteral("toddler*"),       QStringLiteral("infant*"),
        QStringLiteral("baby"),         QStringLiteral("babies"),         QStringLiteral("preteen*"),
        QStringLiteral("pre teen*"),    QStringLiteral("schoolgirl*"),    QStringLiteral("schoolboy*"),
        QStringLiteral("little girl*"), QStringLiteral("little boy*"),    QStringLiteral("young girl*"),
        QStringLiteral("young boy*"),   QStringLiteral("teen"),           QStringLiteral("teens"),
        QStringLiteral("teenage*"),     QStringLiteral("year old child"), QStringLiteral("tween*"),
    };
    return terms;
}

QStringList ContentPolicy::terms(Category category) const {
    const int i = static_cast<int>(category);
    QStringList result;
    for (const QString& term : shippedTerms(category)) {
        if (!isRemovable(category) || !removedTerms[i].contains(term, Qt::CaseInsensitive))
            result << term;
    }
    for (const QString& term : addedTerms[i]) {
        if (!term.trimmed().isEmpty() && !result.contains(term.trimmed(), Qt::CaseInsensitive))
            result << term.trimmed();
    }
    return result;
}

namespace {

constexpr ContentPolicy::Category kCategories[] = {ContentPolicy::Category::Minors,
                                                   ContentPolicy::Category::Sexual,
                                                   ContentPolicy::Category::Violence};

void readTerms(const QStringList& entries, QStringList (&into)[3]) {
    for (const QString& entry : entries) {
        const int colon = entry.indexOf(QLatin1Char(':'));
        for (ContentPolicy::Category c : kCategories) {
            if (colon > 0 && entry.left(colon) == ContentPolicy::categoryName(c)) {
                const QString term = entry.mid(colon + 1).trimmed();
                if (!term.isEmpty())
                    into[static_cast<int>(c)] << term;
            }
        }
    }
}

QStringList writeTerms(const QStringList (&from)[3]) {
    QStringList entries;
    for (ContentPolicy::Category c : kCategories) {
        for (const QString& term : from[static_cast<int>(c)])
            entries << ContentPolicy::categoryName(c) + QLatin1Char(':') + term;
    }
    return entries;
}

} // namespace

ContentPolicy ContentPolicy::fromSettings(const Settings& settings) {
    ContentPolicy policy;
    levelFromName(settings.contentPolicy, &policy.level);
    readTerms(settings.policyAddedTerms, policy.addedTerms);
    readTerms(settings.policyRemovedTerms, policy.removedTerms);
    return policy;
}

void ContentPolicy::storeIn(Settings& settings) const {
    settings.contentPolicy = levelName(level);
    settings.policyAddedTerms = writeTerms(addedTerms);
    settings.policyRemovedTerms = writeTerms(removedTerms);
}

} // namespace limner::app
