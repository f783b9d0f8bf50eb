#pragma once

#include <QList>
#include <QRect>
#include <QString>
#include <QVariantMap>
#include <optional>

namespace limner::app {

// The program (or model runner) that did an action or made the claim.
struct C2paSoftwareAgent {
    QString name;
    QString version;
};

// One entry of the c2pa.actions.v2 assertion.
struct C2paAction {
    QString action;            // "c2pa.created", "c2pa.opened", "c2pa.edited", ...
    QString digitalSourceType; // an IPTC URI; C2PA 2.x requires one on c2pa.created
    C2paSoftwareAgent softwareAgent;
    QString description;
    QVariantMap parameters; // free-form extra parameters (text, numbers, lists of them)
};

// A model whose pixels are in the picture, identified by the SHA-256 of its weights.
struct C2paModel {
    QString name;
    QString weightsSha256; // lowercase hex
};

// The file a c2pa.opened action opened. C2PA 2.x requires an ingredient with the parentOf
// relationship for it; this one carries no manifest of its own.
struct C2paIngredient {
    QString title;  // the file name
    QString format; // a MIME type
};

// What a manifest says about an exported picture; C2paWriter turns it into a signed manifest.
struct C2paManifestSpec {
    QString title;  // the exported file's name
    QString format; // "image/png" or "image/jpeg"
    C2paSoftwareAgent claimGenerator;
    QList<C2paAction> actions;            // the first one is c2pa.created or c2pa.opened
    QList<C2paModel> models;              // the models used for the generated regions
    QList<QRect> generatedRegions;        // image pixels: bounding boxes of generated layers' masks
    std::optional<C2paIngredient> parent; // required when the first action is c2pa.opened
};

} // namespace limner::app
