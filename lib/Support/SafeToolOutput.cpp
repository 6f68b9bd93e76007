//===- SafeToolOutput.cpp - MLIR tool mains with a safe -o ----------------===//
//
// mlir-opt and mlir-translate open their `-o` file themselves and truncate
// it before any work: a killed or failed run loses the old content. The
// tools' `-o` is pointed at a checked temporary instead, renamed over the
// real path only when the tool succeeds.
//
//===----------------------------------------------------------------------===//

#include "duplex/Support/InputFile.h"
#include "duplex/Support/Output.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/WithColor.h"

#include <cstdlib>
#include <string>
#include <vector>

using namespace llvm;

namespace {
/// Where `-o` is on a command line: the argument holding its value and, for
/// `-o=FILE`, the text before the value.
struct OutputArgument {
  int index = -1;
  std::string prefix;
  std::string path;
};

OutputArgument findOutputArgument(int argc, char **argv) {
  OutputArgument found;
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    if (arg == "--")
      break;
    if ((arg == "-o" || arg == "--o") && i + 1 < argc) {
      found = {i + 1, "", argv[i + 1]};
      ++i;
    } else if (arg.starts_with("-o=") || arg.starts_with("--o=")) {
      size_t equals = arg.find('=');
      found = {i, arg.take_front(equals + 1).str(),
               arg.drop_front(equals + 1).str()};
    }
  }
  return found;
}

/// The tool and the path a failed write names (see the fatal error
/// handler below).
struct FatalContext {
  std::string tool;
  std::string path;
};

/// An output stream that fails (a full disk) aborts an MLIR tool with
/// "LLVM ERROR: IO failure on output stream": say which file, and that the
/// old one is kept (the interrupt handlers that run next remove the
/// temporary).
void reportFatal(void *data, const char *reason, bool) {
  auto *context = static_cast<FatalContext *>(data);
  WithColor::error(errs(), context->tool)
      << "cannot write '" << context->path << "': " << reason
      << "; the previous file, if any, is unchanged\n";
  // Not a crash: remove the temporary (the interrupt handlers do) and exit
  // without the crash report an abort would print.
  sys::RunInterruptHandlers();
  std::_Exit(1);
}
} // namespace

/// MLIR's parser recurses: an input nested deeper than kMaxTextDepth would
/// overflow the stack. Every argument naming an existing .mlir file is
/// checked (bounded by the MLIR input size) before the tool parses it.
static Error checkMLIRInputs(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    if (!arg.ends_with(".mlir") || arg.starts_with("-") ||
        !sys::fs::is_regular_file(arg))
      continue;
    auto buffer = duplex::readInputFile(arg, "MLIR", "MLIR file");
    if (!buffer)
      return buffer.takeError();
    if (Error error =
            duplex::checkTextNesting((*buffer)->getBuffer(), arg, "MLIR"))
      return error;
  }
  return Error::success();
}

int duplex::runWithSafeOutput(int argc, char **argv, StringRef tool,
                              function_ref<int(int, char **)> toolMain) {
  treatFileSizeLimitAsWriteError();
  if (Error error = checkMLIRInputs(argc, argv))
    return reportError(tool, std::move(error));
  OutputArgument output = findOutputArgument(argc, argv);
  if (output.index < 0 || isOutputSink(output.path))
    return toolMain(argc, argv);
  Expected<PendingOutput> pending = PendingOutput::create(output.path);
  if (!pending)
    return reportError(tool, pending.takeError());
  std::string replacement = output.prefix + pending->getTemporaryPath().str();
  std::vector<char *> arguments(argv, argv + argc);
  arguments[output.index] = replacement.data();
  arguments.push_back(nullptr);

  FatalContext context{tool.str(), output.path};
  install_fatal_error_handler(reportFatal, &context);
  int status = toolMain(argc, arguments.data());
  remove_fatal_error_handler();
  if (status != 0)
    return status; // The temporary goes with `pending`.
  if (Error error = pending->commit())
    return reportError(tool, std::move(error));
  return 0;
}
