#pragma once

#include "app/models/HubClient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

class QCryptographicHash;
class QNetworkAccessManager;
class QNetworkReply;

namespace limner::app {

class HubFileLock;

// Downloads a model repo from the Hugging Face hub into the hub cache, laid out as
// huggingface_hub lays it out (../shared/MODELS.md §3), so diffusers and every other tool share
// the files with Limner:
//
//     HubDownloader downloader;     // HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, the default cache
//     connect(&downloader, &HubDownloader::finished, …);   // the snapshot folder
//     downloader.download("kandinsky-community/kandinsky-2-2-decoder-inpaint");
//
// The revision is resolved to a commit once; the file tree is listed (paged); FileSelection picks
// the safetensors and configs (never pickle); each file is HEADed for its etag, size and location,
// downloaded under the blob's lock to blobs/<etag>.incomplete, resumed with Range after a dropped
// connection or a restart, checked (size, and sha256 for LFS files or the git blob sha1 for small
// ones) and only then renamed to blobs/<etag> and linked from snapshots/<commit>/<path> by a
// relative link. refs/<revision> is written when every file is in place, so a failed download
// never moves a ref away from a complete older snapshot. A Kandinsky decoder's prior (README
// front matter `prior:`) is downloaded after it.
//
// Requirements: use from the thread that created it (it runs on that thread's event loop).
// Guarantees: after failed() or cancelled() no half-written file is in snapshots/; a partial blob
// stays as blobs/<etag>.incomplete for a later download() to resume (one that failed its hash
// check is deleted). Exactly one of finished(), failed() or cancelled() ends each download().
class HubDownloader : public QObject {
    Q_OBJECT
public:
    struct Tuning {
        int maxRetries = 5;            // per file, consecutive attempts that get no byte further
        int retryDelayMs = 1000;       // doubled after each retry, at most 30 s
        int transferTimeoutMs = 60000; // a connection that stalls this long counts as dropped
        int lockPollMs = 500;          // how often a lock held by another process is tried again
    };

    explicit HubDownloader(QObject* parent = nullptr);
    HubDownloader(HubClient client, QString cacheRoot, QObject* parent = nullptr);
    ~HubDownloader() override;

    // Starts downloading repoId at revision (a branch, tag or commit). False (and no signal) when
    // a download is already running.
    bool download(const QString& repoId, const QString& revision = QStringLiteral("main"));
    // Stops at once: a direct call, never a queued one, so it cannot arrive after the end.
    // Emits cancelled() before it returns when a download was running.
    void cancel();
    bool isRunning() const { return m_running; }

    void setTuning(const Tuning& tuning) { m_tuning = tuning; }
    // Free bytes in a folder (default: QStorageInfo); tests stand in a full disk.
    void setFreeSpaceProbe(std::function<qint64(const QString& folder)> probe);

    const QString& cacheRoot() const { return m_cacheRoot; }
    // The hub cache of this environment (HF_HUB_CACHE, HF_HOME …; see engine::ml::HubCache).
    static QString defaultCacheRoot();
    // Whether the cache holds part of a blob of repoId (blobs/*.incomplete): a download to resume.
    static bool hasPartialDownload(const QString& cacheRoot, const QString& repoId);

signals:
    // bytesDone / bytesTotal of the repo being downloaded (files already cached count as done);
    // bytesPerSecond over the last seconds; secondsLeft < 0 when unknown; currentFile
    // "ORG/NAME: path", or what is being waited for.
    void progress(qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond, double secondsLeft,
                  const QString& currentFile);
    // The snapshot folder of the repo asked for (its prior is in its own snapshot).
    void finished(const QString& snapshotFolder);
    // One line: what happened and what to do.
    void failed(const QString& message);
    void cancelled();

private:
    enum class Stage { Revision, Tree, Head, Get };
    struct RepoJob {
        QString repoId;
        QString revision;
    };

    void startNextRepo();
    void request(Stage stage, const QUrl& url);
    void onReplyFinished(QNetworkReply* reply, Stage stage);
    bool handledProblem(QNetworkReply* reply, Stage stage, const QString& path);
    void retry(const QString& reason, std::function<void()> again);
    void onRevision(QNetworkReply* reply);
    void onTreePage(QNetworkReply* reply);
    void prepareFiles();
    void nextFile();
    void onHead(QNetworkReply* reply);
    void tryLockBlob();
    void startBlob();
    void resetHash();
    void hashPrefix(qint64 position);
    void continueBlob();
    void startGet(const QUrl& url);
    void onGetMetaData(QNetworkReply* reply);
    void onGetData(QNetworkReply* reply);
    void onGetFinished(QNetworkReply* reply);
    void finishBlob();
    void linkFile();
    void repoDone();
    void restartBlobFromZero();

    void fail(const QString& message);
    void stop();
    void emitProgress(const QString& activity, bool force = false);
    qint64 freeSpace(const QString& folder) const;
    bool hasSpaceFor(qint64 bytes, const QString& what);
    QString currentLabel() const;
    QString blobPath() const;
    QString incompletePath() const;
    QString pointerPath() const;
    template <typename F>
    void later(int ms, F&& function);

    HubClient m_client;
    QString m_cacheRoot;
    Tuning m_tuning;
    std::function<qint64(const QString&)> m_freeSpaceProbe;
    QNetworkAccessManager* m_network;
    QPointer<QNetworkReply> m_reply;
    bool m_running = false;
    quint64 m_generation = 0; // bumped when a download ends: stale timers do nothing

    // The download as a whole.
    QVector<RepoJob> m_queue;
    QSet<QString> m_queued;
    QString m_firstSnapshot;

    // The repo being downloaded.
    RepoJob m_repo;
    QString m_commit;
    QVector<HubTreeEntry> m_tree;
    int m_treePages = 0;
    QVector<HubTreeEntry> m_files;
    int m_fileIndex = 0;
    qint64 m_repoTotal = 0;
    qint64 m_repoDone = 0; // bytes of the files finished

    // The file being downloaded.
    HubFileMetadata m_meta;
    int m_redirects = 0;
    int m_failures = 0;
    std::unique_ptr<HubFileLock> m_lock;
    QFile m_part;
    std::unique_ptr<QCryptographicHash> m_hash;
    QString m_hashName;    // "sha256", "git sha1" or "" (an etag that is no content hash)
    qint64 m_offset = 0;   // bytes of the blob on disk before this request
    qint64 m_received = 0; // bytes written in this request
    bool m_rangeSent = false;
    bool m_headersRead = false;
    bool m_acceptBody = false;      // the answer's body is the blob's (200 or a matching 206)
    bool m_restartFromZero = false; // a 206 that starts elsewhere than asked
    bool m_discardPart = false;     // the part on disk is known bad
    QString m_getError;

    // Rate over the last seconds: (milliseconds, bytes received so far).
    QElapsedTimer m_clock;
    std::deque<std::pair<qint64, qint64>> m_samples;
    qint64 m_sessionBytes = 0;
    qint64 m_lastProgressMs = -1000000;
};

} // namespace limner::app
