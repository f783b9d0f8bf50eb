#pragma once

#include <QString>

namespace limner::app {

// The C2PA labels and URIs that C2paWriter writes and C2paReader reads.
struct C2paLabels {
    static QString manifestStore() { return QStringLiteral("c2pa"); }
    static QString assertionStore() { return QStringLiteral("c2pa.assertions"); }
    static QString claim() { return QStringLiteral("c2pa.claim.v2"); }
    static QString signature() { return QStringLiteral("c2pa.signature"); }
    static QString actions() { return QStringLiteral("c2pa.actions.v2"); }
    static QString dataHash() { return QStringLiteral("c2pa.hash.data"); }
    static QString ingredient() { return QStringLiteral("c2pa.ingredient.v3"); }
    static QString generation() { return QStringLiteral("org.limner.generation"); }
    static QString signatureUri() { return QStringLiteral("self#jumbf=c2pa.signature"); }
    static QString assertionUri(const QString& label) {
        return QStringLiteral("self#jumbf=c2pa.assertions/") + label;
    }
    // Free-form action parameters, so readers that show only actions still show these.
    static QString modelsParameter() { return QStringLiteral("org.limner.models"); }
    static QString regionsParameter() { return QStringLiteral("org.limner.generatedRegions"); }
};

} // namespace limner::app
