#include "ui/PreferencesDialog.h"

#include <QDialogButtonBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace limner::ui {

PreferencesDialog::PreferencesDialog(QWidget* parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this)) {
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    m_tabs->setDocumentMode(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(560, 420);
}

int PreferencesDialog::addPage(QWidget* page, const QString& title) {
    return m_tabs->addTab(page, title);
}

int PreferencesDialog::pageCount() const {
    return m_tabs->count();
}

QWidget* PreferencesDialog::page(int index) const {
    return m_tabs->widget(index);
}

bool PreferencesDialog::showPage(const QString& title) {
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabText(i).remove(QLatin1Char('&')) == QString(title).remove(QLatin1Char('&'))) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

} // namespace limner::ui
