//===- Output.h - safe output files and error reporting ---------*- C++ -*-===//
//
// Every file the tools write goes through here. An output replaces only a
// regular file the user may write (or creates one): a device, FIFO,
// directory or symbolic link at the path is refused. The content is written
// to a temporary in the same directory, flushed to disk and renamed over the
// path, so the old file survives any failure (a full disk, a signal, a
// crash) and no partial file is ever left at the path.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_OUTPUT_H
#define DUPLEX_SUPPORT_OUTPUT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <optional>
#include <string>

namespace duplex {

/// A write past the file-size limit (RLIMIT_FSIZE, `ulimit -f`) raises
/// SIGXFSZ, which kills the tool after LLVM's handler prints a crash report.
/// Ignored, the write fails with EFBIG and the writer reports it like a
/// full disk: the path named, the old file kept, exit 1. LLVM installs its
/// signal handlers once; this installs them first, then ignores SIGXFSZ, so
/// a later InitLLVM (inside MlirOptMain) leaves it ignored. Tools call it
/// first thing; PendingOutput::create repeats the ignore.
void treatFileSizeLimitAsWriteError();

/// Whether `path` is a sink written in place: "-" or /dev/stdout (standard
/// output), or /dev/null (discarded); never replaced.
bool isOutputSink(llvm::StringRef path);

/// Why `path` may not be written as an output, or success: it is a sink,
/// absent, or a regular file whose mode lets the running user write it
/// (root included: a read-only file stays so).
llvm::Error checkOutputPath(llvm::StringRef path);

/// An output being written: a temporary next to the path, renamed over it
/// by commit(). Where the file system allows (Linux O_TMPFILE: ext4, xfs,
/// btrfs, tmpfs), the temporary has no name until commit() links it for the
/// rename, so even SIGKILL leaves nothing behind; elsewhere it is a named
/// file that a signal or the destructor removes. Destroyed without commit()
/// (an error, an early return), the temporary is gone.
class PendingOutput {
public:
  /// Checks `path` and creates the temporary.
  static llvm::Expected<PendingOutput> create(llvm::StringRef path);
  PendingOutput(PendingOutput &&other);
  PendingOutput &operator=(PendingOutput &&) = delete;
  ~PendingOutput();

  /// Where another writer (an MLIR tool main) may open the content:
  /// /proc/self/fd/N for an unnamed temporary.
  llvm::StringRef getTemporaryPath() const { return temporaryPath; }
  int getFD() const { return fd; }

  /// Flushes the temporary to disk and renames it over the path.
  llvm::Error commit();

private:
  PendingOutput(std::string path, int fd, std::string temporaryPath,
                std::optional<llvm::sys::fs::TempFile> named)
      : path(std::move(path)), fd(fd), temporaryPath(std::move(temporaryPath)),
        named(std::move(named)) {}
  std::string path;
  int fd = -1;
  std::string temporaryPath;
  /// The named fallback; empty for an unnamed temporary (fd is ours).
  std::optional<llvm::sys::fs::TempFile> named;
  bool done = false;
};

/// A file a command reads or writes, with the option that names it.
struct NamedPath {
  llvm::StringRef option; ///< "-o", "--trace", ...
  llvm::StringRef path;
};

/// Refuses two outputs that are one file, or an output that is one of the
/// inputs (the second write would replace the first, or the trace itself):
/// paths are compared after resolving links, "." and "..". Sinks ("-",
/// /dev/null) and empty paths are skipped.
llvm::Error checkDistinctOutputs(llvm::ArrayRef<NamedPath> outputs,
                                 llvm::ArrayRef<NamedPath> inputs);

/// Writes through `write` to `path` ("-" is stdout) as described above.
/// Errors name the path.
llvm::Error writeOutput(llvm::StringRef path,
                        llvm::function_ref<void(llvm::raw_ostream &)> write);

/// Prints "<tool>: error: <message>" to stderr and returns exit code 1.
int reportError(llvm::StringRef tool, llvm::Error error);

/// Runs an MLIR tool main (mlir-opt, mlir-translate) whose `-o FILE`
/// option would open FILE itself, truncating it at start-up: the option is
/// pointed at a checked temporary instead, committed over FILE only when
/// `toolMain` succeeds. Write errors name FILE.
int runWithSafeOutput(int argc, char **argv, llvm::StringRef tool,
                      llvm::function_ref<int(int, char **)> toolMain);

} // namespace duplex

#endif // DUPLEX_SUPPORT_OUTPUT_H
