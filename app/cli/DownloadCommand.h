#pragma once

#include <QStringList>

class QTextStream;

namespace limner::cli {

// `limner-cli models download ORG/NAME[@REV]`: downloads a model from the Hugging Face hub into
// the hub cache (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE honoured), with progress
// lines on stderr, and prints the snapshot folder on stdout. A Kandinsky decoder brings its prior.
// `limner-cli models suggested`: the suggested models and what each downloads.
//
// Guarantees: a failure is one line on stderr and exit status 1; Ctrl-C stops with status 130
// and keeps the part downloaded (blobs/<etag>.incomplete) for the same command to resume.
class DownloadCommand {
public:
    QStringList arguments; // what follows "models": download ORG/NAME[@REV], or suggested

    int run(QTextStream& out, QTextStream& err) const; // the exit status
};

} // namespace limner::cli
