#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <QVector>

class QNetworkReply;
class QNetworkRequest;

namespace limner::app {

// One file of a repo's tree, as GET {endpoint}/api/models/{repo}/tree/{rev}?recursive=true lists it.
struct HubTreeEntry {
    QString path;      // "unet/diffusion_pytorch_model.safetensors"
    qint64 size = -1;  // bytes
    QString gitOid;    // git blob sha1: sha1("blob <size>\0" + content)
    QString lfsSha256; // sha256 of the content for LFS/Xet files; empty for files kept in git
};

// What a HEAD on a file's resolve URL tells (see ../shared/MODELS.md §3.3).
struct HubFileMetadata {
    QString commit;   // X-Repo-Commit
    QString etag;     // X-Linked-Etag, else ETag, without W/ and quotes: the blob's name
    qint64 size = -1; // X-Linked-Size, else Content-Length of a non-redirect answer; -1 unknown
    QUrl location;    // where the content is: the redirect target, else the resolve URL itself
};

// The Hugging Face hub's HTTP protocol as huggingface_hub speaks it: the endpoint, the token, the
// offline switch, the URLs of the revision, tree and resolve endpoints, the headers of a request
// and how the answers read. No I/O of its own: HubDownloader sends what this builds.
// Thread safety: an immutable value.
class HubClient {
public:
    static constexpr const char* kDefaultEndpoint = "https://huggingface.co";

    // HF_ENDPOINT (default https://huggingface.co); HF_TOKEN (or HUGGING_FACE_HUB_TOKEN), else the
    // file HF_TOKEN_PATH, else $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else
    // ~/.cache/huggingface/token; HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) = 1/true/yes/on.
    static HubClient fromEnvironment();

    explicit HubClient(QString endpoint = QString::fromLatin1(kDefaultEndpoint), QString token = {},
                       bool offline = false);

    const QString& endpoint() const { return m_endpoint; }
    const QString& token() const { return m_token; }
    bool isOffline() const { return m_offline; }
    // "downloads are off because HF_HUB_OFFLINE is set …".
    static QString offlineMessage(const QString& repoId);

    // GET → {"sha": "<commit>", …}: resolves a branch, tag or commit.
    QUrl revisionUrl(const QString& repoId, const QString& revision) const;
    // GET → a JSON array of entries, paged by the Link header (nextPage()).
    QUrl treeUrl(const QString& repoId, const QString& revision) const;
    // HEAD → the file's metadata (headMetadata()); GET → its content.
    QUrl resolveUrl(const QString& repoId, const QString& revision, const QString& path) const;

    // A request for url: Accept-Encoding identity (sizes and hashes are of the stored bytes), no
    // automatic redirects, and the token only when url is on the endpoint's own scheme, host and
    // port: a presigned file-host URL never receives it.
    QNetworkRequest request(const QUrl& url) const;
    bool isEndpointUrl(const QUrl& url) const;

    // The rel="next" target of a Link header, resolved against base; empty when there is none.
    static QUrl nextPage(const QByteArray& linkHeader, const QUrl& base);
    // "W/\"abc\"" → "abc".
    static QString normalizedEtag(const QByteArray& etag);
    // The files of one tree page (directories are skipped). False with a message on bad JSON.
    static bool parseTree(const QByteArray& json, QVector<HubTreeEntry>& entries, QString& error);
    // The commit of a revision answer; empty when it holds none.
    static QString parseRevision(const QByteArray& json);
    // The metadata a HEAD answer carries (a 200, or a 3xx whose Location is absolute).
    static HubFileMetadata headMetadata(const QNetworkReply& reply);

    // One line for an HTTP error answer: status plus X-Error-Code (RepoNotFound, GatedRepo,
    // RevisionNotFound, EntryNotFound), worded for the person who asked for repoId@revision.
    QString httpErrorMessage(int status, const QByteArray& errorCode, const QString& repoId,
                             const QString& revision, const QString& path, const QUrl& url) const;

private:
    QString m_endpoint;
    QString m_token;
    bool m_offline;
};

} // namespace limner::app
