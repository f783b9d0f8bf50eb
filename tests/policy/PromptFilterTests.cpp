// The prompt filter: whole words, and the usual dodges (case, spacing, look-alike letters,
// digits for letters, accents, invisible characters) do not slip past.
#include "app/Settings.h"
#include "app/policy/ContentPolicy.h"
#include "app/policy/PromptFilter.h"

#include <catch2/catch.hpp>

using limner::app::ContentPolicy;
using limner::app::PromptFilter;
using Category = ContentPolicy::Category;

namespace {

std::optional<Category> categoryOf(const QString& prompt, const ContentPolicy& policy = {}) {
    const auto match = PromptFilter(policy).match(prompt);
    return match ? std::optional<Category>(match->category) : std::nullopt;
}

} // namespace

TEST_CASE("Prompt filter matches listed terms as whole words only", "[policy]") {
    CHECK(categoryOf(QStringLiteral("a nude figure on a beach")) == Category::Sexual);
    CHECK(categoryOf(QStringLiteral("Nudes, oil on canvas")) == Category::Sexual);
    CHECK(categoryOf(QStringLiteral("a gory battlefield")) == Category::Violence);
    CHECK(categoryOf(QStringLiteral("a dead body in the river")) == Category::Violence);
    CHECK(categoryOf(QStringLiteral("pornographic poster")) == Category::Sexual); // porn*
    // Words that merely contain a term are not matched.
    CHECK_FALSE(categoryOf(QStringLiteral("Essex countryside at dawn")));
    CHECK_FALSE(categoryOf(QStringLiteral("a sextant on a ship's deck")));
    CHECK_FALSE(categoryOf(QStringLiteral("a cumulus cloud over Scunthorpe")));
    CHECK_FALSE(categoryOf(QStringLiteral("with the head of a duck")));
    CHECK_FALSE(categoryOf(QStringLiteral("painted by Van Gogh, going rewarding")));
    // What should not appear is not the filter's business: only the prompt is read.
    CHECK_FALSE(categoryOf(QString()));
}

TEST_CASE("Prompt filter sees through case, spacing, look-alikes, digits and accents", "[policy]") {
    for (const char* dodge :
         {"NUDE", "n u d e", "n.u.d.e", "n-u-d-e", "nu de", "n\u200bude", "nüde", "ｎｕｄｅ", "nud3",
          "\u0578ude" /* Armenian n */, "nud\u0435" /* Cyrillic e */, "nu\u0501e" /* Cyrillic d */}) {
        INFO(dodge);
        CHECK(categoryOf(QStringLiteral("a ") + QString::fromUtf8(dodge) + QStringLiteral(" model")) ==
              Category::Sexual);
    }
    CHECK(categoryOf(QStringLiteral("p0rn star")) == Category::Sexual);
    CHECK(categoryOf(QStringLiteral("\u0440\u043en\u0435")) == std::nullopt); // "pone": no term
    CHECK(categoryOf(QStringLiteral("g\u043er\u0435 everywhere")) == Category::Violence); // Cyrillic
    CHECK(categoryOf(QStringLiteral("$ex scene")) == Category::Sexual);
    // A number that starts a word stays a number.
    CHECK_FALSE(categoryOf(QStringLiteral("1girl, 4k, portrait")));
}

TEST_CASE("Prompt filter refuses sexual content involving minors however it is worded", "[policy]") {
    CHECK(categoryOf(QStringLiteral("loli")) == Category::Minors);
    CHECK(categoryOf(QStringLiteral("nude child")) == Category::Minors);
    CHECK(categoryOf(QStringLiteral("N A K E D  t e e n")) == Category::Minors);
    CHECK(categoryOf(QStringLiteral("an erotic scene with a schoolgirl")) == Category::Minors);
    // Children on their own, or with violence, are other matters.
    CHECK_FALSE(categoryOf(QStringLiteral("a child flying a kite")));
    CHECK(categoryOf(QStringLiteral("children in a bloody war")) == Category::Violence);
}

TEST_CASE("Prompt filter follows the user's added and removed terms", "[policy]") {
    ContentPolicy policy;
    CHECK_FALSE(categoryOf(QStringLiteral("a clown with a chainsaw"), policy));
    policy.addedTerms[int(Category::Violence)] << QStringLiteral("chainsaw*");
    CHECK(categoryOf(QStringLiteral("a clown with chainsaws"), policy) == Category::Violence);
    CHECK(categoryOf(QStringLiteral("a clown with a c h a i n s a w"), policy) == Category::Violence);
    policy.removedTerms[int(Category::Violence)] << QStringLiteral("bloody");
    policy.removedTerms[int(Category::Violence)] << QStringLiteral("blood*");
    CHECK_FALSE(categoryOf(QStringLiteral("a bloody mary cocktail"), policy));
    // The shipped terms about minors cannot be removed.
    policy.removedTerms[int(Category::Minors)] << QStringLiteral("loli");
    CHECK(categoryOf(QStringLiteral("loli"), policy) == Category::Minors);
    // Multi-word terms match the words in order.
    policy.addedTerms[int(Category::Sexual)] << QStringLiteral("wet t shirt");
    CHECK(categoryOf(QStringLiteral("a wet T-shirt contest"), policy) == Category::Sexual);
    CHECK_FALSE(categoryOf(QStringLiteral("a shirt, wet from the rain"), policy));
}

TEST_CASE("Content policy levels and edits survive a round trip through the settings", "[policy]") {
    ContentPolicy policy;
    policy.level = ContentPolicy::Level::Strict;
    policy.addedTerms[int(Category::Sexual)] << QStringLiteral("lingerie");
    policy.removedTerms[int(Category::Violence)] << QStringLiteral("execution");
    limner::app::Settings settings;
    policy.storeIn(settings);
    const ContentPolicy back = ContentPolicy::fromSettings(settings);
    CHECK(back.level == ContentPolicy::Level::Strict);
    CHECK(back.terms(Category::Sexual).contains(QStringLiteral("lingerie")));
    CHECK_FALSE(back.terms(Category::Violence).contains(QStringLiteral("execution")));
    CHECK(limner::app::Settings().contentPolicy == QStringLiteral("standard")); // the default
}
