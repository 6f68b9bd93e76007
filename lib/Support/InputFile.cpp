//===- InputFile.cpp - bounded reading of input files ---------------------===//

#include "duplex/Support/InputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"

#include <atomic>
#include <cstdlib>

using namespace llvm;
using namespace duplex;

namespace {
constexpr uint64_t MiB = uint64_t(1) << 20;
// JSON: configs, device descriptions, placements are kilobytes; the
// largest real trace (Azure 2023, 19,366 requests) is 0.6 MB; ONNX
// protobufs cannot exceed 2 GiB; MLIR models are kilobytes to megabytes.
const InputKind kKinds[] = {
    {"JSON", 64 * MiB},
    {"trace", 1024 * MiB},
    {"ONNX", 2048 * MiB},
    {"MLIR", 256 * MiB},
};
std::atomic<uint64_t> limitOverride{0};

uint64_t environmentOverride() {
  static const uint64_t value = [] {
    const char *text = std::getenv("DUPLEX_MAX_INPUT_BYTES");
    uint64_t bytes = 0;
    if (text && !StringRef(text).getAsInteger(10, bytes))
      return bytes;
    return uint64_t(0);
  }();
  return value;
}

std::string sizeText(uint64_t bytes) {
  std::string text;
  raw_string_ostream os(text);
  if (bytes >= MiB)
    os << format("%.1f MiB", double(bytes) / MiB);
  else
    os << bytes << " bytes";
  return text;
}
} // namespace

ArrayRef<InputKind> duplex::getInputKinds() { return kKinds; }

uint64_t duplex::getInputSizeLimit(StringRef name) {
  if (uint64_t bytes = limitOverride.load())
    return bytes;
  if (uint64_t bytes = environmentOverride())
    return bytes;
  for (const InputKind &kind : kKinds)
    if (kind.name == name)
      return kind.maxBytes;
  return 64 * MiB;
}

void duplex::setInputSizeLimitOverride(uint64_t bytes) {
  limitOverride.store(bytes);
}

Expected<std::unique_ptr<MemoryBuffer>> duplex::readInputFile(StringRef path,
                                                              StringRef kind,
                                                              StringRef what,
                                                              bool isText) {
  auto fail = [&](const Twine &message) {
    return createStringError(inconvertibleErrorCode(), "cannot read " + what +
                                                           " '" + path +
                                                           "': " + message);
  };
  sys::fs::file_status status;
  if (std::error_code error = sys::fs::status(path, status))
    return fail(error.message());
  if (status.type() == sys::fs::file_type::directory_file)
    return fail("it is a directory");
  if (status.type() != sys::fs::file_type::regular_file)
    return fail("it is not a regular file (a device, FIFO or socket)");
  uint64_t limit = getInputSizeLimit(kind);
  if (status.getSize() > limit)
    return fail("it holds " + sizeText(status.getSize()) + ", more than the " +
                sizeText(limit) + " allowed for " + kind +
                " inputs (DUPLEX_MAX_INPUT_BYTES or --max-input-bytes raises "
                "the limit)");
  auto buffer = MemoryBuffer::getFile(path, isText,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(buffer.getError().message());
  // The file may have grown between the check and the read.
  if ((*buffer)->getBufferSize() > limit)
    return fail("it grew past the " + sizeText(limit) + " allowed");
  return std::move(*buffer);
}

unsigned duplex::getNestingDepth(StringRef text, StringRef open,
                                 StringRef close, unsigned &line) {
  unsigned depth = 0, deepest = 0, current = 1;
  bool inString = false, escaped = false;
  line = 0;
  for (char c : text) {
    if (c == '\n')
      ++current;
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (open.contains(c)) {
      if (++depth > deepest) {
        deepest = depth;
        line = current;
      }
    } else if (close.contains(c) && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Error duplex::guardJSONText(StringRef &text, StringRef where) {
  // Editors on Windows start UTF-8 files with a byte-order mark; JSON
  // parsers may skip it (RFC 8259, section 8.1).
  text.consume_front("\xEF\xBB\xBF");
  unsigned line = 0;
  if (getNestingDepth(text, "[{", "]}", line) <= kMaxJSONDepth)
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      "%s: line %u: arrays and objects nest deeper than %u levels; no input "
      "of this kind needs that many",
      where.str().c_str(), line, kMaxJSONDepth);
}

Expected<json::Value> duplex::parseBoundedJSON(StringRef text,
                                               StringRef fileName) {
  if (Error error = guardJSONText(text, fileName))
    return std::move(error);
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return createStringError(inconvertibleErrorCode(), "%s: not valid JSON: %s",
                             fileName.str().c_str(),
                             toString(parsed.takeError()).c_str());
  return parsed;
}

Error duplex::checkTextNesting(StringRef text, StringRef fileName,
                               StringRef what) {
  unsigned line = 0;
  if (getNestingDepth(text, "{([<", "})]>", line) <= kMaxTextDepth)
    return Error::success();
  return createStringError(inconvertibleErrorCode(),
                           "%s: line %u: the %s nests brackets deeper than %u "
                           "levels; no model needs that many",
                           fileName.str().c_str(), line, what.str().c_str(),
                           kMaxTextDepth);
}
