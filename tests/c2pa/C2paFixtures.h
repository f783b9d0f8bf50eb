#pragma once

#include "app/c2pa/C2paManifestSpec.h"
#include "app/c2pa/C2paSigner.h"

#include <QByteArray>
#include <QImage>

namespace limner::app::test {

// A 64x48 picture with a gradient and a few hard edges, so compression has work to do.
QImage c2paTestImage();
QByteArray encodeImage(const QImage& image, const char* format, int quality = 90);
// A manifest like the one Limner writes for an exported inpainting: created, then edited by a
// model in two regions.
C2paManifestSpec c2paTestSpec(const QString& format);
// One signer for the whole test run (key made on first use in a temporary folder).
const C2paSigner& c2paTestSigner();

} // namespace limner::app::test

namespace limner::app::test {

// Limner's manifest for an edited photograph: opened (the photo as parent ingredient), then
// edited by a model.
C2paManifestSpec c2paOpenedSpec(const QString& format);
// Enough generated regions that the JPEG manifest store needs several APP11 segments.
C2paManifestSpec c2paLargeSpec(const QString& format);

} // namespace limner::app::test
