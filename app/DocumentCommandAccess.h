#pragma once

#include "app/Layer.h"

#include <QImage>
#include <QPoint>
#include <QString>

namespace limner::app {

class Document;

// The narrow door through which undo commands change a Document. Commands never touch the
// layer vector directly: each mutation here keeps the document consistent and emits the
// matching signal; bumpRevision() is called once per do/undo/redo by the command.
//
// Requirements: GUI thread; ids passed in exist unless stated otherwise.
// Guarantees: an unknown id or bad index is ignored (returns false / an empty Layer).
class DocumentCommandAccess {
public:
    static int allocateLayerId(Document& doc);
    static bool insertLayer(Document& doc, const Layer& layer, int index);
    static Layer takeLayer(Document& doc, int id);
    static bool moveLayer(Document& doc, int id, int newIndex);
    static bool setLayerName(Document& doc, int id, const QString& name);
    static bool setLayerVisible(Document& doc, int id, bool visible);
    static bool setLayerOpacity(Document& doc, int id, qreal opacity);
    static bool replaceLayer(Document& doc, const Layer& layer); // same id, new pixels/props
    static void setActiveLayer(Document& doc, int id);
    // Copies pixels (Grayscale8) into the mask at topLeft (canvas coordinates).
    static void writeMask(Document& doc, const QPoint& topLeft, const QImage& pixels);
    static void bumpRevision(Document& doc);
    // Gives the canvas a new size with the old canvas's top-left at shift: every layer moves by
    // shift (its pixels are untouched), the mask keeps its pixels where the two canvases meet
    // and is 0 (keep) elsewhere. Emits layersChanged and maskChanged for the whole canvas.
    static bool resizeCanvas(Document& doc, const QSize& size, const QPoint& shift);
};

} // namespace limner::app
