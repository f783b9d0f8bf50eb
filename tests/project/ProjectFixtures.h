#pragma once

#include <QByteArray>
#include <QImage>
#include <QString>

namespace limner::app {
class Document;
struct Layer;
} // namespace limner::app

// Documents and files shared by the project tests.
namespace ProjectFixtures {

QString dataPath(const QString& name); // tests/data or resources/samples
QImage photo(const QString& name);     // as ARGB32 premultiplied
// Every alpha value 0..255 with varied colour: catches any loss in premultiplied ⇄ straight.
QImage allAlphaLayer(int width, int height);
// Coffee as the background, a translucent layer at an offset, a hidden layer, a layer at
// opacity 0.37, a model-generated layer with its generation data, and a painted mask.
void buildLayeredDocument(limner::app::Document& document);
// The n-th layer of the autosave test: a 32×32 patch whose colour and place follow from n.
limner::app::Layer numberedLayer(int n);
QByteArray readFile(const QString& path);
bool writeFile(const QString& path, const QByteArray& bytes);

} // namespace ProjectFixtures
