#include "ui/SafetyPage.h"

#include "app/Settings.h"
#include "app/c2pa/C2paSigner.h"
#include "app/policy/PromptFilter.h"
#include "app/project/ImageExporter.h"
#include "engine/imaging/FaceDetector.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace limner::ui {

namespace {

using Level = app::ContentPolicy::Level;
using Category = app::ContentPolicy::Category;

QString levelNote(Level level) {
    switch (level) {
    case Level::Off:
        return SafetyPage::tr("Prompts and faces are not checked, except for sexual content involving "
                              "minors, which is always refused.");
    case Level::Strict:
        return SafetyPage::tr("Prompts with sexual or violent terms are refused, and so are model "
                              "edits whose mask touches a face in a photograph.");
    case Level::Standard:
        break;
    }
    return SafetyPage::tr("Prompts with sexual or violent terms, and model edits whose mask touches a "
                          "face in a photograph, ask before they run; the answer is recorded in the "
                          "project.");
}

QLabel* note(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

SafetyPage::SafetyPage(QWidget* parent)
    : QWidget(parent)
    , m_policy(app::ContentPolicy::fromSettings(app::Settings::load()))
    , m_level(new QComboBox(this))
    , m_levelNote(note({}, this))
    , m_category(new QComboBox(this))
    , m_terms(new QListWidget(this))
    , m_newTerm(new QLineEdit(this))
    , m_add(new QPushButton(tr("&Add"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_trial(new QLineEdit(this))
    , m_trialResult(new QLabel(this))
    , m_watermark(new QCheckBox(tr("Add an invisible &watermark to the generated region"), this))
    , m_certificate(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_signer(note({}, this)) {
    setObjectName(QStringLiteral("safetyPage"));
    m_level->setObjectName(QStringLiteral("policyLevel"));
    m_level->addItem(tr("Off"), int(Level::Off));
    m_level->addItem(tr("Standard"), int(Level::Standard));
    m_level->addItem(tr("Strict"), int(Level::Strict));
    m_level->setCurrentIndex(m_level->findData(int(m_policy.level)));
    m_levelNote->setText(levelNote(m_policy.level));

    m_category->setObjectName(QStringLiteral("policyCategory"));
    for (Category c : {Category::Minors, Category::Sexual, Category::Violence}) {
        QString name = app::ContentPolicy::ruleName(c);
        name[0] = name[0].toUpper();
        m_category->addItem(name, int(c));
    }
    m_category->setCurrentIndex(1);
    m_terms->setObjectName(QStringLiteral("policyTerms"));
    m_terms->setMinimumHeight(120);
    m_newTerm->setObjectName(QStringLiteral("policyNewTerm"));
    m_newTerm->setPlaceholderText(tr("a word, words, or a start of words (porn*)"));
    m_trial->setObjectName(QStringLiteral("policyTrial"));
    m_trial->setPlaceholderText(tr("Type a prompt to see what the filter says"));
    m_trialResult->setObjectName(QStringLiteral("policyTrialResult"));
    m_trialResult->setWordWrap(true);

    auto* levelBox = new QGroupBox(tr("Content policy"), this);
    auto* levelForm = new QFormLayout(levelBox);
    levelForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    levelForm->addRow(tr("&Level:"), m_level);
    levelForm->addRow(m_levelNote);

    auto* termsBox = new QGroupBox(tr("Prompt filter"), this);
    auto* termsLayout = new QVBoxLayout(termsBox);
    termsLayout->addWidget(m_category);
    termsLayout->addWidget(m_terms, 1);
    auto* editRow = new QHBoxLayout;
    editRow->addWidget(m_newTerm, 1);
    editRow->addWidget(m_add);
    editRow->addWidget(m_remove);
    termsLayout->addLayout(editRow);
    termsLayout->addWidget(note(tr("Whole words are matched, whatever their case, accents, spacing "
                                   "(“n u d e”) or look-alike letters. A term ending in * also "
                                   "matches longer words. The prompt about what should not appear "
                                   "(negative prompt) is not filtered."),
                                termsBox));
    termsLayout->addWidget(m_trial);
    termsLayout->addWidget(m_trialResult);

    auto* facesBox = new QGroupBox(tr("Face-edit guard"), this);
    auto* facesLayout = new QVBoxLayout(facesBox);
    const engine::imaging::FaceDetector detector = engine::imaging::FaceDetector::fromSystem();
    facesLayout->addWidget(note(tr("Before a model fills a mask that touches a face in a photograph: "
                                   "Standard asks, Strict refuses. Classical fills are not "
                                   "checked. Detector: %1.")
                                    .arg(QString::fromStdString(detector.description())),
                                facesBox));

    const app::Settings settings = app::Settings::load();
    auto* exportBox = new QGroupBox(tr("Exports with generated pixels"), this);
    auto* exportForm = new QFormLayout(exportBox);
    m_watermark->setObjectName(QStringLiteral("exportWatermark"));
    m_watermark->setChecked(settings.exportWatermark);
    m_certificate->setObjectName(QStringLiteral("signerCertificate"));
    m_certificate->setText(settings.signerCertificate);
    m_certificate->setPlaceholderText(tr("certificate chain (PEM), leaf first"));
    m_key->setObjectName(QStringLiteral("signerKey"));
    m_key->setText(settings.signerKey);
    m_key->setPlaceholderText(tr("its P-256 private key (PEM)"));
    exportForm->addRow(m_watermark);
    exportForm->addRow(note(tr("Exports carry signed Content Credentials (C2PA): what "
                               "was generated, where, with which model. Leave the certificate empty "
                               "to sign with the key Limner makes for this computer (validators "
                               "call it untrusted; it still shows any later change)."),
                            exportBox));
    exportForm->addRow(tr("&Certificate:"), m_certificate);
    exportForm->addRow(tr("&Key:"), m_key);
    exportForm->addRow(m_signer);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(levelBox);
    layout->addWidget(termsBox, 1);
    layout->addWidget(facesBox);
    layout->addWidget(exportBox);
    // Wrapped notes need their height: the page never squeezes them into each other.
    layout->setSizeConstraint(QLayout::SetMinimumSize);
    showSigner();
    showTerms();

    connect(m_level, &QComboBox::currentIndexChanged, this,
            [this] { setLevel(static_cast<Level>(m_level->currentData().toInt())); });
    connect(m_category, &QComboBox::currentIndexChanged, this, &SafetyPage::showTerms);
    connect(m_terms, &QListWidget::currentRowChanged, this, [this] {
        m_remove->setEnabled(m_terms->currentItem() &&
                             app::ContentPolicy::isRemovable(currentCategory()));
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        addTerm(currentCategory(), m_newTerm->text());
        m_newTerm->clear();
    });
    connect(m_newTerm, &QLineEdit::returnPressed, m_add, &QPushButton::click);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_terms->currentItem())
            removeTerm(currentCategory(), m_terms->currentItem()->text());
    });
    connect(m_trial, &QLineEdit::textChanged, this, &SafetyPage::showTrial);
    connect(m_watermark, &QCheckBox::toggled, this, [](bool on) {
        app::Settings s = app::Settings::load();
        s.exportWatermark = on;
        s.save();
    });
    for (QLineEdit* edit : {m_certificate, m_key})
        connect(edit, &QLineEdit::editingFinished, this, [this] {
            app::Settings s = app::Settings::load();
            s.signerCertificate = m_certificate->text().trimmed();
            s.signerKey = m_key->text().trimmed();
            s.save();
            showSigner();
        });
}

Category SafetyPage::currentCategory() const {
    return static_cast<Category>(m_category->currentData().toInt());
}

void SafetyPage::setLevel(Level level) {
    m_policy.level = level;
    const int index = m_level->findData(int(level));
    if (m_level->currentIndex() != index)
        m_level->setCurrentIndex(index); // comes back here through the signal, with the same level
    m_levelNote->setText(levelNote(level));
    save();
    showTrial();
}

void SafetyPage::addTerm(Category category, const QString& term) {
    const QString t = term.trimmed();
    if (t.isEmpty() || t == QLatin1String("*"))
        return;
    const int i = int(category);
    m_policy.removedTerms[i].removeAll(t);
    if (!m_policy.terms(category).contains(t, Qt::CaseInsensitive))
        m_policy.addedTerms[i] << t;
    save();
    showTerms();
}

void SafetyPage::removeTerm(Category category, const QString& term) {
    if (!app::ContentPolicy::isRemovable(category))
        return;
    const int i = int(category);
    if (m_policy.addedTerms[i].removeAll(term) == 0 &&
        app::ContentPolicy::shippedTerms(category).contains(term))
        m_policy.removedTerms[i] << term;
    save();
    showTerms();
}

void SafetyPage::showTerms() {
    const Category category = currentCategory();
    m_terms->clear();
    m_terms->addItems(m_policy.terms(category));
    m_remove->setEnabled(false);
    m_remove->setToolTip(app::ContentPolicy::isRemovable(category)
                             ? QString()
                             : tr("The shipped terms about minors cannot be removed."));
    showTrial();
}

void SafetyPage::showTrial() {
    if (m_trial->text().trimmed().isEmpty()) {
        m_trialResult->clear();
        return;
    }
    const auto match = app::PromptFilter(m_policy).match(m_trial->text());
    if (!match) {
        m_trialResult->setText(tr("No rule matches."));
        return;
    }
    const bool refused = match->category == Category::Minors || m_policy.level == Level::Strict;
    const QString outcome = refused                        ? tr("refused")
                            : m_policy.level == Level::Off ? tr("allowed (policy off)")
                                                           : tr("asks first");
    m_trialResult->setText(
        tr("Matches “%1” (%2): %3.")
            .arg(match->term, app::ContentPolicy::ruleName(match->category), outcome));
}

void SafetyPage::showSigner() {
    const QString certificate = m_certificate->text().trimmed();
    const QString key = m_key->text().trimmed();
    if (certificate.isEmpty() && key.isEmpty()) {
        m_signer->setText(tr("Signing with Limner's key for this computer (in %1).")
                              .arg(app::ImageExporter::defaultSignerFolder()));
        return;
    }
    QString error;
    const app::C2paSigner signer = app::C2paSigner::fromPemFiles(certificate, key, &error);
    m_signer->setText(signer.isValid() ? tr("Signing as: %1").arg(signer.subject())
                                       : tr("This certificate cannot sign: %1").arg(error));
}

void SafetyPage::save() {
    app::Settings settings = app::Settings::load(); // other pages may have changed other values
    m_policy.storeIn(settings);
    settings.save();
}

} // namespace limner::ui
