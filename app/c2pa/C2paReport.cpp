#include "app/c2pa/C2paReport.h"

namespace limner::app {

namespace {

QString agentText(const C2paSoftwareAgent& agent) {
    return agent.version.isEmpty() ? agent.name : agent.name + QLatin1Char(' ') + agent.version;
}

// "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" -> the last part
QString sourceTypeName(const QString& uri) {
    return uri.section(QLatin1Char('/'), -1);
}

} // namespace

QString C2paReport::stateName(State state) {
    switch (state) {
    case State::NoManifest:
        return QStringLiteral("no Content Credentials");
    case State::Valid:
        return QStringLiteral("valid");
    case State::ValidUntrusted:
        return QStringLiteral("valid, signer not in a trust list");
    case State::HashMismatch:
        return QStringLiteral("changed after signing");
    case State::SignatureInvalid:
        return QStringLiteral("signature invalid");
    case State::Malformed:
        return QStringLiteral("malformed");
    }
    return {};
}

QString C2paReport::text() const {
    QStringList lines;
    lines << QStringLiteral("Content Credentials: %1").arg(stateName(state));
    if (!message.isEmpty())
        lines << QStringLiteral("  %1").arg(message);
    if (state == State::NoManifest || state == State::Malformed)
        return lines.join(QLatin1Char('\n'));
    if (!manifestLabel.isEmpty())
        lines << QStringLiteral("Manifest: %1").arg(manifestLabel);
    if (!title.isEmpty())
        lines << QStringLiteral("Title: %1").arg(title);
    lines << QStringLiteral("Claim generator: %1").arg(agentText(claimGenerator));
    if (!signerSubject.isEmpty())
        lines << QStringLiteral("Signed by: %1").arg(signerSubject);
    if (!actions.isEmpty())
        lines << QStringLiteral("Actions:");
    for (const C2paAction& action : actions) {
        QString line = QStringLiteral("  %1").arg(action.action);
        if (!action.digitalSourceType.isEmpty())
            line += QStringLiteral(" (%1)").arg(sourceTypeName(action.digitalSourceType));
        if (!action.softwareAgent.name.isEmpty())
            line += QStringLiteral(" by %1").arg(agentText(action.softwareAgent));
        if (!action.description.isEmpty())
            line += QStringLiteral(": %1").arg(action.description);
        lines << line;
    }
    if (!models.isEmpty())
        lines << QStringLiteral("Models:");
    for (const C2paModel& model : models)
        lines << QStringLiteral("  %1 (weights SHA-256 %2)").arg(model.name, model.weightsSha256);
    if (!generatedRegions.isEmpty())
        lines << QStringLiteral("Generated regions (image pixels):");
    for (const QRect& r : generatedRegions)
        lines << QStringLiteral("  %1x%2 at (%3, %4)")
                     .arg(r.width())
                     .arg(r.height())
                     .arg(r.x())
                     .arg(r.y());
    lines << QStringLiteral("Status: %1").arg(statusCodes.join(QStringLiteral(", ")));
    return lines.join(QLatin1Char('\n'));
}

} // namespace limner::app
