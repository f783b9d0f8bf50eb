#include "app/c2pa/JumbfBox.h"

#include <QtEndian>

namespace limner::app {

namespace {

QByteArray c2paUuid(const char prefix[4]) {
    // ISO/IEC 19566-5 type UUIDs: four characters followed by the fixed 12-byte suffix.
    static const char suffix[12] = {0x00, 0x11,       0x00, 0x10, char(0x80), 0x00,
                                    0x00, char(0xAA), 0x00, 0x38, char(0x9B), 0x71};
    return QByteArray(prefix, 4) + QByteArray(suffix, 12);
}

constexpr quint8 kToggleRequestable = 0x01;
constexpr quint8 kToggleLabel = 0x02;
constexpr quint8 kToggleId = 0x04;
constexpr quint8 kToggleSignature = 0x08;
constexpr quint8 kTogglePrivate = 0x10;
constexpr int kMaxBoxesPerLevel = 4096;

struct RawBox {
    QByteArray type;
    QByteArray payload;
};

// Splits `data` into boxes; every length is checked against what is there.
bool splitBoxes(const QByteArray& data, QList<RawBox>* boxes, QString* error) {
    qint64 pos = 0;
    const qint64 size = data.size();
    while (pos < size) {
        if (boxes->size() >= kMaxBoxesPerLevel) {
            *error = QStringLiteral("too many JUMBF boxes");
            return false;
        }
        if (size - pos < 8) {
            *error = QStringLiteral("truncated JUMBF box header at byte %1").arg(pos);
            return false;
        }
        quint64 length = qFromBigEndian<quint32>(data.constData() + pos);
        const QByteArray type = data.mid(pos, 8).mid(4, 4);
        qint64 header = 8;
        if (length == 1) {
            if (size - pos < 16) {
                *error = QStringLiteral("truncated JUMBF extended length at byte %1").arg(pos);
                return false;
            }
            length = qFromBigEndian<quint64>(data.constData() + pos + 8);
            header = 16;
        } else if (length == 0) {
            length = quint64(size - pos);
        }
        if (length < quint64(header) || length > quint64(size - pos)) {
            *error = QStringLiteral("JUMBF box \"%1\" at byte %2 claims %3 bytes, %4 are left")
                         .arg(QString::fromLatin1(type.toHex()), QString::number(pos),
                              QString::number(length), QString::number(size - pos));
            return false;
        }
        boxes->append({type, data.mid(pos + header, qint64(length) - header)});
        pos += qint64(length);
    }
    return true;
}

bool parseDescription(const QByteArray& d, JumbfBox* out, QString* error) {
    if (d.size() < 17) {
        *error = QStringLiteral("JUMBF description box too short");
        return false;
    }
    out->uuid = d.left(16);
    const quint8 toggles = quint8(d[16]);
    qsizetype pos = 17;
    if (toggles & kToggleLabel) {
        const qsizetype end = d.indexOf('\0', pos);
        if (end < 0) {
            *error = QStringLiteral("JUMBF label without its terminating zero");
            return false;
        }
        out->label = QString::fromUtf8(d.mid(pos, end - pos));
        pos = end + 1;
    }
    if (toggles & kToggleId)
        pos += 4;
    if (toggles & kToggleSignature)
        pos += 32;
    if (pos > d.size()) {
        *error = QStringLiteral("JUMBF description box too short for its toggles");
        return false;
    }
    Q_UNUSED(kTogglePrivate) // a private box (C2PA's salt) may follow; it is not needed here
    return true;
}

} // namespace

QByteArray JumbfBox::manifestStoreUuid() {
    return c2paUuid("c2pa");
}
QByteArray JumbfBox::manifestUuid() {
    return c2paUuid("c2ma");
}
QByteArray JumbfBox::assertionStoreUuid() {
    return c2paUuid("c2as");
}
QByteArray JumbfBox::claimUuid() {
    return c2paUuid("c2cl");
}
QByteArray JumbfBox::signatureUuid() {
    return c2paUuid("c2cs");
}
QByteArray JumbfBox::cborUuid() {
    return c2paUuid("cbor");
}
QByteArray JumbfBox::jsonUuid() {
    return c2paUuid("json");
}

QByteArray JumbfBox::box(const QByteArray& type, const QByteArray& payload) {
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(payload.size() + 8), out.data());
    return out + type.left(4) + payload;
}

QByteArray JumbfBox::description(const QByteArray& uuid, const QString& label) {
    QByteArray payload = uuid;
    payload.append(char(kToggleRequestable | kToggleLabel));
    payload.append(label.toUtf8());
    payload.append('\0');
    return box("jumd", payload);
}

QByteArray JumbfBox::superboxPayload(const QByteArray& uuid, const QString& label,
                                     const QByteArray& children) {
    return description(uuid, label) + children;
}

QByteArray JumbfBox::superbox(const QByteArray& uuid, const QString& label,
                              const QByteArray& children) {
    return box("jumb", superboxPayload(uuid, label, children));
}

const JumbfBox* JumbfBox::child(const QString& childLabel) const {
    for (const JumbfBox& c : children) {
        if (c.label == childLabel)
            return &c;
    }
    return nullptr;
}

const JumbfBox::Content* JumbfBox::firstContent() const {
    return contents.isEmpty() ? nullptr : &contents.first();
}

bool JumbfBox::parse(const QByteArray& data, JumbfBox* out, QString* error, int maxDepth) {
    *out = JumbfBox();
    if (maxDepth <= 0) {
        *error = QStringLiteral("JUMBF boxes nested too deeply");
        return false;
    }
    QList<RawBox> top;
    if (!splitBoxes(data, &top, error))
        return false;
    if (top.size() != 1 || top.first().type != "jumb") {
        *error = QStringLiteral("expected one JUMBF superbox");
        return false;
    }
    out->payload = top.first().payload;
    QList<RawBox> inner;
    if (!splitBoxes(out->payload, &inner, error))
        return false;
    if (inner.isEmpty() || inner.first().type != "jumd") {
        *error = QStringLiteral("JUMBF superbox without a description box");
        return false;
    }
    if (!parseDescription(inner.first().payload, out, error))
        return false;
    for (qsizetype i = 1; i < inner.size(); ++i) {
        const RawBox& raw = inner[i];
        if (raw.type == "jumb") {
            JumbfBox childBox;
            if (!parse(box(raw.type, raw.payload), &childBox, error, maxDepth - 1))
                return false;
            out->children.append(childBox);
        } else {
            out->contents.append({raw.type, raw.payload});
        }
    }
    return true;
}

} // namespace limner::app
