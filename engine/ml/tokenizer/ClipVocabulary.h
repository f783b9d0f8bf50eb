#pragma once

#include <string>

namespace limner::engine::ml {

// Where OpenAI CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz, shipped with Limner under
// its MIT licence) is, for tokenizers of models that carry none (single-file checkpoints):
//   1. $LIMNER_CLIP_VOCAB, when set (a file path);
//   2. <directory of the running executable>/../share/limner/clip/ (an installed Limner);
//   3. resources/clip/ of the source tree this library was built from (a build tree).
// Returns the first candidate that is a regular file, else the installed location (so that an
// error message names where the file belongs).
std::string clipVocabularyPath();

} // namespace limner::engine::ml
