#include "app/c2pa/C2paReader.h"

#include "app/c2pa/C2paContainer.h"
#include "app/c2pa/C2paLabels.h"
#include "app/c2pa/CoseSign1.h"
#include "app/c2pa/JumbfBox.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QCryptographicHash>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace limner::app {

namespace {

using State = C2paReport::State;

C2paReport malformed(C2paReport report, const QString& message,
                     const QString& code = QStringLiteral("claim.malformed")) {
    report.state = State::Malformed;
    report.message = message;
    report.statusCodes.append(code);
    return report;
}

bool decodeCbor(const QByteArray& bytes, QCborMap* map) {
    QCborParserError error;
    const QCborValue value = QCborValue::fromCbor(bytes, &error);
    if (error.error != QCborError::NoError || !value.isMap())
        return false;
    *map = value.toMap();
    return true;
}

// "self#jumbf=c2pa.assertions/<label>" (or the absolute form naming this manifest) -> label
QString assertionLabelFromUri(const QString& uri, const QString& manifestLabel) {
    const QString relative = C2paLabels::assertionUri(QString());
    if (uri.startsWith(relative))
        return uri.mid(relative.size());
    const QString absolute = QStringLiteral("self#jumbf=/c2pa/%1/c2pa.assertions/").arg(manifestLabel);
    if (uri.startsWith(absolute))
        return uri.mid(absolute.size());
    return {};
}

C2paSoftwareAgent agentFrom(const QCborValue& value) {
    if (value.isString())
        return {value.toString(), {}};
    const QCborMap map = value.toMap();
    return {map.value(QStringLiteral("name")).toString(),
            map.value(QStringLiteral("version")).toString()};
}

QList<C2paModel> modelsFrom(const QCborValue& value) {
    QList<C2paModel> models;
    for (const QCborValue& m : value.toArray())
        models.append(
            {m[QStringLiteral("name")].toString(), m[QStringLiteral("weightsSha256")].toString()});
    return models;
}

QList<QRect> regionsFrom(const QCborValue& value) {
    QList<QRect> regions;
    for (const QCborValue& r : value.toArray()) {
        regions.append(QRect(
            int(r[QStringLiteral("x")].toInteger()), int(r[QStringLiteral("y")].toInteger()),
            int(r[QStringLiteral("width")].toInteger()), int(r[QStringLiteral("height")].toInteger())));
    }
    return regions;
}

void readActions(const QCborMap& root, C2paReport* report) {
    for (const QCborValue& a : root.value(QStringLiteral("actions")).toArray()) {
        C2paAction action;
        action.action = a[QStringLiteral("action")].toString();
        action.digitalSourceType = a[QStringLiteral("digitalSourceType")].toString();
        action.softwareAgent = agentFrom(a[QStringLiteral("softwareAgent")]);
        action.description = a[QStringLiteral("description")].toString();
        action.parameters = a[QStringLiteral("parameters")].toMap().toVariantMap();
        report->actions.append(action);
    }
}

struct HashedUri {
    QString url;
    QByteArray hash;
};

QList<HashedUri> hashedUris(const QCborValue& value) {
    QList<HashedUri> uris;
    for (const QCborValue& u : value.toArray())
        uris.append({u[QStringLiteral("url")].toString(), u[QStringLiteral("hash")].toByteArray()});
    return uris;
}

QString subjectOf(X509* cert) {
    BIO* bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    const QString subject = QString::fromUtf8(data, int(size));
    BIO_free(bio);
    return subject;
}

X509* parseCertificate(const QByteArray& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return d2i_X509(nullptr, &p, der.size());
}

bool certificateValidNow(const QByteArray& der) {
    X509* cert = parseCertificate(der);
    const bool valid = cert && X509_cmp_current_time(X509_get0_notBefore(cert)) < 0 &&
                       X509_cmp_current_time(X509_get0_notAfter(cert)) > 0;
    X509_free(cert);
    ERR_clear_error();
    return valid;
}

// Whether the chain leads to one of the trust anchors (OpenSSL's path validation, at the
// current time).
bool chainTrusted(const QList<QByteArray>& chainDer, const QList<QByteArray>& anchorsDer) {
    if (anchorsDer.isEmpty() || chainDer.isEmpty())
        return false;
    X509_STORE* store = X509_STORE_new();
    for (const QByteArray& der : anchorsDer) {
        if (X509* anchor = parseCertificate(der)) {
            X509_STORE_add_cert(store, anchor);
            X509_free(anchor);
        }
    }
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    STACK_OF(X509)* intermediates = sk_X509_new_null();
    for (qsizetype i = 1; i < chainDer.size(); ++i) {
        if (X509* cert = parseCertificate(chainDer[i]))
            sk_X509_push(intermediates, cert);
    }
    X509* leaf = parseCertificate(chainDer.first());
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    const bool trusted =
        leaf && X509_STORE_CTX_init(ctx, store, leaf, intermediates) == 1 && X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    X509_free(leaf);
    sk_X509_pop_free(intermediates, X509_free);
    X509_STORE_free(store);
    ERR_clear_error();
    return trusted;
}

// The hard binding: SHA-256 over the file without the excluded ranges, which must be exactly
// where the manifest store is.
bool checkDataHash(const QByteArray& file, const QCborMap& dataHash,
                   const C2paContainer::Located& where, QString* problem) {
    if (dataHash.value(QStringLiteral("alg")).toString(QStringLiteral("sha256")) !=
        QLatin1String("sha256")) {
        *problem = QStringLiteral("unsupported hash algorithm in c2pa.hash.data");
        return false;
    }
    const QCborArray exclusions = dataHash.value(QStringLiteral("exclusions")).toArray();
    if (exclusions.size() != 1) {
        *problem = QStringLiteral("c2pa.hash.data must exclude exactly the manifest store");
        return false;
    }
    const qint64 start = exclusions.at(0)[QStringLiteral("start")].toInteger(-1);
    const qint64 length = exclusions.at(0)[QStringLiteral("length")].toInteger(-1);
    if (start != where.start || length != where.length) {
        *problem = QStringLiteral("the data hash exclusion (%1, %2 bytes) is not where the manifest is "
                                  "(%3, %4 bytes)")
                       .arg(start)
                       .arg(length)
                       .arg(where.start)
                       .arg(where.length);
        return false;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView(file).first(start));
    hash.addData(QByteArrayView(file).sliced(start + length));
    if (hash.result() != dataHash.value(QStringLiteral("hash")).toByteArray()) {
        *problem = QStringLiteral("the file's bytes differ from the signed ones");
        return false;
    }
    return true;
}

} // namespace

C2paReport C2paReader::read(const QByteArray& file, const QList<QByteArray>& trustAnchorsDer) {
    C2paReport report;
    const C2paContainer::Located where = C2paContainer::locate(file);
    if (!where.error.isEmpty())
        return malformed(report, where.error, QStringLiteral("manifest.inaccessible"));
    if (!where.found)
        return report; // NoManifest

    JumbfBox store;
    QString error;
    if (!JumbfBox::parse(where.store, &store, &error))
        return malformed(report, QStringLiteral("the manifest store cannot be read: ") + error);
    if (store.uuid != JumbfBox::manifestStoreUuid())
        return malformed(report, QStringLiteral("the JUMBF box is not a C2PA manifest store"));
    const JumbfBox* manifest = nullptr;
    for (const JumbfBox& child : store.children) {
        if (child.uuid == JumbfBox::manifestUuid())
            manifest = &child; // the last manifest is the active one
    }
    if (!manifest)
        return malformed(report, QStringLiteral("the manifest store holds no manifest"),
                         QStringLiteral("claim.missing"));
    report.manifestLabel = manifest->label;

    const JumbfBox* assertionStore = nullptr;
    const JumbfBox* claimBox = nullptr;
    const JumbfBox* signatureBox = nullptr;
    for (const JumbfBox& child : manifest->children) {
        if (child.uuid == JumbfBox::assertionStoreUuid())
            assertionStore = &child;
        else if (child.uuid == JumbfBox::claimUuid())
            claimBox = &child;
        else if (child.uuid == JumbfBox::signatureUuid())
            signatureBox = &child;
    }
    if (!claimBox || !claimBox->firstContent() || claimBox->firstContent()->type != "cbor")
        return malformed(report, QStringLiteral("the manifest has no claim"),
                         QStringLiteral("claim.missing"));
    if (!signatureBox || !signatureBox->firstContent())
        return malformed(report, QStringLiteral("the manifest has no signature"),
                         QStringLiteral("claimSignature.missing"));
    if (!assertionStore)
        return malformed(report, QStringLiteral("the manifest has no assertion store"));
    const QByteArray claimBytes = claimBox->firstContent()->payload;
    QCborMap claim;
    if (!decodeCbor(claimBytes, &claim))
        return malformed(report, QStringLiteral("the claim is not a CBOR map"));
    report.title = claim.value(QStringLiteral("dc:title")).toString();
    QCborValue generator = claim.value(QStringLiteral("claim_generator_info"));
    if (generator.isArray()) // claim v1
        generator = generator.toArray().first();
    report.claimGenerator = agentFrom(generator);
    if (report.claimGenerator.name.isEmpty())
        report.claimGenerator.name = claim.value(QStringLiteral("claim_generator")).toString();

    // The signature first: nothing else in the claim means anything without it.
    const CoseSign1::Verification signature =
        CoseSign1::verify(signatureBox->firstContent()->payload, claimBytes);
    if (!signature.chainDer.isEmpty()) {
        if (X509* leaf = parseCertificate(signature.chainDer.first())) {
            report.signerSubject = subjectOf(leaf);
            X509_free(leaf);
        }
        ERR_clear_error();
    }
    if (!signature.wellFormed) {
        report.state = State::SignatureInvalid;
        report.message = signature.error;
        report.statusCodes.append(QStringLiteral("claimSignature.mismatch"));
        return report;
    }
    if (!signature.signatureValid) {
        report.state = State::SignatureInvalid;
        report.message = signature.error;
        report.statusCodes.append(QStringLiteral("claimSignature.mismatch"));
        return report;
    }
    report.statusCodes.append(QStringLiteral("claimSignature.validated"));
    // Without a time stamp (sigTst) the signing time is unknown, so, as c2pa-rs does, the
    // certificate must be valid now.
    if (!certificateValidNow(signature.chainDer.first())) {
        report.state = State::SignatureInvalid;
        report.message = QStringLiteral("the signing certificate is expired or not yet valid");
        report.statusCodes.append(QStringLiteral("signingCredential.expired"));
        return report;
    }
    const bool trusted = chainTrusted(signature.chainDer, trustAnchorsDer);
    report.statusCodes.append(trusted ? QStringLiteral("signingCredential.trusted")
                                      : QStringLiteral("signingCredential.untrusted"));

    // Every assertion the claim lists must be there with the hash the claim signed.
    QList<HashedUri> listed = hashedUris(claim.value(QStringLiteral("created_assertions")));
    listed += hashedUris(claim.value(QStringLiteral("gathered_assertions")));
    listed += hashedUris(claim.value(QStringLiteral("assertions"))); // claim v1
    bool hashesMatch = true;
    bool haveDataHash = false;
    for (const HashedUri& uri : listed) {
        const QString label = assertionLabelFromUri(uri.url, manifest->label);
        const JumbfBox* assertion = label.isEmpty() ? nullptr : assertionStore->child(label);
        if (!assertion || !assertion->firstContent()) {
            report.statusCodes.append(QStringLiteral("assertion.missing"));
            report.message =
                QStringLiteral("the claim lists %1, which is not in the manifest").arg(uri.url);
            hashesMatch = false;
            continue;
        }
        if (QCryptographicHash::hash(assertion->payload, QCryptographicHash::Sha256) != uri.hash) {
            report.statusCodes.append(QStringLiteral("assertion.hashedURI.mismatch"));
            report.message = QStringLiteral("the assertion %1 changed after signing").arg(label);
            hashesMatch = false;
            continue;
        }
        report.statusCodes.append(QStringLiteral("assertion.hashedURI.match"));
        QCborMap content;
        if (assertion->firstContent()->type != "cbor" ||
            !decodeCbor(assertion->firstContent()->payload, &content))
            continue; // not one this reader interprets
        if (label == C2paLabels::dataHash()) {
            haveDataHash = true;
            QString problem;
            if (checkDataHash(file, content, where, &problem)) {
                report.statusCodes.append(QStringLiteral("assertion.dataHash.match"));
            } else {
                report.statusCodes.append(QStringLiteral("assertion.dataHash.mismatch"));
                report.message = problem;
                hashesMatch = false;
            }
        } else if (label == C2paLabels::actions() || label == QLatin1String("c2pa.actions")) {
            readActions(content, &report);
        } else if (label == C2paLabels::generation()) {
            report.models = modelsFrom(content.value(QStringLiteral("models")));
            report.generatedRegions = regionsFrom(content.value(QStringLiteral("regions")));
        }
    }
    if (!haveDataHash) {
        report.statusCodes.append(QStringLiteral("claim.hardBindings.missing"));
        report.message =
            QStringLiteral("the manifest has no hard binding (c2pa.hash.data) to the file");
        hashesMatch = false;
    }
    if (!hashesMatch)
        report.state = State::HashMismatch;
    else
        report.state = trusted ? State::Valid : State::ValidUntrusted;
    return report;
}

} // namespace limner::app
