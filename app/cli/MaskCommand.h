#pragma once

#include "engine/core/Rect.h"
#include "engine/imaging/ObjectSelection.h"

#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>
#include <vector>

namespace limner::cli {

// `limner-cli mask`: a selection mask made from a picture, written as an 8-bit grey PNG of the
// picture's size (255 = selected), with exactly one way of selecting:
//
//   --box X,Y,W,H [--inside X,Y]… [--outside X,Y]…   the object in the box (GrabCut), corrected
//                                                    by clicks inside or outside it
//   --wand X,Y [--tolerance T] [--global]            the magic wand at a point
//   --color R,G,B [--tolerance T]                    every pixel of a colour
//   --refine --mask OLD.png                          an existing mask snapped to the picture's edges
//
// Guarantees: bad arguments, a picture or mask that cannot be read, or an output that cannot be
//   written give a one-line message and a non-zero exit, and no output file is created or touched.
class MaskCommand {
public:
    enum class Selection { Object, Wand, Color, Refine };

    QString imagePath;
    QString maskPath; // --refine only
    QString outputPath;
    Selection selection = Selection::Object;
    engine::Rect box;
    std::vector<engine::imaging::SelectionClick> clicks;
    int wandX = 0;
    int wandY = 0;
    bool global = false;
    std::array<std::uint8_t, 3> color{};
    int tolerance = 32;

    // Reads the arguments that follow "mask". Empty on success, else the usage message to print.
    QString parse(const QStringList& arguments);
    // Needs a QCoreApplication. Empty on success, else the one-line message to print.
    QString run() const;
};

// Parses and runs; returns the exit code (0 ok, 1 failure, 2 usage).
int runMaskCommand(const QStringList& arguments);

} // namespace limner::cli
