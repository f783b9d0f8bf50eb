// The hub protocol pieces that need no server: environment, URLs, headers, error wording.
#include "app/models/HubClient.h"

#include <QFile>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using limner::app::HubClient;

namespace {

// Sets environment variables for the scope and restores them after.
class ScopedEnvironment {
public:
    void set(const char* name, const QByteArray& value) {
        remember(name);
        qputenv(name, value);
    }
    void unset(const char* name) {
        remember(name);
        qunsetenv(name);
    }
    ~ScopedEnvironment() {
        for (const auto& [name, value] : m_saved) {
            if (value.second)
                qputenv(name.constData(), value.first);
            else
                qunsetenv(name.constData());
        }
    }

private:
    void remember(const char* name) {
        if (!m_saved.count(name))
            m_saved[name] = {qgetenv(name), qEnvironmentVariableIsSet(name)};
    }
    std::map<QByteArray, std::pair<QByteArray, bool>> m_saved;
};

} // namespace

TEST_CASE("HubClient reads the endpoint, the token and the offline switch as huggingface_hub does",
          "[models][client]") {
    ScopedEnvironment env;
    QTemporaryDir home;
    for (const char* name : {"HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH",
                             "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "XDG_CACHE_HOME"})
        env.unset(name);
    env.set("HF_HOME", home.path().toLocal8Bit());

    SECTION("defaults: huggingface.co, no token, online") {
        const HubClient client = HubClient::fromEnvironment();
        CHECK(client.endpoint() == QLatin1String("https://huggingface.co"));
        CHECK(client.token().isEmpty());
        CHECK_FALSE(client.isOffline());
    }
    SECTION("the token file of `hf auth login`, and HF_TOKEN before it") {
        QFile token(home.filePath(QStringLiteral("token")));
        REQUIRE(token.open(QIODevice::WriteOnly));
        token.write("hf_from_file\n");
        token.close();
        CHECK(HubClient::fromEnvironment().token() == QLatin1String("hf_from_file"));
        env.set("HF_TOKEN", "hf_from_env");
        CHECK(HubClient::fromEnvironment().token() == QLatin1String("hf_from_env"));
    }
    SECTION("a mirror and offline mode") {
        env.set("HF_ENDPOINT", "https://hf-mirror.example/");
        env.set("HF_HUB_OFFLINE", "1");
        const HubClient client = HubClient::fromEnvironment();
        CHECK(client.endpoint() == QLatin1String("https://hf-mirror.example"));
        CHECK(client.isOffline());
        CHECK(
            HubClient::offlineMessage(QStringLiteral("a/b")).contains(QLatin1String("HF_HUB_OFFLINE")));
    }
}

TEST_CASE("HubClient builds the hub's URLs and sends the token to the hub's host only",
          "[models][client]") {
    const HubClient client(QStringLiteral("https://huggingface.co"), QStringLiteral("hf_x"));
    CHECK(client
              .resolveUrl(QStringLiteral("org/name"), QStringLiteral("refs/pr/1"),
                          QStringLiteral("unet/a b.json"))
              .toString(QUrl::FullyEncoded) ==
          QLatin1String("https://huggingface.co/org/name/resolve/refs%2Fpr%2F1/unet/a%20b.json"));
    CHECK(client.treeUrl(QStringLiteral("org/name"), QStringLiteral("main")).toString() ==
          QLatin1String(
              "https://huggingface.co/api/models/org/name/tree/main?recursive=true&expand=false"));
    CHECK(client.revisionUrl(QStringLiteral("org/name"), QStringLiteral("v1")).toString() ==
          QLatin1String("https://huggingface.co/api/models/org/name/revision/v1"));

    const QNetworkRequest hub =
        client.request(QUrl(QStringLiteral("https://huggingface.co/org/name/resolve/main/x")));
    CHECK(hub.rawHeader("Authorization") == "Bearer hf_x");
    CHECK(hub.rawHeader("Accept-Encoding") == "identity");
    for (const char* other : {"https://cdn-lfs.hf.co/repos/x?Expires=1", "http://huggingface.co/x",
                              "https://huggingface.co:8443/x", "https://huggingface.co.evil.example/x"})
        CHECK_FALSE(client.request(QUrl(QString::fromLatin1(other))).hasRawHeader("Authorization"));
}

TEST_CASE("HubClient reads Link pages, etags and tree entries", "[models][client]") {
    const QUrl base(QStringLiteral("https://huggingface.co/api/models/a/b/tree/main?recursive=true"));
    CHECK(HubClient::nextPage(
              R"(<https://huggingface.co/api/models/a/b/tree/main?cursor=xyz>; rel="next")", base)
              .toString() ==
          QLatin1String("https://huggingface.co/api/models/a/b/tree/main?cursor=xyz"));
    CHECK(HubClient::nextPage(R"(</api/x?cursor=1>; rel="prev", </api/x?cursor=3>; rel="next")", base)
              .toString() == QLatin1String("https://huggingface.co/api/x?cursor=3"));
    CHECK(
        HubClient::nextPage(R"(<https://huggingface.co/api/x?cursor=1>; rel="prev")", base).isEmpty());
    CHECK(HubClient::nextPage(QByteArray(), base).isEmpty());

    CHECK(HubClient::normalizedEtag("W/\"abc123\"") == QLatin1String("abc123"));
    CHECK(HubClient::normalizedEtag("\"0123\"") == QLatin1String("0123"));

    QVector<limner::app::HubTreeEntry> entries;
    QString error;
    REQUIRE(HubClient::parseTree(
        R"([{"type":"directory","oid":"d","size":0,"path":"unet"},)"
        R"({"type":"file","oid":"1111111111111111111111111111111111111111","size":748,"path":"unet/config.json"},)"
        R"({"type":"file","oid":"2222","size":134,"path":"unet/w.safetensors","lfs":{"oid":"ab12","size":3438167536,"pointerSize":134}}])",
        entries, error));
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].path == QLatin1String("unet/config.json"));
    CHECK(entries[0].lfsSha256.isEmpty());
    CHECK(entries[1].size == 3438167536LL); // past 32 bits
    CHECK(entries[1].lfsSha256 == QLatin1String("ab12"));
    CHECK_FALSE(HubClient::parseTree("{\"error\":\"x\"}", entries, error));
    CHECK_FALSE(error.isEmpty());
    CHECK(HubClient::parseRevision(R"({"sha":"0123456789abcdef0123456789abcdef01234567"})") ==
          QLatin1String("0123456789abcdef0123456789abcdef01234567"));
    CHECK(HubClient::parseRevision(R"({"sha":"../../etc"})").isEmpty());
}

TEST_CASE("HubClient words the hub's errors as one line with what to do", "[models][client]") {
    const QUrl url(QStringLiteral("https://huggingface.co/a/b/resolve/main/x"));
    const HubClient anonymous(QStringLiteral("https://huggingface.co"));
    const HubClient withToken(QStringLiteral("https://huggingface.co"), QStringLiteral("hf_x"));
    const QString gated = anonymous.httpErrorMessage(401, "GatedRepo", QStringLiteral("a/b"),
                                                     QStringLiteral("main"), QStringLiteral("x"), url);
    CHECK(gated.contains(QLatin1String("gated")));
    CHECK(gated.contains(QLatin1String("set HF_TOKEN or log in with `hf auth login`")));
    CHECK(
        withToken
            .httpErrorMessage(403, "GatedRepo", QStringLiteral("a/b"), QStringLiteral("main"), {}, url)
            .contains(QLatin1String("token was refused")));
    CHECK(anonymous
              .httpErrorMessage(401, "RepoNotFound", QStringLiteral("a/b"), QStringLiteral("main"), {},
                                url)
              .contains(QLatin1String("private and needs a token")));
    CHECK(anonymous
              .httpErrorMessage(404, "RepoNotFound", QStringLiteral("a/b"), QStringLiteral("main"), {},
                                url)
              .contains(QLatin1String("a/b does not exist")));
    CHECK(anonymous
              .httpErrorMessage(404, "RevisionNotFound", QStringLiteral("a/b"), QStringLiteral("v2"),
                                {}, url)
              .contains(QLatin1String("no revision \"v2\"")));
    CHECK(anonymous
              .httpErrorMessage(404, "EntryNotFound", QStringLiteral("a/b"), QStringLiteral("main"),
                                QStringLiteral("unet/x"), url)
              .contains(QLatin1String("has no file unet/x")));
    CHECK(anonymous.httpErrorMessage(503, {}, QStringLiteral("a/b"), QStringLiteral("main"), {}, url)
              .contains(QLatin1String("try again later")));
}
