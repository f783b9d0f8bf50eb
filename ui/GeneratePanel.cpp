#include "ui/GeneratePanel.h"

#include "app/EngineClient.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

namespace limner::ui {

GeneratePanel::GeneratePanel(QWidget* parent)
    : QWidget(parent)
    , m_prompt(new QPlainTextEdit(this))
    , m_negative(new QLineEdit(this))
    , m_backend(new QComboBox(this))
    , m_seed(new QSpinBox(this))
    , m_randomSeed(new QCheckBox(tr("Random"), this))
    , m_candidates(new QSpinBox(this))
    , m_generate(new QPushButton(tr("Generate"), this))
    , m_progress(new QProgressBar(this))
    , m_message(new QLabel(this)) {
    setObjectName(QStringLiteral("generatePanel"));
    m_prompt->setObjectName(QStringLiteral("prompt"));
    m_prompt->setPlaceholderText(tr("What should be there, e.g. \"with the head of a duck\""));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 4 + 12);
    m_negative->setObjectName(QStringLiteral("negativePrompt"));
    m_negative->setPlaceholderText(tr("What to avoid"));
    m_backend->setObjectName(QStringLiteral("backend"));
    for (const QString& name : app::EngineClient::backendNames())
        m_backend->addItem(app::EngineClient::backendLabel(name), name);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_randomSeed->setChecked(true);
    m_seed->setEnabled(false);
    connect(m_randomSeed, &QCheckBox::toggled, m_seed,
            [this](bool random) { m_seed->setEnabled(!random); });
    m_candidates->setObjectName(QStringLiteral("candidates"));
    m_candidates->setRange(1, 8);
    m_candidates->setValue(3);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setDefault(true);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);

    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_randomSeed);

    auto* form = new QFormLayout;
    form->addRow(tr("Prompt"), m_prompt);
    form->addRow(tr("Negative"), m_negative);
    form->addRow(tr("Backend"), m_backend);
    form->addRow(tr("Seed"), seedRow);
    form->addRow(tr("Candidates"), m_candidates);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_generate);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addStretch(1);

    // Docks share the window's height; never squeeze the prompt or the message out of sight.
    setMinimumHeight(sizeHint().height());

    connect(m_generate, &QPushButton::clicked, this, [this] {
        if (m_running)
            emit cancelRequested();
        else
            emit generateRequested();
    });
}

QString GeneratePanel::prompt() const {
    return m_prompt->toPlainText().trimmed();
}

QString GeneratePanel::negativePrompt() const {
    return m_negative->text().trimmed();
}

QString GeneratePanel::backend() const {
    return m_backend->currentData().toString();
}

void GeneratePanel::setBackend(const QString& name) {
    const int index = m_backend->findData(name);
    if (index >= 0)
        m_backend->setCurrentIndex(index);
}

quint64 GeneratePanel::seed() {
    if (m_randomSeed->isChecked())
        m_seed->setValue(int(QRandomGenerator::global()->bounded(std::numeric_limits<int>::max())));
    return quint64(m_seed->value());
}

void GeneratePanel::setSeed(quint64 seed) {
    // Reusing a seed means keeping it: random is turned off.
    m_randomSeed->setChecked(false);
    m_seed->setValue(int(std::min<quint64>(seed, quint64(std::numeric_limits<int>::max()))));
}

int GeneratePanel::candidateCount() const {
    return m_candidates->value();
}

void GeneratePanel::setPrompt(const QString& prompt) {
    m_prompt->setPlainText(prompt);
}

void GeneratePanel::setCandidateCount(int count) {
    m_candidates->setValue(count);
}

void GeneratePanel::setRunning(bool running) {
    m_running = running;
    m_generate->setText(running ? tr("Cancel") : tr("Generate"));
    if (running) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        showMessage(tr("Generating…"), false);
    }
}

void GeneratePanel::setProgress(int step, int total) {
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(std::clamp(step, 0, std::max(total, 1)));
}

void GeneratePanel::showMessage(const QString& text, bool isError) {
    m_message->setStyleSheet(isError ? QStringLiteral("color: #d04040;") : QString());
    m_message->setText(text);
}

} // namespace limner::ui
