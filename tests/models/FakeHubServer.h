#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVector>

class QTcpServer;
class QTcpSocket;

namespace limner::test {

// A model repo the fake hub serves: path → content. Weight files (.safetensors, .bin, .ckpt) are
// LFS files, served from the file host by their sha256; the others are git files.
struct FakeRepo {
    QString id;
    QString commit; // 40 hex digits
    QMap<QString, QByteArray> files;

    static bool isLfs(const QString& path);
    static QString sha256Of(const QByteArray& content);
    static QString gitBlobSha1Of(const QByteArray& content);
};

struct LoggedRequest {
    QString server; // "hub" or "files"
    QByteArray method;
    QByteArray target;                    // path and query as sent
    QMap<QByteArray, QByteArray> headers; // names in lower case
};

// The Hugging Face hub's download protocol on 127.0.0.1, spoken over plain sockets (QTcpServer):
// GET /api/models/{repo}/revision/{rev}, GET /api/models/{repo}/tree/{rev} (pageSize entries a
// page, Link: rel="next"), HEAD/GET /{repo}/resolve/{rev}/{path} (a 302 to the file host with
// X-Linked-Etag/X-Linked-Size for LFS files, a relative 307 to /api/resolve-cache/… for git files),
// X-Error-Code on 401/404. The file host is a second server (127.0.0.2, or another port of
// 127.0.0.1 where that address is missing) that serves blobs by sha256 with Range, and can drop
// a connection part-way, stall, send wrong bytes, ignore Range or send slowly. Every request
// is logged. Ports are chosen by the OS.
class FakeHubServer : public QObject {
    Q_OBJECT
public:
    FakeHubServer();
    ~FakeHubServer() override;

    bool isListening() const;
    QString endpoint() const; // http://127.0.0.1:PORT
    QString fileHost() const; // http://127.0.0.2:PORT
    void addRepo(const FakeRepo& repo);
    const FakeRepo* repo(const QString& id) const;

    // Faults of the file host's blob GETs.
    qint64 dropAfterBytes = -1;  // close the connection after this many body bytes …
    int dropTimes = 0;           // … this many times (-1: always)
    qint64 stallAfterBytes = -1; // send this many body bytes, then nothing (connection kept open)
    bool corruptBody = false;    // one byte of every body changed
    bool ignoreRange = false;    // 200 and the whole file, whatever Range asks
    int throttleChunkBytes = 0;  // send bodies in chunks of this size …
    int throttleDelayMs = 0;     // … this far apart
    // When set, resolve URLs answer 401 with X-Error-Code GatedRepo unless "Bearer <token>".
    QByteArray requiredToken;
    int pageSize = 2;

    QVector<LoggedRequest> requests;
    // Requests whose target contains `part` (on server "hub", "files" or either when empty).
    int count(const QByteArray& method, const QString& part, const QString& server = QString()) const;
    // Closes the connections left stalled.
    void releaseStalled();

private:
    void accept(QTcpServer* server, const QString& name);
    void handle(QTcpSocket* socket, const QString& server, const QByteArray& head);
    void handleHub(QTcpSocket* socket, const LoggedRequest& request);
    void handleFiles(QTcpSocket* socket, const LoggedRequest& request);
    void respond(QTcpSocket* socket, const QByteArray& method, int status,
                 QList<QPair<QByteArray, QByteArray>> headers, const QByteArray& body,
                 qint64 contentLength = -1, qint64 sendAtMost = -1, bool stall = false);
    void sendChunks(QPointer<QTcpSocket> socket, QByteArray rest);
    void respondError(QTcpSocket* socket, const QByteArray& method, int status, const QByteArray& code);

    QTcpServer* m_hub;
    QTcpServer* m_files;
    QMap<QString, FakeRepo> m_repos;
    QMap<QTcpSocket*, QByteArray> m_pending;
    QList<QPointer<QTcpSocket>> m_stalled;
};

} // namespace limner::test
