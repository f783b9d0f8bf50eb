#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace limner::app {

// A JUMBF (ISO/IEC 19566-5) superbox as C2PA uses it: a "jumb" box holding a "jumd" description
// box (type UUID, toggles, label) followed by content boxes or further superboxes.
//
// Writing: superbox() and contentBox() return the encoded bytes. Reading: parse() builds the
// tree from bytes that may be hostile; it checks every length against the bytes present and
// stops at maxDepth, so it never reads out of bounds or allocates more than a few times the input.
struct JumbfBox {
    // The type UUIDs of the C2PA boxes (16 bytes each).
    static QByteArray manifestStoreUuid();  // "c2pa"
    static QByteArray manifestUuid();       // "c2ma"
    static QByteArray assertionStoreUuid(); // "c2as"
    static QByteArray claimUuid();          // "c2cl"
    static QByteArray signatureUuid();      // "c2cs"
    static QByteArray cborUuid();           // "cbor": a CBOR assertion
    static QByteArray jsonUuid();           // "json": a JSON assertion

    static QByteArray box(const QByteArray& type, const QByteArray& payload);
    static QByteArray description(const QByteArray& uuid, const QString& label);
    static QByteArray superbox(const QByteArray& uuid, const QString& label,
                               const QByteArray& children);
    // The bytes C2PA hashes for an assertion: the superbox's payload (description and content
    // boxes) without the superbox's own 8-byte header.
    static QByteArray superboxPayload(const QByteArray& uuid, const QString& label,
                                      const QByteArray& children);

    struct Content {
        QByteArray type; // four characters, e.g. "cbor", "json"
        QByteArray payload;
    };

    QByteArray uuid;
    QString label;
    QByteArray payload; // everything after the superbox header: what assertion hashes cover
    QList<JumbfBox> children;
    QList<Content> contents;

    const JumbfBox* child(const QString& label) const;
    const Content* firstContent() const;

    // Parses one superbox that fills `data` exactly. Empty label and error set on failure.
    static bool parse(const QByteArray& data, JumbfBox* out, QString* error, int maxDepth = 8);
};

} // namespace limner::app
