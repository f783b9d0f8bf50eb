#include "ui/ModelsPage.h"

#include "app/EngineClient.h"
#include "app/Settings.h"
#include "app/library/LibraryRoots.h"
#include "app/library/ModelLibrary.h"
#include "ui/DownloadPanel.h"

#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStandardItemModel>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>

namespace limner::ui {

namespace {

enum Column { NameColumn, FamilyColumn, ParametersColumn, DtypeColumn, SizeColumn, ColumnCount };
enum LibraryColumn {
    LibraryName,
    LibraryFamily,
    LibraryParameters,
    LibraryDtype,
    LibrarySize,
    LibrarySource,
    LibraryStatus,
    LibraryColumnCount
};

const QColor kProblemColour(0xd0, 0x40, 0x40);
const QColor kPriorColour(0x30, 0x70, 0xb0);

void addOnce(QStringList& list, const QString& folder) {
    const QString clean = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    if (!list.contains(clean))
        list << clean;
}

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
    , m_library(new QTreeWidget(this))
    , m_use(new QPushButton(tr("Use"), this))
    , m_choosePrior(new QPushButton(tr("Choose prior…"), this))
    , m_rescan(new QPushButton(tr("Rescan"), this))
    , m_addLibraryFolder(new QPushButton(tr("Add folder…"), this))
    , m_addInstall(new QPushButton(tr("Add ComfyUI/A1111 folder…"), this))
    , m_download(new QPushButton(tr("Download…"), this))
    , m_location(new QLabel(this))
    , m_libraryNote(new QLabel(this))
    , m_list(new QTreeWidget(this))
    , m_add(new QPushButton(tr("Add…"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_device(new QComboBox(this))
    , m_dtype(new QComboBox(this))
    , m_note(new QLabel(this))
    , m_message(new QLabel(this)) {
    setObjectName(QStringLiteral("modelsPage"));
    buildLibraryList();
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
    m_add->setToolTip(tr("Put a model folder in the generate panel directly"));
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
    m_dtype->setToolTip(tr("Auto is float16 on the GPU; on the CPU bfloat16 where the CPU computes "
                           "it natively (AVX-512 BF16 or AMX: 1.6-2.4 times as fast as float32 here, "
                           "pictures within 35 dB of float32's), float32 elsewhere. Half precision "
                           "needs half the memory."));
    const auto showAuto = [this] {
        m_dtype->setItemText(0,
                             app::EngineClient::autoPrecisionLabel(m_device->currentData().toString()));
    };
    showAuto();
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this, showAuto);

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

    auto* libraryButtons = new QHBoxLayout;
    libraryButtons->addWidget(m_use);
    libraryButtons->addWidget(m_choosePrior);
    libraryButtons->addStretch(1);
    libraryButtons->addWidget(m_rescan);
    libraryButtons->addWidget(m_addLibraryFolder);
    libraryButtons->addWidget(m_addInstall);
    libraryButtons->addWidget(m_download);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);

    auto* runForm = new QFormLayout;
    runForm->addRow(tr("Device"), m_device);
    runForm->addRow(tr("Precision"), m_dtype);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Models Limner can see where they are (Hugging Face cache, "
                                    "ComfyUI, A1111/Forge, your folders); nothing is copied:"),
                                 this));
    layout->addWidget(m_library, 3);
    layout->addWidget(m_location);
    layout->addLayout(libraryButtons);
    layout->addWidget(m_libraryNote);
    layout->addWidget(new QLabel(tr("In the generate panel:"), this));
    layout->addWidget(m_list, 2);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addLayout(runForm);
    layout->addWidget(m_note);

    connect(m_use, &QPushButton::clicked, this, [this] {
        if (const app::LibraryEntry* entry = selectedEntry())
            useEntry(*entry);
    });
    connect(m_choosePrior, &QPushButton::clicked, this, [this] {
        const app::LibraryEntry* entry = selectedEntry();
        if (!entry)
            return;
        const app::LibraryEntry decoder = *entry;
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Choose the Prior of %1").arg(decoder.name), QString(), QFileDialog::ShowDirsOnly);
        if (!folder.isEmpty())
            pairWithPrior(decoder, folder);
    });
    connect(m_rescan, &QPushButton::clicked, this, &ModelsPage::rescan);
    connect(m_addLibraryFolder, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a Folder of Models"),
                                                                 QString(), QFileDialog::ShowDirsOnly);
        if (!folder.isEmpty())
            addLibraryFolder(folder);
    });
    connect(m_addInstall, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Add a ComfyUI or A1111/Forge Folder"), QString(), QFileDialog::ShowDirsOnly);
        if (!folder.isEmpty())
            addInstall(folder);
    });
    connect(m_download, &QPushButton::clicked, this, [this] {
        emit downloadRequested();
        openDownloader();
    });
    connect(m_library, &QTreeWidget::itemSelectionChanged, this, &ModelsPage::updateLibraryButtons);
    connect(m_library, &QTreeWidget::itemDoubleClicked, this, [this] {
        if (const app::LibraryEntry* entry = selectedEntry(); entry && entry->isReady())
            useEntry(*entry);
    });
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
    rescan();
}

ModelsPage::~ModelsPage() {
    if (m_scanThread) {
        m_scanThread->wait();
        delete m_scanThread;
    }
}

void ModelsPage::buildLibraryList() {
    m_library->setObjectName(QStringLiteral("libraryList"));
    m_library->setColumnCount(LibraryColumnCount);
    m_library->setHeaderLabels({tr("Model"), tr("Family"), tr("Parameters"), tr("Stored as"),
                                tr("On disk"), tr("Found in"), tr("Status")});
    m_library->setRootIsDecorated(false);
    m_library->setSelectionMode(QAbstractItemView::SingleSelection);
    m_library->setAlternatingRowColors(true);
    m_library->header()->setStretchLastSection(true);
    for (int column = LibraryName; column < LibraryStatus; ++column)
        m_library->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_use->setObjectName(QStringLiteral("useModel"));
    m_use->setToolTip(tr("Put the chosen model in the generate panel, where it lives."));
    m_choosePrior->setObjectName(QStringLiteral("choosePrior"));
    m_choosePrior->setToolTip(tr("A Kandinsky 2.2 decoder runs with a prior pipeline (such as "
                                 "kandinsky-community/kandinsky-2-2-prior): choose its folder "
                                 "once; Limner remembers it."));
    m_rescan->setObjectName(QStringLiteral("rescanLibrary"));
    m_addLibraryFolder->setObjectName(QStringLiteral("addLibraryFolder"));
    m_addLibraryFolder->setToolTip(tr("A model folder, or a folder that holds models"));
    m_addInstall->setObjectName(QStringLiteral("addInstall"));
    m_addInstall->setToolTip(tr("A ComfyUI folder (models/checkpoints, models/diffusers, "
                                "extra_model_paths.yaml) or an A1111/Forge folder "
                                "(models/Stable-diffusion)"));
    m_download->setObjectName(QStringLiteral("downloadModels"));
    m_download->setToolTip(tr("Download a model from the Hugging Face hub into its cache"));
    m_location->setObjectName(QStringLiteral("libraryLocation"));
    m_location->setWordWrap(true);
    m_location->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_libraryNote->setObjectName(QStringLiteral("libraryNote"));
    m_libraryNote->setWordWrap(true);
    updateLibraryButtons();
}

void ModelsPage::rescan() {
    if (m_scanThread) {
        m_rescanPending = true;
        return;
    }
    const app::Settings settings = app::Settings::load();
    m_scannedRoots = app::LibraryRoots::fromSettings(settings, QDir::homePath());
    auto library = std::make_shared<const app::ModelLibrary>(m_scannedRoots, settings.modelPriors);
    auto found = std::make_shared<QVector<app::LibraryEntry>>();
    auto milliseconds = std::make_shared<qint64>(0);
    m_scanThread = QThread::create([library, found, milliseconds] {
        QElapsedTimer timer;
        timer.start();
        *found = library->scan();
        *milliseconds = timer.elapsed();
    });
    connect(m_scanThread, &QThread::finished, this, [this, found, milliseconds] {
        m_scanThread->deleteLater();
        m_scanThread = nullptr;
        m_entries = *found;
        showLibrary(*milliseconds);
        emit libraryScanned();
        if (m_rescanPending) {
            m_rescanPending = false;
            rescan();
        }
    });
    m_libraryNote->setText(tr("Looking for models…"));
    m_rescan->setEnabled(false);
    m_scanThread->start();
}

void ModelsPage::showLibrary(qint64 milliseconds) {
    const QString selected = selectedEntry() ? selectedEntry()->name : QString();
    m_library->clear();
    const QLocale locale;
    int ready = 0;
    for (int i = 0; i < m_entries.size(); ++i) {
        const app::LibraryEntry& entry = m_entries[i];
        auto* item = new QTreeWidgetItem(m_library);
        item->setData(LibraryName, Qt::UserRole, i);
        item->setText(LibraryName, entry.name);
        item->setToolTip(LibraryName, QStringLiteral("%1 (%2)").arg(entry.location, entry.kindText()));
        item->setText(LibraryFamily, entry.family.isEmpty() ? QStringLiteral("–") : entry.family);
        item->setText(LibraryParameters, formatParameters(entry.parameters));
        item->setToolTip(LibraryParameters, locale.toString(entry.parameters));
        item->setText(LibraryDtype,
                      entry.storedDtype.isEmpty() ? QStringLiteral("–") : entry.storedDtype);
        item->setText(LibrarySize, app::LibraryEntry::bytesText(entry.bytesOnDisk));
        QString status = entry.statusText();
        if (entry.isReady() && !entry.priorFolder.isEmpty())
            status = entry.priorRemembered ? tr("ready (with the prior you chose)")
                                           : tr("ready (with its prior from the cache)");
        item->setText(LibraryStatus, status);
        item->setToolTip(LibraryStatus, status);
        if (!entry.isReady())
            item->setForeground(LibraryStatus, entry.state == app::LibraryEntry::State::PriorPipeline
                                                   ? kPriorColour
                                                   : kProblemColour);
        item->setText(LibrarySource, entry.source);
        item->setToolTip(LibrarySource, entry.location);
        ready += entry.isReady() ? 1 : 0;
        if (entry.name == selected)
            item->setSelected(true);
    }
    const app::LibraryRoots& roots = m_scannedRoots;
    QStringList places = roots.hubCaches;
    places += roots.comfyUi;
    places += roots.webUi;
    places += roots.folders;
    m_libraryNote->setText((m_entries.size() == 1
                                ? tr("1 model, %2 ready, found in %3 ms. Looked in: %4")
                                : tr("%1 models, %2 ready, found in %3 ms. Looked in: %4"))
                               .arg(m_entries.size())
                               .arg(ready)
                               .arg(milliseconds)
                               .arg(places.join(QStringLiteral(", "))));
    m_rescan->setEnabled(true);
    updateLibraryButtons();
}

const app::LibraryEntry* ModelsPage::selectedEntry() const {
    const QList<QTreeWidgetItem*> selected = m_library->selectedItems();
    if (selected.isEmpty())
        return nullptr;
    const int index = selected.first()->data(LibraryName, Qt::UserRole).toInt();
    return index >= 0 && index < m_entries.size() ? &m_entries[index] : nullptr;
}

void ModelsPage::updateLibraryButtons() {
    const app::LibraryEntry* entry = selectedEntry();
    if (!entry)
        m_location->setText(tr("Select a model to see where it lives."));
    else if (!entry->snapshot.isEmpty() && entry->snapshot != entry->location)
        m_location->setText(
            tr("%1 (%2), snapshot %3")
                .arg(entry->location, entry->kindText(), QFileInfo(entry->snapshot).fileName()));
    else
        m_location->setText(tr("%1 (%2)").arg(entry->location, entry->kindText()));
    m_use->setEnabled(entry && entry->isReady() && app::EngineClient::modelsSupported());
    m_choosePrior->setEnabled(entry && entry->pairsWithPrior);
}

bool ModelsPage::use(const QString& name) {
    const app::LibraryEntry* entry = app::ModelLibrary::find(m_entries, name);
    if (!entry) {
        showMessage(tr("%1 is not in the library.").arg(name), true);
        return false;
    }
    return useEntry(app::LibraryEntry(*entry));
}

bool ModelsPage::useEntry(const app::LibraryEntry& chosen) {
    const app::LibraryEntry* entry = &chosen;
    if (!entry->isReady()) {
        showMessage(tr("%1 cannot be used: %2").arg(entry->name, entry->statusText()), true);
        return false;
    }
    const QString prior = entry->pairsWithPrior ? entry->priorFolder : QString();
    const QString error = m_client.addModel(entry->location, prior);
    if (!error.isEmpty()) {
        showMessage(tr("%1 was not added: %2").arg(entry->name, error), true);
        return false;
    }
    saveFolders();
    showMessage(
        tr("%1 is in the generate panel (it stays where it is: %2).").arg(entry->name, entry->location),
        false);
    return true;
}

bool ModelsPage::choosePrior(const QString& name, const QString& priorFolder) {
    const app::LibraryEntry* entry = app::ModelLibrary::find(m_entries, name);
    if (!entry || !entry->pairsWithPrior) {
        showMessage(tr("%1 is no Kandinsky 2.2 decoder in the library.").arg(name), true);
        return false;
    }
    return pairWithPrior(app::LibraryEntry(*entry), priorFolder);
}

bool ModelsPage::pairWithPrior(const app::LibraryEntry& decoder, const QString& priorFolder) {
    const app::LibraryEntry* entry = &decoder;
    app::LibraryEntry prior;
    const app::ModelLibrary library;
    if (!library.inspect(priorFolder, prior) ||
        prior.state != app::LibraryEntry::State::PriorPipeline) {
        showMessage(tr("%1 is not a Kandinsky 2.2 prior pipeline (prior/, text_encoder/, "
                       "image_encoder/, tokenizer/, scheduler/)%2")
                        .arg(priorFolder, prior.problem.isEmpty() ||
                                                  prior.state == app::LibraryEntry::State::PriorPipeline
                                              ? QString()
                                              : QStringLiteral(": ") + prior.problem),
                    true);
        return false;
    }
    app::Settings settings = app::Settings::load();
    settings.modelPriors.insert(entry->pairingKey(), prior.pairingKey());
    settings.save();
    showMessage(tr("%1 runs with the prior in %2.").arg(entry->name, prior.location), false);
    rescan();
    return true;
}

bool ModelsPage::addLibraryFolder(const QString& folder) {
    if (!QFileInfo(folder).isDir()) {
        showMessage(tr("%1 is not a folder.").arg(folder), true);
        return false;
    }
    app::Settings settings = app::Settings::load();
    addOnce(settings.libraryFolders, folder);
    settings.save();
    showMessage(tr("Looking for models in %1.").arg(folder), false);
    rescan();
    return true;
}

bool ModelsPage::addInstall(const QString& folder) {
    const QString kind = app::LibraryRoots::installKind(folder);
    if (kind.isEmpty()) {
        showMessage(tr("%1 is neither a ComfyUI folder (models/checkpoints, "
                       "extra_model_paths.yaml) nor an A1111/Forge folder (models/Stable-diffusion).")
                        .arg(folder),
                    true);
        return false;
    }
    app::Settings settings = app::Settings::load();
    addOnce(kind == QLatin1String("ComfyUI") ? settings.libraryComfyUiFolders
                                             : settings.libraryWebUiFolders,
            folder);
    settings.save();
    showMessage(tr("Looking for models in the %1 folder %2.").arg(kind, folder), false);
    rescan();
    return true;
}

QString ModelsPage::formatParameters(qint64 parameters) {
    return app::LibraryEntry::parametersText(parameters);
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
            item->setText(SizeColumn, app::LibraryEntry::bytesText(qint64(d.bytesOnDisk)));
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

QDialog* ModelsPage::openDownloader() {
    if (!m_downloader) {
        m_downloader = new QDialog(this);
        m_downloader->setWindowTitle(tr("Download a Model"));
        auto* panel = new DownloadPanel(m_downloader);
        auto* layout = new QVBoxLayout(m_downloader);
        layout->addWidget(panel);
        // What comes down lands in the hub cache, where the library finds it.
        connect(panel, &DownloadPanel::downloaded, this, [this](const QString& folder) {
            showMessage(tr("Downloaded into %1.").arg(QDir::toNativeSeparators(folder)), false);
            rescan();
        });
    }
    m_downloader->show();
    m_downloader->raise();
    return m_downloader;
}

} // namespace limner::ui
