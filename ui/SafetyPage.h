#pragma once

#include "app/policy/ContentPolicy.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace limner::ui {

// Preferences ▸ Safety: the content policy level (Off / Standard / Strict), the term lists the
// prompt filter uses (the user adds and removes terms; the shipped terms about minors can only be
// added to), a field that shows what the filter makes of a prompt, and which face detector the
// face-edit guard has; and what exports with generated pixels carry: the invisible watermark
// (on by default) and which key signs their Content Credentials (Limner's own for this computer,
// or the user's certificate and key). Every change is saved in the settings at once; the next Generate
// uses it.
//
// Requirements: GUI thread.
class SafetyPage : public QWidget {
    Q_OBJECT
public:
    explicit SafetyPage(QWidget* parent = nullptr);

    // What the page shows now (as saved).
    const app::ContentPolicy& policy() const { return m_policy; }

    // For tests and scripts: the same as choosing and typing in the page.
    void setLevel(app::ContentPolicy::Level level);
    void addTerm(app::ContentPolicy::Category category, const QString& term);
    void removeTerm(app::ContentPolicy::Category category, const QString& term);

private:
    app::ContentPolicy::Category currentCategory() const;
    void showTerms();
    void showTrial();
    void save();
    void showSigner();

    app::ContentPolicy m_policy;
    QComboBox* m_level;
    QLabel* m_levelNote;
    QComboBox* m_category;
    QListWidget* m_terms;
    QLineEdit* m_newTerm;
    QPushButton* m_add;
    QPushButton* m_remove;
    QLineEdit* m_trial;
    QLabel* m_trialResult;
    QCheckBox* m_watermark;
    QLineEdit* m_certificate;
    QLineEdit* m_key;
    QLabel* m_signer;
};

} // namespace limner::ui
