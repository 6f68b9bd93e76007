//===- Progress.h - a progress bar for long runs ----------------*- C++ -*-===//

#ifndef DUPLEX_SUPPORT_PROGRESS_H
#define DUPLEX_SUPPORT_PROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <mutex>
#include <string>

namespace duplex {

/// Draws `label [#####.....] 42%` on stderr, only when stderr is a terminal,
/// only once a run has taken a second, and at most ten times a second.
class ProgressBar {
public:
  ProgressBar(llvm::StringRef label, bool enabled);
  ~ProgressBar();
  /// `fraction` done, in [0, 1], and what to print after the bar (counts,
  /// rates); the bar adds the estimated time left. Thread-safe.
  void update(double fraction, llvm::StringRef detail = "");
  /// Clears the bar's line.
  void finish();

private:
  std::string label;
  bool enabled;
  bool drawn = false;
  size_t drawnWidth = 0;
  std::mutex mutex;
  std::chrono::steady_clock::time_point start, lastDraw;
};

} // namespace duplex

#endif // DUPLEX_SUPPORT_PROGRESS_H
