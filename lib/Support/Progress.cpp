//===- Progress.cpp - a progress bar for long runs ------------------------===//

#include "duplex/Support/Progress.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace std::chrono;

namespace duplex {

ProgressBar::ProgressBar(llvm::StringRef label, bool enabled)
    : label(label.str()),
      enabled(enabled && llvm::sys::Process::StandardErrIsDisplayed()),
      start(steady_clock::now()), lastDraw(start) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(double fraction) {
  if (!enabled)
    return;
  steady_clock::time_point now = steady_clock::now();
  if (now - start < seconds(1) || now - lastDraw < milliseconds(100))
    return;
  lastDraw = now;
  constexpr int width = 40;
  fraction = std::clamp(fraction, 0.0, 1.0);
  int filled = int(fraction * width);
  llvm::errs() << "\r" << label << " [" << std::string(filled, '#')
               << std::string(width - filled, '.') << "] "
               << int(fraction * 100) << "%";
  llvm::errs().flush();
  drawn = true;
}

void ProgressBar::finish() {
  if (!drawn)
    return;
  llvm::errs() << "\r" << std::string(label.size() + 50, ' ') << "\r";
  llvm::errs().flush();
  drawn = false;
}

} // namespace duplex
