#include "app/models/HubDownloader.h"

#include "app/models/DownloadFormat.h"
#include "app/models/FileSelection.h"
#include "app/models/HubFileLock.h"
#include "engine/ml/config/HubCache.h"
#include "engine/ml/config/ModelCard.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStorageInfo>
#include <QTimer>
#include <algorithm>

namespace limner::app {

namespace {

using engine::ml::HubCache;

constexpr int kMaxRedirects = 10;
constexpr int kMaxTreePages = 100000;
constexpr qint64 kHashChunkBytes = 16 << 20;
constexpr qint64 kReadBufferBytes = 8 << 20;
constexpr int kProgressIntervalMs = 200;
constexpr int kRateWindowMs = 5000;
constexpr int kMaxRetryDelayMs = 30000;

bool isHex(const QString& text, int length) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]*$"));
    return text.size() == length && hex.match(text).hasMatch();
}

// An etag names a file in blobs/: letters, digits, '-' and '_' only.
bool isUsableEtag(const QString& etag) {
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_-]{1,128}$"));
    return safe.match(etag).hasMatch();
}

bool isUsableRevision(const QString& revision) {
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9._/-]{1,256}$"));
    return safe.match(revision).hasMatch() && !revision.contains(QLatin1String("..")) &&
           !revision.startsWith(QLatin1Char('/')) && !revision.endsWith(QLatin1Char('/'));
}

int statusOf(const QNetworkReply* reply) {
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QString oneLine(QString text) {
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text.simplified();
}

QString existingAncestor(QString folder) {
    while (!folder.isEmpty() && !QFileInfo::exists(folder)) {
        const QString parent = QFileInfo(folder).absolutePath();
        if (parent == folder)
            break;
        folder = parent;
    }
    return folder;
}

QString std2q(const std::string& text) {
    return QString::fromStdString(text);
}

// The proxies the system names (Debian's Qt asks libproxy, which reads https_proxy, no_proxy …),
// for this downloader's requests only.
class EnvironmentProxyFactory : public QNetworkProxyFactory {
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override {
        return QNetworkProxyFactory::systemProxyForQuery(query);
    }
};

} // namespace

HubDownloader::HubDownloader(QObject* parent)
    : HubDownloader(HubClient::fromEnvironment(), defaultCacheRoot(), parent) {}

HubDownloader::HubDownloader(HubClient client, QString cacheRoot, QObject* parent)
    : QObject(parent)
    , m_client(std::move(client))
    , m_cacheRoot(std::move(cacheRoot))
    , m_network(new QNetworkAccessManager(this)) {
    // huggingface_hub (httpx) honours the proxy variables of the environment, and only those.
    for (const char* name :
         {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
        if (!qEnvironmentVariableIsEmpty(name)) {
            m_network->setProxyFactory(new EnvironmentProxyFactory);
            break;
        }
    }
}

HubDownloader::~HubDownloader() {
    stop();
}

QString HubDownloader::defaultCacheRoot() {
    return std2q(HubCache::defaultRoot());
}

void HubDownloader::setFreeSpaceProbe(std::function<qint64(const QString&)> probe) {
    m_freeSpaceProbe = std::move(probe);
}

bool HubDownloader::hasPartialDownload(const QString& cacheRoot, const QString& repoId) {
    if (!HubCache::isRepoId(repoId.toStdString()))
        return false;
    const QString blobs = std2q(HubCache(cacheRoot.toStdString()).repoDir(repoId.toStdString())) +
                          QStringLiteral("/blobs");
    const QFileInfoList parts =
        QDir(blobs).entryInfoList({QStringLiteral("*.incomplete")}, QDir::Files | QDir::Hidden);
    return std::any_of(parts.begin(), parts.end(),
                       [](const QFileInfo& part) { return part.size() > 0; });
}

template <typename F>
void HubDownloader::later(int ms, F&& function) {
    const quint64 generation = m_generation;
    QTimer::singleShot(ms, this, [this, generation, f = std::forward<F>(function)]() mutable {
        if (generation == m_generation && m_running)
            f();
    });
}

bool HubDownloader::download(const QString& repoId, const QString& revision) {
    if (m_running)
        return false;
    m_running = true;
    m_queue = {RepoJob{repoId, revision}};
    m_queued = {repoId};
    m_firstSnapshot.clear();
    m_clock.start();
    m_samples.clear();
    m_sessionBytes = 0;
    m_lastProgressMs = -1000000;
    // Every outcome is signalled from the event loop, never from inside download().
    if (!HubCache::isRepoId(repoId.toStdString()))
        later(0, [this, repoId] {
            fail(QStringLiteral("\"%1\" is not a Hugging Face repo id: give ORG/NAME, for example "
                                "kandinsky-community/kandinsky-2-2-decoder-inpaint")
                     .arg(repoId));
        });
    else if (!isUsableRevision(revision))
        later(0, [this, revision] {
            fail(QStringLiteral("\"%1\" is not a revision name (a branch, tag or commit)")
                     .arg(revision));
        });
    else if (m_client.isOffline())
        later(0, [this, repoId] { fail(HubClient::offlineMessage(repoId)); });
    else
        later(0, [this] { startNextRepo(); });
    return true;
}

void HubDownloader::cancel() {
    if (!m_running)
        return;
    stop();
    emit cancelled();
}

void HubDownloader::fail(const QString& message) {
    if (!m_running)
        return;
    stop();
    emit failed(oneLine(message));
}

void HubDownloader::stop() {
    ++m_generation;
    if (m_reply) {
        QNetworkReply* reply = m_reply;
        m_reply = nullptr;
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    if (m_part.isOpen()) {
        m_part.flush();
        m_part.close();
    }
    m_hash.reset();
    m_lock.reset();
    m_running = false;
}

// ---- one repo ------------------------------------------------------------------------------

void HubDownloader::startNextRepo() {
    if (m_queue.isEmpty()) {
        const QString folder = m_firstSnapshot;
        stop();
        emit finished(folder);
        return;
    }
    m_repo = m_queue.takeFirst();
    m_commit.clear();
    m_tree.clear();
    m_treePages = 0;
    m_files.clear();
    m_fileIndex = 0;
    m_repoTotal = 0;
    m_repoDone = 0;
    m_failures = 0;
    m_redirects = 0;
    m_meta = {};
    m_offset = 0;
    m_received = 0;
    emitProgress(QStringLiteral("%1: asking the hub for %2").arg(m_repo.repoId, m_repo.revision), true);
    request(Stage::Revision, m_client.revisionUrl(m_repo.repoId, m_repo.revision));
}

void HubDownloader::request(Stage stage, const QUrl& url) {
    QNetworkRequest request = m_client.request(url);
    request.setTransferTimeout(m_tuning.transferTimeoutMs);
    QNetworkReply* reply = stage == Stage::Head ? m_network->head(request) : m_network->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, stage] { onReplyFinished(reply, stage); });
}

void HubDownloader::onReplyFinished(QNetworkReply* reply, Stage stage) {
    reply->deleteLater();
    if (reply != m_reply)
        return;
    if (stage == Stage::Get)
        onGetData(reply); // what arrived with the end
    m_reply = nullptr;
    switch (stage) {
    case Stage::Revision:
        onRevision(reply);
        break;
    case Stage::Tree:
        onTreePage(reply);
        break;
    case Stage::Head:
        onHead(reply);
        break;
    case Stage::Get:
        onGetFinished(reply);
        break;
    }
}

bool HubDownloader::handledProblem(QNetworkReply* reply, Stage stage, const QString& path) {
    const int status = statusOf(reply);
    if (status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError)
        return false;
    if (status >= 300 && status < 400) {
        const QUrl location(QString::fromUtf8(reply->rawHeader("Location")));
        // HEAD: an absolute Location is where the file is (the caller reads it); a relative one
        // is the hub's own (a renamed repo), followed as huggingface_hub does.
        if (stage == Stage::Head && !location.host().isEmpty())
            return false;
        if (location.isEmpty() || ++m_redirects > kMaxRedirects) {
            fail(QStringLiteral("%1 redirected %2 too often (HTTP %3)")
                     .arg(reply->url().host(), m_repo.repoId)
                     .arg(status));
            return true;
        }
        request(stage, reply->url().resolved(location));
        return true;
    }
    if (status == 0 && stage == Stage::Revision &&
        (reply->error() == QNetworkReply::HostNotFoundError ||
         reply->error() == QNetworkReply::ConnectionRefusedError)) {
        // The first request of a download: no network, or a wrong HF_ENDPOINT. Say so at once.
        fail(QStringLiteral("cannot reach %1 for %2: %3: check the network connection or HF_ENDPOINT")
                 .arg(reply->url().host(), m_repo.repoId, reply->errorString()));
        return true;
    }
    if (status == 0 || status == 408 || status == 429 || status >= 500) {
        const QString reason =
            status == 0 ? reply->errorString()
                        : QStringLiteral("HTTP %1 from %2").arg(status).arg(reply->url().host());
        retry(reason, [this, stage, url = reply->url()] { request(stage, url); });
        return true;
    }
    fail(m_client.httpErrorMessage(status, reply->rawHeader("X-Error-Code"), m_repo.repoId,
                                   m_repo.revision, path, reply->url()));
    return true;
}

void HubDownloader::retry(const QString& reason, std::function<void()> again) {
    const bool inFile = m_fileIndex < m_files.size();
    if (++m_failures > m_tuning.maxRetries) {
        if (inFile)
            fail(QStringLiteral("downloading %1 of %2 stopped: %3 (%4 tries; %5 of %6 are in the "
                                "cache): download again to resume")
                     .arg(m_files[m_fileIndex].path, m_repo.repoId, reason)
                     .arg(m_failures)
                     .arg(formatBytes(m_offset + m_received),
                          formatBytes(m_meta.size >= 0 ? m_meta.size : m_files[m_fileIndex].size)));
        else
            fail(QStringLiteral("cannot reach %1 for %2: %3 (%4 tries): check the network "
                                "connection or HF_ENDPOINT")
                     .arg(QUrl(m_client.endpoint()).host(), m_repo.repoId, reason)
                     .arg(m_failures));
        return;
    }
    const int delay = std::min(kMaxRetryDelayMs, m_tuning.retryDelayMs << std::min(m_failures - 1, 16));
    emitProgress(QStringLiteral("%1 — trying again in %2").arg(reason, formatDuration(delay / 1000.0)),
                 true);
    m_redirects = 0;
    later(delay, std::move(again));
}

void HubDownloader::onRevision(QNetworkReply* reply) {
    if (handledProblem(reply, Stage::Revision, QString()))
        return;
    m_commit = HubClient::parseRevision(reply->readAll());
    if (m_commit.isEmpty()) {
        fail(QStringLiteral("%1 answered without a commit for %2@%3")
                 .arg(reply->url().host(), m_repo.repoId, m_repo.revision));
        return;
    }
    m_redirects = 0;
    // The tree of the commit, not of the branch: a push during the download changes nothing.
    request(Stage::Tree, m_client.treeUrl(m_repo.repoId, m_commit));
}

void HubDownloader::onTreePage(QNetworkReply* reply) {
    if (handledProblem(reply, Stage::Tree, QString()))
        return;
    QString error;
    if (!HubClient::parseTree(reply->readAll(), m_tree, error)) {
        fail(QStringLiteral("the file list of %1 from %2 is unreadable: %3")
                 .arg(m_repo.repoId, reply->url().host(), error));
        return;
    }
    const QUrl next = HubClient::nextPage(reply->rawHeader("Link"), reply->url());
    if (next.isValid() && !next.isEmpty() && ++m_treePages < kMaxTreePages) {
        m_redirects = 0;
        request(Stage::Tree, next);
        return;
    }
    prepareFiles();
}

void HubDownloader::prepareFiles() {
    m_files = FileSelection::select(m_tree);
    const bool hasSafetensors = std::any_of(m_files.begin(), m_files.end(), [](const HubTreeEntry& e) {
        return FileSelection::isSafetensors(e.path);
    });
    const bool hasPickle = std::any_of(m_tree.begin(), m_tree.end(), [](const HubTreeEntry& e) {
        return FileSelection::isUnreadWeightFormat(e.path);
    });
    if (!hasSafetensors && hasPickle) {
        fail(QStringLiteral("%1@%2 holds only pickle weights (.bin, .ckpt …), which Limner never "
                            "loads because they can run code: choose a repo or revision with "
                            ".safetensors files")
                 .arg(m_repo.repoId, m_repo.revision));
        return;
    }
    if (m_files.isEmpty()) {
        fail(QStringLiteral("%1@%2 holds no files Limner can use (no .safetensors, no configs)")
                 .arg(m_repo.repoId, m_repo.revision));
        return;
    }
    // What is missing from the cache, for the disk-space check before anything is written.
    const HubCache cache(m_cacheRoot.toStdString());
    qint64 needed = 0;
    for (const HubTreeEntry& file : m_files) {
        const qint64 size = std::max<qint64>(file.size, 0);
        m_repoTotal += size;
        const QString pointer =
            std2q(cache.snapshotDir(m_repo.repoId.toStdString(), m_commit.toStdString())) +
            QLatin1Char('/') + file.path;
        if (QFileInfo::exists(pointer))
            continue;
        const QString etag = file.lfsSha256.isEmpty() ? file.gitOid : file.lfsSha256;
        const QString blob = std2q(cache.blobPath(m_repo.repoId.toStdString(), etag.toStdString()));
        if (isUsableEtag(etag) && QFileInfo(blob).size() == size)
            continue;
        const qint64 partial =
            isUsableEtag(etag) ? QFileInfo(blob + QStringLiteral(".incomplete")).size() : 0;
        needed += std::max<qint64>(size - partial, 0);
    }
    if (!hasSpaceFor(needed, m_repo.repoId))
        return;
    m_fileIndex = 0;
    nextFile();
}

// ---- one file ------------------------------------------------------------------------------

QString HubDownloader::currentLabel() const {
    return m_fileIndex < m_files.size()
               ? m_repo.repoId + QStringLiteral(": ") + m_files[m_fileIndex].path
               : m_repo.repoId;
}

QString HubDownloader::blobPath() const {
    return std2q(HubCache(m_cacheRoot.toStdString())
                     .blobPath(m_repo.repoId.toStdString(), m_meta.etag.toStdString()));
}

QString HubDownloader::incompletePath() const {
    return blobPath() + QStringLiteral(".incomplete");
}

QString HubDownloader::pointerPath() const {
    return std2q(HubCache(m_cacheRoot.toStdString())
                     .snapshotDir(m_repo.repoId.toStdString(), m_commit.toStdString())) +
           QLatin1Char('/') + m_files[m_fileIndex].path;
}

void HubDownloader::nextFile() {
    m_offset = 0;
    m_received = 0;
    for (; m_fileIndex < m_files.size(); ++m_fileIndex) {
        const QFileInfo pointer(pointerPath()); // follows the link: a dangling one is missing
        const qint64 size = m_files[m_fileIndex].size;
        if (!pointer.exists() || (size >= 0 && pointer.size() != size))
            break;
        m_repoDone += std::max<qint64>(size, 0);
    }
    if (m_fileIndex >= m_files.size()) {
        repoDone();
        return;
    }
    m_failures = 0;
    m_redirects = 0;
    m_meta = {};
    emitProgress(currentLabel(), true);
    request(Stage::Head, m_client.resolveUrl(m_repo.repoId, m_commit, m_files[m_fileIndex].path));
}

void HubDownloader::onHead(QNetworkReply* reply) {
    const HubTreeEntry& file = m_files[m_fileIndex];
    if (handledProblem(reply, Stage::Head, file.path))
        return;
    HubFileMetadata meta = HubClient::headMetadata(*reply);
    if (!isUsableEtag(meta.etag)) {
        fail(QStringLiteral("%1 sent no usable ETag for %2 of %3 (\"%4\"), so it cannot be stored in "
                            "the hub cache")
                 .arg(reply->url().host(), file.path, m_repo.repoId, meta.etag.left(80)));
        return;
    }
    if (meta.size < 0)
        meta.size = file.size;
    if (meta.size < 0) {
        fail(QStringLiteral("%1 gave no size for %2 of %3")
                 .arg(reply->url().host(), file.path, m_repo.repoId));
        return;
    }
    // A retry within one blob keeps its lock, its open file and its hash, and only needs a fresh
    // location (presigned URLs expire).
    if (m_lock && m_meta.etag == meta.etag && m_meta.size == meta.size) {
        m_meta = meta;
        continueBlob();
        return;
    }
    if (m_part.isOpen())
        m_part.close();
    m_hash.reset();
    m_lock.reset();
    m_meta = meta;
    tryLockBlob();
}

void HubDownloader::tryLockBlob() {
    const QFileInfo blob(blobPath());
    if (blob.exists() && blob.size() == m_meta.size) {
        linkFile();
        return;
    }
    const QString lockPath =
        std2q(HubCache(m_cacheRoot.toStdString())
                  .lockPath(m_repo.repoId.toStdString(), m_meta.etag.toStdString()));
    auto lock = std::make_unique<HubFileLock>(lockPath);
    QString error;
    if (lock->tryLock(error)) {
        m_lock = std::move(lock);
        startBlob();
        return;
    }
    if (!error.isEmpty()) {
        fail(error);
        return;
    }
    emitProgress(QStringLiteral("%1 (waiting: another program is downloading it into the cache)")
                     .arg(currentLabel()),
                 true);
    later(m_tuning.lockPollMs, [this] { tryLockBlob(); });
}

void HubDownloader::resetHash() {
    m_hash.reset();
    m_hashName.clear();
    if (isHex(m_meta.etag, 64)) {
        m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
        m_hashName = QStringLiteral("sha256");
    } else if (isHex(m_meta.etag, 40)) {
        // A file kept in git: its etag is the git blob id.
        m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha1);
        m_hash->addData("blob " + QByteArray::number(m_meta.size) + QByteArray(1, '\0'));
        m_hashName = QStringLiteral("git blob sha1");
    }
}

void HubDownloader::startBlob() {
    // Another process may have finished the blob while this one waited for the lock.
    const QFileInfo blob(blobPath());
    if (blob.exists() && blob.size() == m_meta.size) {
        m_lock.reset();
        linkFile();
        return;
    }
    QDir().mkpath(QFileInfo(blobPath()).absolutePath());
    m_part.setFileName(incompletePath());
    if (!m_part.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return;
    }
    m_offset = m_part.size();
    if (m_offset > m_meta.size) {
        m_part.resize(0);
        m_offset = 0;
    }
    m_received = 0;
    resetHash();
    if (!hasSpaceFor(m_meta.size - m_offset, m_files[m_fileIndex].path))
        return;
    if (m_offset > 0 && m_hash) {
        hashPrefix(0);
        return;
    }
    continueBlob();
}

// The part downloaded before (a restart) is hashed in chunks from the event loop, so a window
// stays responsive and Cancel works while gigabytes are read back.
void HubDownloader::hashPrefix(qint64 position) {
    if (!m_part.seek(position)) {
        fail(QStringLiteral("cannot read %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return;
    }
    const QByteArray chunk = m_part.read(std::min(kHashChunkBytes, m_offset - position));
    if (chunk.isEmpty()) {
        fail(QStringLiteral("cannot read %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return;
    }
    m_hash->addData(chunk);
    position += chunk.size();
    emitProgress(QStringLiteral("%1 (checking the part downloaded before)").arg(currentLabel()));
    if (position < m_offset) {
        later(0, [this, position] { hashPrefix(position); });
        return;
    }
    continueBlob();
}

void HubDownloader::continueBlob() {
    m_offset = m_part.size();
    m_received = 0;
    if (!m_part.seek(m_offset)) {
        fail(QStringLiteral("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString()));
        return;
    }
    if (m_offset >= m_meta.size) {
        finishBlob();
        return;
    }
    startGet(m_meta.location);
}

void HubDownloader::startGet(const QUrl& url) {
    QNetworkRequest request = m_client.request(url);
    request.setTransferTimeout(m_tuning.transferTimeoutMs);
    m_rangeSent = m_offset > 0;
    if (m_rangeSent)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_offset) + '-');
    m_received = 0;
    m_acceptBody = false;
    m_headersRead = false;
    m_restartFromZero = false;
    m_discardPart = false;
    m_getError.clear();
    QNetworkReply* reply = m_network->get(request);
    reply->setReadBufferSize(kReadBufferBytes);
    m_reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] { onGetMetaData(reply); });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] { onGetData(reply); });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply] { onReplyFinished(reply, Stage::Get); });
    emitProgress(currentLabel(), true);
}

void HubDownloader::onGetMetaData(QNetworkReply* reply) {
    if (reply != m_reply || m_headersRead)
        return;
    const int status = statusOf(reply);
    if (status == 0)
        return;
    m_headersRead = true;
    if (status == 206) {
        // "bytes 1000-4999/5000": the part must start where the file on disk ends.
        static const QRegularExpression range(QStringLiteral("^\\s*bytes\\s+(\\d+)-"));
        const QRegularExpressionMatch match =
            range.match(QString::fromLatin1(reply->rawHeader("Content-Range")));
        if (!m_rangeSent || !match.hasMatch() || match.captured(1).toLongLong() != m_offset) {
            m_restartFromZero = true;
            reply->abort();
            return;
        }
        m_acceptBody = true;
    } else if (status == 200) {
        // The server ignored the Range: the body is the whole file, so start again.
        if (m_rangeSent) {
            m_part.resize(0);
            m_part.seek(0);
            m_offset = 0;
            resetHash();
        }
        m_acceptBody = true;
    }
}

void HubDownloader::onGetData(QNetworkReply* reply) {
    if (reply != m_reply)
        return;
    if (!m_headersRead)
        onGetMetaData(reply);
    const QByteArray data = reply->readAll();
    if (data.isEmpty() || !m_acceptBody || !m_getError.isEmpty())
        return;
    if (m_offset + m_received + data.size() > m_meta.size) {
        m_getError = QStringLiteral("the server sent more than the %1 the hub announced")
                         .arg(formatBytes(m_meta.size));
        m_discardPart = true;
        reply->abort();
        return;
    }
    if (m_part.write(data) != data.size()) {
        m_getError = QStringLiteral("cannot write %1: %2; is the disk full?")
                         .arg(m_part.fileName(), m_part.errorString());
        reply->abort();
        return;
    }
    if (m_hash)
        m_hash->addData(data);
    m_received += data.size();
    m_sessionBytes += data.size();
    emitProgress(currentLabel());
}

void HubDownloader::onGetFinished(QNetworkReply* reply) {
    m_part.flush();
    const QString path = m_files[m_fileIndex].path;
    if (!m_getError.isEmpty()) {
        if (m_discardPart) {
            m_part.close();
            QFile::remove(incompletePath());
        }
        fail(QStringLiteral("%1 of %2: %3").arg(path, m_repo.repoId, m_getError));
        return;
    }
    if (m_restartFromZero) {
        restartBlobFromZero();
        if (++m_failures > m_tuning.maxRetries) {
            fail(QStringLiteral("%1 answers Range requests for %2 with the wrong bytes")
                     .arg(reply->url().host(), path));
            return;
        }
        startGet(m_meta.location);
        return;
    }
    const int status = statusOf(reply);
    if (status >= 300 && status < 400) {
        const QUrl location(QString::fromUtf8(reply->rawHeader("Location")));
        if (location.isEmpty() || ++m_redirects > kMaxRedirects) {
            fail(QStringLiteral("%1 redirected %2 too often (HTTP %3)")
                     .arg(reply->url().host(), path)
                     .arg(status));
            return;
        }
        // request() sends the token only to the hub's own host, never to the file host.
        startGet(reply->url().resolved(location));
        return;
    }
    if (status == 416) {
        // Nothing past the end: the file on disk may be whole already.
        if (m_part.size() == m_meta.size) {
            finishBlob();
            return;
        }
        restartBlobFromZero();
        retry(QStringLiteral("the file host refused the resume point"),
              [this] { startGet(m_meta.location); });
        return;
    }
    const qint64 onDisk = m_offset + m_received;
    if ((status == 200 || status == 206) && reply->error() == QNetworkReply::NoError &&
        onDisk == m_meta.size) {
        finishBlob();
        return;
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
        if (m_client.isEndpointUrl(reply->url())) {
            fail(m_client.httpErrorMessage(status, reply->rawHeader("X-Error-Code"), m_repo.repoId,
                                           m_repo.revision, path, reply->url()));
            return;
        }
        // A presigned file-host URL can expire during a long download: HEAD again for a new one.
    }
    if (m_received > 0)
        m_failures = 0; // progress was made: only attempts that get nowhere count
    const QString reason =
        status >= 400 ? QStringLiteral("HTTP %1 from %2").arg(status).arg(reply->url().host())
        : reply->error() != QNetworkReply::NoError
            ? QStringLiteral("the connection to %1 dropped (%2)")
                  .arg(reply->url().host(), reply->errorString())
            : QStringLiteral("the connection to %1 closed early").arg(reply->url().host());
    m_offset = onDisk;
    m_received = 0;
    retry(reason, [this] {
        request(Stage::Head, m_client.resolveUrl(m_repo.repoId, m_commit, m_files[m_fileIndex].path));
    });
}

void HubDownloader::restartBlobFromZero() {
    m_part.resize(0);
    m_part.seek(0);
    m_offset = 0;
    m_received = 0;
    resetHash();
}

void HubDownloader::finishBlob() {
    m_part.flush();
    const qint64 size = m_part.size();
    m_part.close();
    const QString path = m_files[m_fileIndex].path;
    if (size != m_meta.size) {
        QFile::remove(incompletePath());
        fail(QStringLiteral("%1 of %2 arrived with %3 bytes instead of %4; nothing was kept: download "
                            "again")
                 .arg(path, m_repo.repoId)
                 .arg(size)
                 .arg(m_meta.size));
        return;
    }
    if (m_hash) {
        const QString actual = QString::fromLatin1(m_hash->result().toHex());
        if (actual != m_meta.etag) {
            QFile::remove(incompletePath());
            fail(QStringLiteral("%1 of %2 arrived corrupted: its %3 is %4… but the hub announced %5…; "
                                "nothing was kept: download again")
                     .arg(path, m_repo.repoId, m_hashName, actual.left(12), m_meta.etag.left(12)));
            return;
        }
    }
    if (QFileInfo::exists(blobPath()))
        QFile::remove(blobPath()); // a blob of the wrong size, replaced under the lock
    if (!QFile::rename(incompletePath(), blobPath())) {
        fail(QStringLiteral("cannot move %1 to %2").arg(incompletePath(), blobPath()));
        return;
    }
    m_hash.reset();
    m_lock.reset();
    linkFile();
}

void HubDownloader::linkFile() {
    const QString path = m_files[m_fileIndex].path;
    const QString pointer = pointerPath();
    QDir().mkpath(QFileInfo(pointer).absolutePath());
    // snapshots/<commit>/unet/x → ../../../blobs/<etag>: relative, so the cache can move.
    const QString target = QStringLiteral("../").repeated(2 + path.count(QLatin1Char('/'))) +
                           QStringLiteral("blobs/") + m_meta.etag;
    const QFileInfo existing(pointer);
    if (existing.exists() || existing.isSymLink())
        QFile::remove(pointer);
    if (!QFile::link(target, pointer)) {
        // No symbolic links here (a Windows account without the right): a copy, complete before
        // it takes its name, as huggingface_hub does.
        const QString temporary = pointer + QStringLiteral(".limner-copy");
        QFile::remove(temporary);
        if (!QFile::copy(blobPath(), temporary) || !QFile::rename(temporary, pointer)) {
            QFile::remove(temporary);
            fail(QStringLiteral("cannot create %1 in the hub cache").arg(pointer));
            return;
        }
    }
    m_repoDone += m_meta.size;
    m_offset = 0;
    m_received = 0;
    ++m_fileIndex;
    emitProgress(currentLabel(), true);
    nextFile();
}

void HubDownloader::repoDone() {
    const HubCache cache(m_cacheRoot.toStdString());
    const QString snapshot =
        std2q(cache.snapshotDir(m_repo.repoId.toStdString(), m_commit.toStdString()));
    if (m_repo.revision != m_commit) {
        const QString ref =
            std2q(cache.refPath(m_repo.repoId.toStdString(), m_repo.revision.toStdString()));
        QDir().mkpath(QFileInfo(ref).absolutePath());
        QSaveFile file(ref);
        if (!file.open(QIODevice::WriteOnly) || file.write(m_commit.toLatin1()) != m_commit.size() ||
            !file.commit()) {
            fail(QStringLiteral("cannot write %1: %2").arg(ref, file.errorString()));
            return;
        }
    }
    if (m_firstSnapshot.isEmpty())
        m_firstSnapshot = snapshot;
    const QString readme = snapshot + QStringLiteral("/README.md");
    if (QFileInfo::exists(readme)) {
        for (const std::string& prior : engine::ml::ModelCard::priorRepos(readme.toStdString())) {
            const QString id = std2q(prior);
            if (!m_queued.contains(id)) {
                m_queued.insert(id);
                m_queue.append(RepoJob{id, QStringLiteral("main")});
            }
        }
    }
    startNextRepo();
}

// ---- progress and disk space ---------------------------------------------------------------

void HubDownloader::emitProgress(const QString& activity, bool force) {
    const qint64 now = m_clock.elapsed();
    if (!force && now - m_lastProgressMs < kProgressIntervalMs)
        return;
    m_lastProgressMs = now;
    m_samples.emplace_back(now, m_sessionBytes);
    while (m_samples.size() > 2 && now - m_samples.front().first > kRateWindowMs)
        m_samples.pop_front();
    double rate = 0;
    if (m_samples.size() >= 2 && m_samples.back().first > m_samples.front().first)
        rate = double(m_samples.back().second - m_samples.front().second) * 1000.0 /
               double(m_samples.back().first - m_samples.front().first);
    const qint64 done = std::min(m_repoTotal, m_repoDone + m_offset + m_received);
    const double left = rate > 0 ? double(m_repoTotal - done) / rate : -1.0;
    emit progress(done, m_repoTotal, rate, left, activity);
}

qint64 HubDownloader::freeSpace(const QString& folder) const {
    const QString existing = existingAncestor(QDir::cleanPath(QDir(folder).absolutePath()));
    if (m_freeSpaceProbe)
        return m_freeSpaceProbe(existing);
    const QStorageInfo storage(existing);
    return storage.isValid() ? storage.bytesAvailable() : -1;
}

bool HubDownloader::hasSpaceFor(qint64 bytes, const QString& what) {
    if (bytes <= 0)
        return true;
    const QString blobs =
        std2q(HubCache(m_cacheRoot.toStdString()).repoDir(m_repo.repoId.toStdString())) +
        QStringLiteral("/blobs");
    const qint64 available = freeSpace(blobs);
    if (available < 0 || available >= bytes)
        return true;
    fail(
        QStringLiteral("not enough disk space for %1: %2 needed, %3 free in %4; free some space or set "
                       "HF_HUB_CACHE to a folder on a larger disk")
            .arg(what, formatBytes(bytes), formatBytes(available), m_cacheRoot));
    return false;
}

} // namespace limner::app
