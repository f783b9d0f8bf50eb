#include "ui/StylesDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace limner::ui {

StylesDialog::StylesDialog(const QList<app::StylePreset>& styles, QWidget* parent)
    : QDialog(parent)
    , m_table(new QTableWidget(0, 3, this)) {
    setObjectName(QStringLiteral("stylesDialog"));
    setWindowTitle(tr("Styles"));
    m_table->setObjectName(QStringLiteral("stylesTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Name"), tr("Adds to the prompt"), tr("Adds to the negative prompt")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* add = buttons->addButton(tr("Add"), QDialogButtonBox::ActionRole);
    add->setObjectName(QStringLiteral("addStyle"));
    QPushButton* remove = buttons->addButton(tr("Remove"), QDialogButtonBox::ActionRole);
    remove->setObjectName(QStringLiteral("removeStyle"));
    QPushButton* defaults = buttons->addButton(tr("Restore Defaults"), QDialogButtonBox::ResetRole);
    connect(add, &QPushButton::clicked, this, [this] {
        addRow();
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    connect(defaults, &QPushButton::clicked, this, [this] { setStyles(app::StylePreset::defaults()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    resize(820, 360);
    setStyles(styles);
}

void StylesDialog::setStyles(const QList<app::StylePreset>& styles) {
    m_table->setRowCount(0);
    for (const app::StylePreset& style : styles)
        addRow(style);
}

void StylesDialog::addRow(const app::StylePreset& style) {
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem(style.name));
    m_table->setItem(row, 1, new QTableWidgetItem(style.prompt));
    m_table->setItem(row, 2, new QTableWidgetItem(style.negative));
}

QList<app::StylePreset> StylesDialog::styles() const {
    QList<app::StylePreset> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto text = [&](int column) {
            const QTableWidgetItem* item = m_table->item(row, column);
            return item ? item->text().trimmed() : QString();
        };
        const app::StylePreset style{text(0), text(1), text(2)};
        if (!style.name.isEmpty() && !app::StylePreset::names(out).contains(style.name))
            out << style;
    }
    return out;
}

} // namespace limner::ui
