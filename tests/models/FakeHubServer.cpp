#include "FakeHubServer.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

namespace limner::test {

namespace {

QByteArray reasonOf(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 206:
        return "Partial Content";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 416:
        return "Range Not Satisfiable";
    default:
        return "Status";
    }
}

QString decoded(const QString& part) {
    return QUrl::fromPercentEncoding(part.toUtf8());
}

} // namespace

bool FakeRepo::isLfs(const QString& path) {
    return path.endsWith(QLatin1String(".safetensors")) || path.endsWith(QLatin1String(".bin")) ||
           path.endsWith(QLatin1String(".ckpt"));
}

QString FakeRepo::sha256Of(const QByteArray& content) {
    return QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
}

QString FakeRepo::gitBlobSha1Of(const QByteArray& content) {
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData("blob " + QByteArray::number(content.size()) + QByteArray(1, '\0'));
    hash.addData(content);
    return QString::fromLatin1(hash.result().toHex());
}

FakeHubServer::FakeHubServer()
    : m_hub(new QTcpServer(this))
    , m_files(new QTcpServer(this)) {
    m_hub->listen(QHostAddress(QStringLiteral("127.0.0.1")), 0);
    // Another host name for the file host, so "the token stays on the hub's host" is tested
    // across hosts; another port of 127.0.0.1 where 127.0.0.2 cannot be bound.
    if (!m_files->listen(QHostAddress(QStringLiteral("127.0.0.2")), 0))
        m_files->listen(QHostAddress(QStringLiteral("127.0.0.1")), 0);
    accept(m_hub, QStringLiteral("hub"));
    accept(m_files, QStringLiteral("files"));
}

FakeHubServer::~FakeHubServer() {
    releaseStalled();
}

bool FakeHubServer::isListening() const {
    return m_hub->isListening() && m_files->isListening();
}

QString FakeHubServer::endpoint() const {
    return QStringLiteral("http://127.0.0.1:%1").arg(m_hub->serverPort());
}

QString FakeHubServer::fileHost() const {
    return QStringLiteral("http://%1:%2")
        .arg(m_files->serverAddress().toString())
        .arg(m_files->serverPort());
}

void FakeHubServer::addRepo(const FakeRepo& repo) {
    m_repos.insert(repo.id, repo);
}

const FakeRepo* FakeHubServer::repo(const QString& id) const {
    const auto it = m_repos.constFind(id);
    return it == m_repos.constEnd() ? nullptr : &it.value();
}

int FakeHubServer::count(const QByteArray& method, const QString& part, const QString& server) const {
    int n = 0;
    for (const LoggedRequest& request : requests) {
        if ((method.isEmpty() || request.method == method) &&
            QString::fromUtf8(request.target).contains(part) &&
            (server.isEmpty() || request.server == server))
            ++n;
    }
    return n;
}

void FakeHubServer::releaseStalled() {
    for (const QPointer<QTcpSocket>& socket : m_stalled) {
        if (socket)
            socket->abort();
    }
    m_stalled.clear();
}

void FakeHubServer::accept(QTcpServer* server, const QString& name) {
    connect(server, &QTcpServer::newConnection, this, [this, server, name] {
        while (QTcpSocket* socket = server->nextPendingConnection()) {
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QObject::destroyed, this, [this, socket] { m_pending.remove(socket); });
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, name] {
                QByteArray& buffer = m_pending[socket];
                buffer += socket->readAll();
                const int end = buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray head = buffer.left(end);
                buffer.clear();
                handle(socket, name, head);
            });
        }
    });
}

void FakeHubServer::handle(QTcpSocket* socket, const QString& server, const QByteArray& head) {
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    LoggedRequest request;
    request.server = server;
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    for (int i = 1; i < lines.size(); ++i) {
        const int colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
    }
    requests.append(request);
    if (server == QLatin1String("hub"))
        handleHub(socket, request);
    else
        handleFiles(socket, request);
}

void FakeHubServer::respondError(QTcpSocket* socket, const QByteArray& method, int status,
                                 const QByteArray& code) {
    const QByteArray body = R"({"error":")" + code + R"("})";
    respond(socket, method, status,
            {{"Content-Type", "application/json"},
             {"X-Error-Code", code},
             {"X-Error-Message", code + " (fake hub)"}},
            body);
}

void FakeHubServer::handleHub(QTcpSocket* socket, const LoggedRequest& request) {
    const QString target = QString::fromUtf8(request.target);
    const QString pathPart = target.section(QLatin1Char('?'), 0, 0);
    const QUrlQuery query(target.section(QLatin1Char('?'), 1));
    QStringList parts = pathPart.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QString& part : parts)
        part = decoded(part);

    // /api/models/ORG/NAME/{revision|tree}/REV  and  /api/resolve-cache/models/ORG/NAME/COMMIT/PATH
    // and /ORG/NAME/resolve/REV/PATH
    QString repoId, kind, revision, path;
    if (parts.size() >= 5 && parts[0] == QLatin1String("api") && parts[1] == QLatin1String("models")) {
        repoId = parts[2] + QLatin1Char('/') + parts[3];
        kind = parts[4];
        revision = parts.value(5);
    } else if (parts.size() >= 7 && parts[0] == QLatin1String("api") &&
               parts[1] == QLatin1String("resolve-cache")) {
        repoId = parts[3] + QLatin1Char('/') + parts[4];
        kind = QStringLiteral("resolve-cache");
        revision = parts[5];
        path = parts.mid(6).join(QLatin1Char('/'));
    } else if (parts.size() >= 5 && parts[2] == QLatin1String("resolve")) {
        repoId = parts[0] + QLatin1Char('/') + parts[1];
        kind = QStringLiteral("resolve");
        revision = parts[3];
        path = parts.mid(4).join(QLatin1Char('/'));
    }
    const FakeRepo* repo = this->repo(repoId);
    if (!repo) {
        respondError(socket, request.method, 404, "RepoNotFound");
        return;
    }
    if ((kind == QLatin1String("resolve") || kind == QLatin1String("resolve-cache")) &&
        !requiredToken.isEmpty() &&
        request.headers.value("authorization") != "Bearer " + requiredToken) {
        respondError(socket, request.method, 401, "GatedRepo");
        return;
    }
    if (revision != QLatin1String("main") && revision != repo->commit) {
        respondError(socket, request.method, 404, "RevisionNotFound");
        return;
    }
    const QByteArray commit = repo->commit.toLatin1();

    if (kind == QLatin1String("revision")) {
        QJsonArray siblings;
        for (auto it = repo->files.begin(); it != repo->files.end(); ++it)
            siblings.append(QJsonObject{{QStringLiteral("rfilename"), it.key()}});
        const QJsonObject info{{QStringLiteral("id"), repo->id},
                               {QStringLiteral("sha"), repo->commit},
                               {QStringLiteral("siblings"), siblings}};
        respond(socket, request.method, 200, {{"Content-Type", "application/json"}},
                QJsonDocument(info).toJson(QJsonDocument::Compact));
        return;
    }
    if (kind == QLatin1String("tree")) {
        QJsonArray all;
        QSet<QString> folders;
        for (auto it = repo->files.begin(); it != repo->files.end(); ++it) {
            const QString folder = it.key().section(QLatin1Char('/'), 0, -2);
            if (!folder.isEmpty() && !folders.contains(folder)) {
                folders.insert(folder);
                all.append(
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("directory")},
                                {QStringLiteral("oid"), FakeRepo::gitBlobSha1Of(folder.toUtf8())},
                                {QStringLiteral("size"), 0},
                                {QStringLiteral("path"), folder}});
            }
            QJsonObject entry{{QStringLiteral("type"), QStringLiteral("file")},
                              {QStringLiteral("size"), double(it.value().size())},
                              {QStringLiteral("path"), it.key()}};
            if (FakeRepo::isLfs(it.key())) {
                const QByteArray pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" +
                                           FakeRepo::sha256Of(it.value()).toLatin1() + "\nsize " +
                                           QByteArray::number(it.value().size()) + "\n";
                entry.insert(QStringLiteral("oid"), FakeRepo::gitBlobSha1Of(pointer));
                entry.insert(QStringLiteral("lfs"),
                             QJsonObject{{QStringLiteral("oid"), FakeRepo::sha256Of(it.value())},
                                         {QStringLiteral("size"), double(it.value().size())},
                                         {QStringLiteral("pointerSize"), pointer.size()}});
            } else {
                entry.insert(QStringLiteral("oid"), FakeRepo::gitBlobSha1Of(it.value()));
            }
            all.append(entry);
        }
        const int start = query.queryItemValue(QStringLiteral("cursor")).toInt();
        QJsonArray page;
        for (int i = start; i < all.size() && i < start + pageSize; ++i)
            page.append(all[i]);
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
        if (start + pageSize < all.size())
            headers.append(qMakePair(
                QByteArray("Link"), "<" + endpoint().toLatin1() + "/api/models/" + repo->id.toLatin1() +
                                        "/tree/" + QUrl::toPercentEncoding(revision) +
                                        "?recursive=true&expand=false&cursor=" +
                                        QByteArray::number(start + pageSize) + ">; rel=\"next\""));
        respond(socket, request.method, 200, headers,
                QJsonDocument(page).toJson(QJsonDocument::Compact));
        return;
    }
    if (kind != QLatin1String("resolve") && kind != QLatin1String("resolve-cache")) {
        respondError(socket, request.method, 404, "NotFound");
        return;
    }
    if (!repo->files.contains(path)) {
        respondError(socket, request.method, 404, "EntryNotFound");
        return;
    }
    const QByteArray content = repo->files.value(path);
    if (FakeRepo::isLfs(path)) {
        const QByteArray sha = FakeRepo::sha256Of(content).toLatin1();
        respond(socket, request.method, 302,
                {{"Location", fileHost().toLatin1() + "/blobs/" + sha + "?X-Amz-Signature=fake"},
                 {"X-Repo-Commit", commit},
                 {"X-Linked-Etag", "\"" + sha + "\""},
                 {"X-Linked-Size", QByteArray::number(content.size())},
                 {"ETag", "\"" + FakeRepo::gitBlobSha1Of("pointer").toLatin1() + "\""}},
                QByteArray("Found. Redirecting to the file host"));
        return;
    }
    if (kind == QLatin1String("resolve")) {
        // The hub sends git files through a relative redirect: followed, as huggingface_hub does.
        respond(socket, request.method, 307,
                {{"Location", "/api/resolve-cache/models/" + repo->id.toLatin1() + "/" + commit + "/" +
                                  QUrl::toPercentEncoding(path, "/")},
                 {"X-Repo-Commit", commit}},
                QByteArray());
        return;
    }
    respond(socket, request.method, 200,
            {{"ETag", "W/\"" + FakeRepo::gitBlobSha1Of(content).toLatin1() + "\""},
             {"X-Repo-Commit", commit},
             {"Content-Type", "application/octet-stream"}},
            content);
}

void FakeHubServer::handleFiles(QTcpSocket* socket, const LoggedRequest& request) {
    const QString target = QString::fromUtf8(request.target).section(QLatin1Char('?'), 0, 0);
    const QString sha = target.section(QLatin1Char('/'), -1);
    QByteArray content;
    bool found = false;
    for (const FakeRepo& repo : m_repos) {
        for (const QByteArray& file : repo.files) {
            if (FakeRepo::sha256Of(file) == sha) {
                content = file;
                found = true;
            }
        }
    }
    if (!target.startsWith(QLatin1String("/blobs/")) || !found) {
        respond(socket, request.method, 404, {}, QByteArray("no such blob"));
        return;
    }
    if (corruptBody)
        content[content.size() / 2] = char(content[content.size() / 2] ^ 0x5a);
    qint64 start = 0;
    const QByteArray range = request.headers.value("range");
    if (!range.isEmpty() && !ignoreRange && range.startsWith("bytes=") && range.endsWith('-'))
        start = range.mid(6, range.size() - 7).toLongLong();
    if (start > content.size()) {
        respond(socket, request.method, 416,
                {{"Content-Range", "bytes */" + QByteArray::number(content.size())}}, QByteArray());
        return;
    }
    const QByteArray body = content.mid(int(start));
    qint64 sendAtMost = -1;
    bool stall = false;
    if (stallAfterBytes >= 0 && stallAfterBytes < body.size()) {
        sendAtMost = stallAfterBytes;
        stall = true;
    } else if (dropAfterBytes >= 0 && dropAfterBytes < body.size() && dropTimes != 0) {
        sendAtMost = dropAfterBytes;
        if (dropTimes > 0)
            --dropTimes;
    }
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/octet-stream"},
                                                 {"Accept-Ranges", "bytes"}};
    if (start > 0 || (!range.isEmpty() && !ignoreRange)) {
        headers.append(
            qMakePair(QByteArray("Content-Range"), "bytes " + QByteArray::number(start) + "-" +
                                                       QByteArray::number(content.size() - 1) + "/" +
                                                       QByteArray::number(content.size())));
        respond(socket, request.method, 206, headers, body, -1, sendAtMost, stall);
        return;
    }
    respond(socket, request.method, 200, headers, body, -1, sendAtMost, stall);
}

void FakeHubServer::respond(QTcpSocket* socket, const QByteArray& method, int status,
                            QList<QPair<QByteArray, QByteArray>> headers, const QByteArray& body,
                            qint64 contentLength, qint64 sendAtMost, bool stall) {
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + " " + reasonOf(status) + "\r\n";
    headers.append(qMakePair(QByteArray("Content-Length"),
                             QByteArray::number(contentLength >= 0 ? contentLength : body.size())));
    headers.append(qMakePair(QByteArray("Connection"), QByteArray("close")));
    for (const auto& header : headers)
        head += header.first + ": " + header.second + "\r\n";
    head += "\r\n";
    socket->write(head);
    if (method == "HEAD") {
        socket->disconnectFromHost();
        return;
    }
    const QByteArray sent = sendAtMost >= 0 ? body.left(int(sendAtMost)) : body;
    if (stall) {
        socket->write(sent);
        m_stalled.append(socket);
        return;
    }
    if (throttleChunkBytes > 0 && sent.size() > throttleChunkBytes) {
        sendChunks(socket, sent);
        return;
    }
    socket->write(sent);
    socket->disconnectFromHost(); // after what was written has gone out
}

void FakeHubServer::sendChunks(QPointer<QTcpSocket> socket, QByteArray rest) {
    if (!socket)
        return;
    socket->write(rest.left(throttleChunkBytes));
    rest = rest.mid(throttleChunkBytes);
    if (rest.isEmpty()) {
        socket->disconnectFromHost();
        return;
    }
    QTimer::singleShot(throttleDelayMs, this, [this, socket, rest] { sendChunks(socket, rest); });
}

} // namespace limner::test
