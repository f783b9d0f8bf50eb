#include "ui/ProjectsPage.h"

#include "app/Settings.h"
#include "app/project/Autosave.h"

#include <QCheckBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace limner::ui {

ProjectsPage::ProjectsPage(QWidget* parent)
    : QWidget(parent)
    , m_autosaveMinutes(new QSpinBox(this))
    , m_exportParameters(
          new QCheckBox(tr("Add the prompt, seed and model to exported PNG files"), this)) {
    setObjectName(QStringLiteral("projectsPage"));
    const app::Settings settings = app::Settings::load();

    m_autosaveMinutes->setObjectName(QStringLiteral("autosaveMinutes"));
    m_autosaveMinutes->setRange(0, kMaxAutosaveMinutes);
    m_autosaveMinutes->setSuffix(tr(" min"));
    m_autosaveMinutes->setSpecialValueText(tr("Off"));
    // Whole minutes here; an interval set in seconds elsewhere shows as at least one minute.
    const int seconds = settings.autosaveIntervalSeconds;
    m_autosaveMinutes->setValue(seconds <= 0 ? 0 : std::max(1, (seconds + 30) / 60));
    auto* autosaveNote =
        new QLabel(tr("While there are unsaved changes, a copy is kept in %1 — never in your own "
                      "file. After a crash, Limner offers to recover it.")
                       .arg(QDir::toNativeSeparators(app::Autosave::defaultRecoveryFolder())),
                   this);
    autosaveNote->setWordWrap(true);
    autosaveNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    autosaveNote->setForegroundRole(QPalette::PlaceholderText);

    m_exportParameters->setObjectName(QStringLiteral("exportParameters"));
    m_exportParameters->setChecked(settings.exportGenerationParameters);
    auto* parametersNote = new QLabel(
        tr("Written as a PNG “parameters” text chunk, as other generators do. Off by default: "
           "prompts can be private. Exports with generated pixels say that a model took part either "
           "way."),
        this);
    parametersNote->setWordWrap(true);
    parametersNote->setForegroundRole(QPalette::PlaceholderText);

    auto* autosave = new QGroupBox(tr("Autosave"), this);
    auto* autosaveForm = new QFormLayout(autosave);
    autosaveForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    autosaveForm->addRow(tr("Autosave &every:"), m_autosaveMinutes);
    autosaveForm->addRow(autosaveNote);
    auto* exports = new QGroupBox(tr("Export"), this);
    auto* exportsLayout = new QVBoxLayout(exports);
    exportsLayout->addWidget(m_exportParameters);
    exportsLayout->addWidget(parametersNote);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(autosave);
    layout->addWidget(exports);
    layout->addStretch(1);

    connect(m_autosaveMinutes, &QSpinBox::valueChanged, this, &ProjectsPage::saveAutosaveInterval);
    connect(m_exportParameters, &QCheckBox::toggled, this,
            &ProjectsPage::saveExportGenerationParameters);
}

void ProjectsPage::saveAutosaveInterval(int minutes) {
    app::Settings settings = app::Settings::load(); // other pages may have changed other values
    settings.autosaveIntervalSeconds = minutes * 60;
    settings.save();
    emit autosaveIntervalChanged(settings.autosaveIntervalSeconds);
}

void ProjectsPage::saveExportGenerationParameters(bool enabled) {
    app::Settings settings = app::Settings::load();
    settings.exportGenerationParameters = enabled;
    settings.save();
    emit exportGenerationParametersChanged(enabled);
}

} // namespace limner::ui
