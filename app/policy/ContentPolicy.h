#pragma once

#include <QString>
#include <QStringList>

namespace limner::app {

struct Settings;

// What the user allows a generative job to do (Edit ▸ Preferences ▸ Safety, limner-cli
// --policy). A plain value: Settings loads and saves it; PromptFilter and GenerationGuard apply it.
//
// Sexual content involving minors is refused at every level, Off included; its shipped terms
// cannot be removed, only added to.
struct ContentPolicy {
    enum class Level { Off, Standard, Strict };
    enum class Category { Minors, Sexual, Violence };

    Level level = Level::Standard;
    // The user's edits of the shipped lists, per category: terms added and shipped terms removed.
    // A term is whole words ("dead body"); a trailing * matches words that start with it.
    QStringList addedTerms[3];
    QStringList removedTerms[3];

    static QString levelName(Level level);                        // "off", "standard", "strict"
    static bool levelFromName(const QString& name, Level* level); // false for unknown names
    static QString categoryName(Category category);               // "minors", "sexual", "violence"
    static QString ruleName(Category category); // "sexual content involving minors", …

    // The shipped terms of a category, and those in force after the user's edits.
    static const QStringList& shippedTerms(Category category);
    QStringList terms(Category category) const;
    // Words that mark a prompt as being about children: with any sexual term they make the
    // minors rule match.
    static const QStringList& minorContextTerms();

    static bool isRemovable(Category category) { return category != Category::Minors; }

    // From the user's preferences (Settings::contentPolicy, policyAddedTerms,
    // policyRemovedTerms), and back.
    static ContentPolicy fromSettings(const Settings& settings);
    void storeIn(Settings& settings) const;
};

} // namespace limner::app
