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

void ProgressBar::update(double fraction, llvm::StringRef detail) {
  if (!enabled)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  steady_clock::time_point now = steady_clock::now();
  if (now - start < seconds(1) || now - lastDraw < milliseconds(100))
    return;
  lastDraw = now;
  constexpr int width = 30;
  fraction = std::clamp(fraction, 0.0, 1.0);
  int filled = int(fraction * width);
  std::string line = label + " [" + std::string(filled, '#') +
                     std::string(width - filled, '.') + "] " +
                     std::to_string(int(fraction * 100)) + "%";
  if (!detail.empty())
    line += ", " + detail.str();
  // Time left at the rate so far.
  double elapsed = duration<double>(now - start).count();
  if (fraction > 0.01 && fraction < 1)
    line += ", ETA " +
            std::to_string(int(elapsed * (1 - fraction) / fraction + 0.5)) +
            " s";
  size_t length = line.size();
  if (length < drawnWidth)
    line += std::string(drawnWidth - length, ' ');
  drawnWidth = length;
  llvm::errs() << "\r" << line;
  llvm::errs().flush();
  drawn = true;
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> lock(mutex);
  if (!drawn)
    return;
  llvm::errs() << "\r" << std::string(drawnWidth, ' ') << "\r";
  llvm::errs().flush();
  drawn = false;
}

} // namespace duplex
