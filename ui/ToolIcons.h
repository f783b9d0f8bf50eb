#pragma once

#include <QIcon>

namespace limner::ui {

// Tool icons drawn with QPainter, so they scale crisply and need no image files or SVG module.
namespace ToolIcons {
QIcon maskBrush();
QIcon maskEraser();
QIcon rectangleSelection();
QIcon lassoSelection();
QIcon smartSelection();
QIcon candidateMixer();
} // namespace ToolIcons

} // namespace limner::ui
