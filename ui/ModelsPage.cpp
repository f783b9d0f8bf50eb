#include "ui/ModelsPage.h"

#include "app/EngineClient.h"
#include "app/Settings.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace limner::ui {

namespace {

enum Column { NameColumn, FamilyColumn, ParametersColumn, DtypeColumn, SizeColumn, ColumnCount };

void disableItem(QComboBox& combo, int index, const QString& why) {
    if (auto* model = qobject_cast<QStandardItemModel*>(combo.model())) {
        QStandardItem* item = model->item(index);
        item->setEnabled(false);
        item->setToolTip(why);
    }
}

} // namespace

ModelsPage::ModelsPage(app::EngineClient& client, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_list(new QTreeWidget(this))
    , m_add(new QPushButton(tr("Add…"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_device(new QComboBox(this))
    , m_dtype(new QComboBox(this))
    , m_note(new QLabel(this))
    , m_message(new QLabel(this)) {
    setObjectName(QStringLiteral("modelsPage"));
    m_list->setObjectName(QStringLiteral("modelList"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels(
        {tr("Model"), tr("Family"), tr("Parameters"), tr("Stored as"), tr("On disk")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setWordWrap(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int column = FamilyColumn; column < ColumnCount; ++column)
        m_list->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_add->setObjectName(QStringLiteral("addModel"));
    m_remove->setObjectName(QStringLiteral("removeModel"));
    m_remove->setEnabled(false);
    m_device->setObjectName(QStringLiteral("modelDevice"));
    m_dtype->setObjectName(QStringLiteral("modelDtype"));
    m_note->setObjectName(QStringLiteral("modelsNote"));
    m_note->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("modelsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const app::Settings settings = app::Settings::load();
    const QStringList deviceLabels{tr("Auto"), tr("CPU"), tr("CUDA")};
    for (int i = 0; i < app::Settings::modelDevices().size(); ++i)
        m_device->addItem(deviceLabels.value(i), app::Settings::modelDevices()[i]);
    const QStringList dtypeLabels{tr("Auto"), tr("float32"), tr("float16"), tr("bfloat16")};
    for (int i = 0; i < app::Settings::modelDtypes().size(); ++i)
        m_dtype->addItem(dtypeLabels.value(i), app::Settings::modelDtypes()[i]);
    m_device->setCurrentIndex(std::max(0, m_device->findData(settings.modelDevice)));
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(settings.modelDtype)));
    m_device->setToolTip(tr("Auto runs models on the GPU (CUDA) when this build's libtorch has one, "
                            "otherwise on the CPU."));
    m_dtype->setToolTip(tr("Auto is float16 on the GPU and float32 on the CPU. Half precision "
                           "needs half the memory."));

    if (app::EngineClient::modelsSupported()) {
        m_note->setText(tr("Models run on the CPU unless this build's libtorch has CUDA; a job "
                           "that asks for CUDA without it fails with a message. Auto chooses "
                           "for you."));
    } else {
        const int cuda = m_device->findData(QStringLiteral("cuda"));
        const QString why = tr("This build of Limner has no diffusion support.");
        disableItem(*m_device, cuda, why);
        if (m_device->currentIndex() == cuda)
            m_device->setCurrentIndex(0);
        m_note->setText(tr("This build of Limner was made without libtorch: it has no diffusion "
                           "support, and only the classical fills are available."));
        m_add->setToolTip(why);
    }

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);

    auto* runForm = new QFormLayout;
    runForm->addRow(tr("Device"), m_device);
    runForm->addRow(tr("Precision"), m_dtype);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Diffusion model folders (diffusers layout, .safetensors "
                                    "weights):"),
                                 this));
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addLayout(runForm);
    layout->addWidget(m_note);

    connect(m_add, &QPushButton::clicked, this, &ModelsPage::addWithDialog);
    connect(m_remove, &QPushButton::clicked, this, &ModelsPage::removeSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_list->selectedItems().isEmpty()); });
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ModelsPage::saveRunSettings);
    connect(m_dtype, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ModelsPage::saveRunSettings);
    connect(&m_client, &app::EngineClient::modelsChanged, this, &ModelsPage::refreshList);
    refreshList();
}

QString ModelsPage::formatParameters(qint64 parameters) {
    if (parameters <= 0)
        return QStringLiteral("–");
    const QLocale locale;
    if (parameters >= 1'000'000'000)
        return tr("%1 B").arg(locale.toString(parameters / 1e9, 'f', 1));
    if (parameters >= 1'000'000)
        return tr("%1 M").arg(locale.toString(parameters / 1e6, 'f', 1));
    if (parameters >= 1'000)
        return tr("%1 K").arg(locale.toString(parameters / 1e3, 'f', 1));
    return locale.toString(parameters);
}

bool ModelsPage::addFolder(const QString& folder) {
    const QString error = m_client.addModel(folder);
    if (!error.isEmpty()) {
        showMessage(tr("%1 was not added: %2").arg(folder, error), true);
        return false;
    }
    saveFolders();
    const QString path = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    for (const app::ModelFolder& model : m_client.models()) {
        if (model.folder == path)
            showMessage(tr("Added %1.").arg(model.label()), false);
    }
    return true;
}

void ModelsPage::removeSelected() {
    const QList<QTreeWidgetItem*> selected = m_list->selectedItems();
    if (selected.isEmpty())
        return;
    const QString folder = selected.first()->data(NameColumn, Qt::UserRole).toString();
    m_client.removeModel(folder);
    saveFolders();
    showMessage(tr("Removed %1.").arg(folder), false);
}

QString ModelsPage::message() const {
    return m_message->text();
}

void ModelsPage::addWithDialog() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a Model Folder"), QString(),
                                                             QFileDialog::ShowDirsOnly);
    if (!folder.isEmpty())
        addFolder(folder);
}

void ModelsPage::refreshList() {
    m_list->clear();
    const QLocale locale;
    for (const app::ModelFolder& model : m_client.models()) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setData(NameColumn, Qt::UserRole, model.folder);
        item->setToolTip(NameColumn, model.folder);
        if (model.isUsable()) {
            const engine::ModelDescription& d = model.description;
            item->setText(NameColumn, model.label());
            item->setText(FamilyColumn, QString::fromStdString(d.family));
            item->setText(ParametersColumn, formatParameters(d.parameters));
            item->setToolTip(ParametersColumn, locale.toString(qint64(d.parameters)));
            item->setText(DtypeColumn, QString::fromStdString(d.storedDtype));
            item->setText(SizeColumn, locale.formattedDataSize(qint64(d.bytesOnDisk)));
        } else {
            // A saved folder that no longer checks out stays listed with the reason.
            item->setText(NameColumn, tr("%1 — %2").arg(model.folder, model.error));
            item->setForeground(NameColumn, QColor(0xd0, 0x40, 0x40));
            item->setToolTip(NameColumn, model.error);
            item->setFirstColumnSpanned(true);
        }
    }
    m_remove->setEnabled(!m_list->selectedItems().isEmpty());
}

void ModelsPage::saveFolders() const {
    app::Settings settings = app::Settings::load();
    settings.modelFolders = m_client.modelFolders();
    settings.save();
}

void ModelsPage::saveRunSettings() const {
    app::Settings settings = app::Settings::load();
    settings.modelDevice = m_device->currentData().toString();
    settings.modelDtype = m_dtype->currentData().toString();
    settings.save();
}

void ModelsPage::showMessage(const QString& text, bool isError) {
    m_message->setStyleSheet(isError ? QStringLiteral("color: #d04040;") : QString());
    m_message->setText(text);
}

} // namespace limner::ui
