#include "app/models/HubClient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

namespace limner::app {

namespace {

QString environment(const char* name) {
    return qEnvironmentVariable(name).trimmed();
}

QString expandHome(const QString& path) {
    return path.startsWith(QLatin1Char('~')) ? QDir::homePath() + path.mid(1) : path;
}

bool isTrue(const QString& value) {
    const QString v = value.toLower();
    return v == QLatin1String("1") || v == QLatin1String("true") || v == QLatin1String("yes") ||
           v == QLatin1String("on");
}

// Where huggingface_hub keeps its token (constants.py: HF_TOKEN_PATH, else $HF_HOME/token).
QString tokenFilePath() {
    const QString explicitPath = environment("HF_TOKEN_PATH");
    if (!explicitPath.isEmpty())
        return expandHome(explicitPath);
    QString home = environment("HF_HOME");
    if (home.isEmpty()) {
        const QString xdg = environment("XDG_CACHE_HOME");
        home = xdg.isEmpty() ? QDir::homePath() + QStringLiteral("/.cache/huggingface")
                             : expandHome(xdg) + QStringLiteral("/huggingface");
    }
    return expandHome(home) + QStringLiteral("/token");
}

QString readToken() {
    for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
        const QString token = environment(name);
        if (!token.isEmpty())
            return token;
    }
    QFile file(tokenFilePath());
    if (file.size() > 4096 || !file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

QString encodedRevision(const QString& revision) {
    // "refs/pr/1" is one path segment: its slashes are encoded, as huggingface_hub does.
    return QString::fromLatin1(QUrl::toPercentEncoding(revision));
}

QString encodedPath(const QString& path) {
    return QString::fromLatin1(QUrl::toPercentEncoding(path, "/"));
}

int defaultPort(const QUrl& url) {
    return url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
}

QString tokenAdvice() {
    return QStringLiteral("set HF_TOKEN or log in with `hf auth login`");
}

} // namespace

HubClient HubClient::fromEnvironment() {
    QString endpoint = environment("HF_ENDPOINT");
    if (endpoint.isEmpty())
        endpoint = QString::fromLatin1(kDefaultEndpoint);
    const bool offline =
        isTrue(environment("HF_HUB_OFFLINE")) || isTrue(environment("TRANSFORMERS_OFFLINE"));
    return HubClient(endpoint, readToken(), offline);
}

HubClient::HubClient(QString endpoint, QString token, bool offline)
    : m_endpoint(std::move(endpoint))
    , m_token(std::move(token))
    , m_offline(offline) {
    while (m_endpoint.endsWith(QLatin1Char('/')))
        m_endpoint.chop(1);
}

QString HubClient::offlineMessage(const QString& repoId) {
    return QStringLiteral("cannot download %1: HF_HUB_OFFLINE is set, so Hugging Face downloads are "
                          "off; unset it to download")
        .arg(repoId);
}

QUrl HubClient::revisionUrl(const QString& repoId, const QString& revision) const {
    return QUrl(m_endpoint + QStringLiteral("/api/models/") + repoId + QStringLiteral("/revision/") +
                encodedRevision(revision));
}

QUrl HubClient::treeUrl(const QString& repoId, const QString& revision) const {
    return QUrl(m_endpoint + QStringLiteral("/api/models/") + repoId + QStringLiteral("/tree/") +
                encodedRevision(revision) + QStringLiteral("?recursive=true&expand=false"));
}

QUrl HubClient::resolveUrl(const QString& repoId, const QString& revision, const QString& path) const {
    return QUrl(m_endpoint + QLatin1Char('/') + repoId + QStringLiteral("/resolve/") +
                encodedRevision(revision) + QLatin1Char('/') + encodedPath(path));
}

bool HubClient::isEndpointUrl(const QUrl& url) const {
    const QUrl endpoint(m_endpoint);
    return url.scheme() == endpoint.scheme() &&
           url.host().compare(endpoint.host(), Qt::CaseInsensitive) == 0 &&
           defaultPort(url) == defaultPort(endpoint);
}

QNetworkRequest HubClient::request(const QUrl& url) const {
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Accept-Encoding", "identity");
    request.setRawHeader("User-Agent", "limner (huggingface_hub-compatible)");
    if (!m_token.isEmpty() && isEndpointUrl(url))
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    return request;
}

QUrl HubClient::nextPage(const QByteArray& linkHeader, const QUrl& base) {
    // Link: <https://…?cursor=…>; rel="next", <…>; rel="prev"
    static const QRegularExpression link(QStringLiteral("<([^>]*)>\\s*((?:;[^,<]*)*)"));
    static const QRegularExpression relNext(QStringLiteral(";\\s*rel\\s*=\\s*\"?next\"?(\\s|;|$)"));
    auto matches = link.globalMatch(QString::fromLatin1(linkHeader));
    while (matches.hasNext()) {
        const QRegularExpressionMatch match = matches.next();
        if (relNext.match(match.captured(2)).hasMatch())
            return base.resolved(QUrl(match.captured(1)));
    }
    return {};
}

QString HubClient::normalizedEtag(const QByteArray& etag) {
    QString text = QString::fromLatin1(etag).trimmed();
    if (text.startsWith(QLatin1String("W/")))
        text = text.mid(2);
    text.remove(QLatin1Char('"'));
    return text.trimmed();
}

bool HubClient::parseTree(const QByteArray& json, QVector<HubTreeEntry>& entries, QString& error) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isArray()) {
        error = parseError.error != QJsonParseError::NoError
                    ? QStringLiteral("the file list is not JSON (%1)").arg(parseError.errorString())
                    : QStringLiteral("the file list is not a JSON array");
        return false;
    }
    for (const QJsonValue& value : document.array()) {
        const QJsonObject object = value.toObject();
        if (object.value(QStringLiteral("type")).toString() != QLatin1String("file"))
            continue;
        HubTreeEntry entry;
        entry.path = object.value(QStringLiteral("path")).toString();
        entry.size = static_cast<qint64>(object.value(QStringLiteral("size")).toDouble(-1));
        entry.gitOid = object.value(QStringLiteral("oid")).toString();
        const QJsonObject lfs = object.value(QStringLiteral("lfs")).toObject();
        entry.lfsSha256 = lfs.value(QStringLiteral("oid")).toString();
        if (lfs.contains(QStringLiteral("size")))
            entry.size = static_cast<qint64>(lfs.value(QStringLiteral("size")).toDouble(-1));
        if (!entry.path.isEmpty())
            entries.append(entry);
    }
    return true;
}

QString HubClient::parseRevision(const QByteArray& json) {
    static const QRegularExpression commit(QStringLiteral("^[0-9a-f]{40}$"));
    const QString sha = QJsonDocument::fromJson(json).object().value(QStringLiteral("sha")).toString();
    return commit.match(sha).hasMatch() ? sha : QString();
}

HubFileMetadata HubClient::headMetadata(const QNetworkReply& reply) {
    HubFileMetadata metadata;
    metadata.commit = QString::fromLatin1(reply.rawHeader("X-Repo-Commit")).trimmed();
    const QByteArray linkedEtag = reply.rawHeader("X-Linked-Etag");
    metadata.etag = normalizedEtag(linkedEtag.isEmpty() ? reply.rawHeader("ETag") : linkedEtag);
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool redirect = status >= 300 && status < 400;
    bool ok = false;
    const qint64 linkedSize = reply.rawHeader("X-Linked-Size").trimmed().toLongLong(&ok);
    if (ok && linkedSize >= 0) {
        metadata.size = linkedSize;
    } else if (!redirect) {
        const qint64 length = reply.rawHeader("Content-Length").trimmed().toLongLong(&ok);
        metadata.size = ok && length >= 0 ? length : -1;
    }
    metadata.location = redirect
                            ? reply.url().resolved(QUrl(QString::fromUtf8(reply.rawHeader("Location"))))
                            : reply.url();
    return metadata;
}

QString HubClient::httpErrorMessage(int status, const QByteArray& errorCode, const QString& repoId,
                                    const QString& revision, const QString& path,
                                    const QUrl& url) const {
    const QString code = QString::fromLatin1(errorCode).trimmed();
    const bool hasToken = !m_token.isEmpty();
    if (code == QLatin1String("GatedRepo"))
        return hasToken ? QStringLiteral("%1 is gated and the token was refused: accept its terms on "
                                         "%2/%1 with the account of the token, or %3")
                              .arg(repoId, m_endpoint, tokenAdvice())
                        : QStringLiteral("%1 is gated: accept its terms on %2/%1; the download then "
                                         "needs a token: %3")
                              .arg(repoId, m_endpoint, tokenAdvice());
    if (status == 401 || status == 403)
        return hasToken ? QStringLiteral("%1 was not found, or the token gives no access to it "
                                         "(HTTP %2): check the name, or %3")
                              .arg(repoId)
                              .arg(status)
                              .arg(tokenAdvice())
                        : QStringLiteral("%1 was not found, or it is private and needs a token (HTTP "
                                         "%2): check the name, or %3")
                              .arg(repoId)
                              .arg(status)
                              .arg(tokenAdvice());
    if (code == QLatin1String("RevisionNotFound"))
        return QStringLiteral("%1 has no revision \"%2\" (a branch, tag or commit)")
            .arg(repoId, revision);
    if (code == QLatin1String("EntryNotFound"))
        return QStringLiteral("%1@%2 has no file %3").arg(repoId, revision, path);
    if (code == QLatin1String("RepoNotFound") || (status == 404 && path.isEmpty()))
        return QStringLiteral("%1 does not exist on %2: check the name (ORG/NAME)")
            .arg(repoId, m_endpoint);
    if (status == 404)
        return QStringLiteral("%1@%2: %3 was not found (HTTP 404 from %4)")
            .arg(repoId, revision, path, url.host());
    if (status == 429)
        return QStringLiteral("%1 is rate-limiting downloads (HTTP 429): wait a few minutes, then "
                              "download again to resume")
            .arg(url.host());
    if (status >= 500)
        return QStringLiteral("%1 answered HTTP %2 (a server problem) for %3: try again later")
            .arg(url.host())
            .arg(status)
            .arg(path.isEmpty() ? repoId : repoId + QLatin1Char('/') + path);
    return QStringLiteral("unexpected HTTP %1 from %2 for %3")
        .arg(status)
        .arg(url.host(), path.isEmpty() ? repoId : repoId + QLatin1Char('/') + path);
}

} // namespace limner::app
