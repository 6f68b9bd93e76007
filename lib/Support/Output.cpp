//===- Output.cpp - safe output files and error reporting -----------------===//

#include "duplex/Support/Output.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/WithColor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace llvm;

static Error failure(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// What a non-regular file is, for the diagnostic.
static StringRef kindOf(sys::fs::file_type type) {
  switch (type) {
  case sys::fs::file_type::directory_file:
    return "a directory";
  case sys::fs::file_type::character_file:
    return "a character device";
  case sys::fs::file_type::block_file:
    return "a block device";
  case sys::fs::file_type::fifo_file:
    return "a FIFO";
  case sys::fs::file_type::socket_file:
    return "a socket";
  case sys::fs::file_type::symlink_file:
    return "a symbolic link";
  default:
    return "not a regular file";
  }
}

/// Whether the permission bits of `st` let the running user write the
/// file. Root's override is deliberately not applied: a file made
/// read-only stays unreplaced.
static bool modeAllowsWrite(const struct stat &st) {
  uid_t user = geteuid();
  if (st.st_uid == user)
    return st.st_mode & S_IWUSR;
  bool inGroup = st.st_gid == getegid();
  if (!inGroup) {
    int count = getgroups(0, nullptr);
    std::vector<gid_t> groups(count > 0 ? count : 0);
    if (count > 0 && getgroups(count, groups.data()) == count)
      inGroup = llvm::is_contained(groups, st.st_gid);
  }
  if (inGroup)
    return st.st_mode & S_IWGRP;
  return st.st_mode & S_IWOTH;
}

bool duplex::isOutputSink(StringRef path) {
  return path == "-" || path == "/dev/stdout" || path == "/dev/null";
}

Error duplex::checkOutputPath(StringRef path) {
  if (isOutputSink(path))
    return Error::success();
  if (path.empty())
    return failure("the output path is empty");
  sys::fs::file_status status;
  if (std::error_code error = sys::fs::status(path, status, /*Follow=*/false)) {
    if (error == std::errc::no_such_file_or_directory)
      return Error::success();
    return failure("cannot write '" + path + "': " + error.message());
  }
  if (status.type() != sys::fs::file_type::regular_file)
    return failure("refusing to write '" + path + "': it is " +
                   kindOf(status.type()) +
                   "; outputs replace only regular files");
  struct stat st;
  if (::lstat(path.str().c_str(), &st) == 0 && !modeAllowsWrite(st)) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", unsigned(st.st_mode & 07777));
    return failure("refusing to replace '" + path +
                   "': the file is read-only (mode " + mode + ")");
  }
  return Error::success();
}

/// ".NAME.duplex-tmp-": what every temporary for `path` starts with.
static std::string temporaryPrefix(StringRef path) {
  return ("." + sys::path::filename(path) + ".duplex-tmp-").str();
}

/// The model of a named temporary for `path`, next to it
/// (".NAME.duplex-tmp-PID-%%%%%%%%"), for sys::fs::createUniquePath.
static SmallString<256> temporaryModel(StringRef path) {
  SmallString<256> model(sys::path::parent_path(path));
  sys::path::append(model,
                    temporaryPrefix(path) + Twine(::getpid()) + "-%%%%%%%%");
  return model;
}

/// Removes the temporaries for `path` whose writer no longer runs
/// (".NAME.duplex-tmp-PID-XXXXXXXX" with no process PID). A live writer's
/// temporary, or a name that does not parse, is left alone.
static void removeStaleTemporaries(StringRef path) {
  StringRef parent = sys::path::parent_path(path);
  std::string prefix = temporaryPrefix(path);
  std::error_code error;
  for (sys::fs::directory_iterator entry(parent.empty() ? "." : parent, error),
       end;
       !error && entry != end; entry.increment(error)) {
    StringRef name = sys::path::filename(entry->path());
    if (!name.consume_front(prefix))
      continue;
    auto [pidText, suffix] = name.split('-');
    unsigned pid;
    if (suffix.size() != 8 || pidText.getAsInteger(10, pid) || pid == 0 ||
        entry->type() != sys::fs::file_type::regular_file)
      continue;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
      sys::fs::remove(entry->path());
  }
}

void duplex::treatFileSizeLimitAsWriteError() {
  // Registers LLVM's handlers (they are registered only once) without
  // changing what they do: no interrupt function is set at start-up.
  sys::SetInterruptFunction(nullptr);
  ::signal(SIGXFSZ, SIG_IGN);
}

/// An unnamed file in `directory` (O_TMPFILE), or -1 where the kernel or
/// the file system has none.
static int openUnnamedFile(StringRef directory) {
#ifdef O_TMPFILE
  // commit() links it through /proc/self/fd: without /proc (some
  // containers) the named temporary is the only way.
  if (::access("/proc/self/fd", X_OK) != 0)
    return -1;
  std::string where = directory.empty() ? "." : directory.str();
  return ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
#else
  (void)directory;
  return -1;
#endif
}

Expected<duplex::PendingOutput> duplex::PendingOutput::create(StringRef path) {
  if (Error error = checkOutputPath(path))
    return std::move(error);
  // The temporary lives next to the path so that the rename is atomic; a
  // replaced file keeps its permission bits. A named one carries the
  // writer's process id, so the temporaries of writers killed with SIGKILL
  // (the one signal that cannot remove them) are recognised and removed
  // here.
  removeStaleTemporaries(path);
  sys::fs::file_status status;
  bool replacing = !sys::fs::status(path, status);
  if (int fd = openUnnamedFile(sys::path::parent_path(path)); fd >= 0) {
    if (replacing)
      ::fchmod(fd, status.permissions());
    return PendingOutput(path.str(), fd, "/proc/self/fd/" + std::to_string(fd),
                         std::nullopt);
  }
  unsigned mode = sys::fs::all_read | sys::fs::all_write;
  if (replacing)
    mode = status.permissions();
  Expected<sys::fs::TempFile> temporary =
      sys::fs::TempFile::create(temporaryModel(path), mode, sys::fs::OF_None);
  // TempFile registered LLVM's signal handlers (to remove it on a signal)
  // if nothing had: SIGXFSZ is theirs again (Python's module, for one).
  ::signal(SIGXFSZ, SIG_IGN);
  if (!temporary)
    return failure("cannot write '" + path +
                   "': cannot create a temporary "
                   "next to it: " +
                   toString(temporary.takeError()));
  // TempFile ignores the umask for an existing file's mode: set it again.
  if (replacing)
    sys::fs::setPermissions(temporary->FD, status.permissions());
  int fd = temporary->FD;
  std::string name = temporary->TmpName;
  return PendingOutput(path.str(), fd, std::move(name), std::move(*temporary));
}

duplex::PendingOutput::PendingOutput(PendingOutput &&other)
    : path(std::move(other.path)), fd(other.fd),
      temporaryPath(std::move(other.temporaryPath)),
      named(std::move(other.named)), done(other.done) {
  other.done = true;
  other.fd = -1;
}

duplex::PendingOutput::~PendingOutput() {
  if (done)
    return;
  if (named)
    consumeError(named->discard());
  else if (fd >= 0)
    ::close(fd); // An unnamed file vanishes with its last descriptor.
}

/// Gives the unnamed file `fd` a name next to `path` and renames it over
/// `path`. The name exists only between the two calls.
static Error linkAndRename(int fd, StringRef path) {
  std::string source = "/proc/self/fd/" + std::to_string(fd);
  SmallString<256> model = temporaryModel(path);
  for (int attempt = 0; attempt < 16; ++attempt) {
    SmallString<256> name;
    sys::fs::createUniquePath(model, name, /*MakeAbsolute=*/false);
    if (::linkat(AT_FDCWD, source.c_str(), AT_FDCWD, name.c_str(),
                 AT_SYMLINK_FOLLOW) != 0) {
      if (errno == EEXIST)
        continue;
      return errorCodeToError(std::error_code(errno, std::generic_category()));
    }
    if (::rename(name.c_str(), path.str().c_str()) != 0) {
      std::error_code error(errno, std::generic_category());
      ::unlink(name.c_str());
      return errorCodeToError(error);
    }
    return Error::success();
  }
  return errorCodeToError(std::make_error_code(std::errc::file_exists));
}

Error duplex::PendingOutput::commit() {
  done = true;
  if (::fsync(fd) != 0) {
    std::string reason = std::strerror(errno);
    if (named)
      consumeError(named->discard());
    else
      ::close(fd);
    return failure("cannot write '" + path + "': " + reason);
  }
  if (!named) {
    Error error = linkAndRename(fd, path);
    ::close(fd);
    if (error)
      return failure("cannot write '" + path +
                     "': " + toString(std::move(error)));
    return Error::success();
  }
  if (Error error = named->keep(path)) {
    std::string reason = toString(std::move(error));
    consumeError(named->discard());
    return failure("cannot write '" + path + "': " + reason);
  }
  return Error::success();
}

Error duplex::writeOutput(StringRef path,
                          function_ref<void(raw_ostream &)> write) {
  // /dev/stdout is a symbolic link (to /proc/self/fd/1), which outputs
  // never replace: it means standard output, as "-" does.
  if (path == "-" || path == "/dev/stdout") {
    write(outs());
    outs().flush();
    if (outs().has_error()) {
      std::error_code error = outs().error();
      outs().clear_error();
      return failure("cannot write to standard output: " + error.message());
    }
    return Error::success();
  }
  if (path == "/dev/null")
    return Error::success();
  Expected<PendingOutput> output = PendingOutput::create(path);
  if (!output)
    return output.takeError();
  {
    raw_fd_ostream os(output->getFD(), /*shouldClose=*/false);
    write(os);
    os.flush();
    if (os.has_error()) {
      std::error_code error = os.error();
      // A stream destroyed with an error would abort the tool.
      os.clear_error();
      return failure("cannot write '" + path + "': " + error.message() +
                     "; the previous file, if any, is unchanged");
    }
  }
  return output->commit();
}

int duplex::reportError(StringRef tool, Error error) {
  outs().flush();
  WithColor::error(errs(), tool) << toString(std::move(error)) << "\n";
  return 1;
}

/// `path` made absolute with links, "." and ".." resolved: the file's real
/// path, or for a file not yet there, its folder's real path and its name.
static std::string canonicalPath(StringRef path) {
  SmallString<256> real;
  if (!sys::fs::real_path(path, real))
    return std::string(real);
  SmallString<256> absolute(path);
  sys::fs::make_absolute(absolute);
  sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  SmallString<256> folder;
  if (!sys::fs::real_path(sys::path::parent_path(absolute), folder)) {
    sys::path::append(folder, sys::path::filename(absolute));
    return std::string(folder);
  }
  return std::string(absolute);
}

Error duplex::checkDistinctOutputs(ArrayRef<NamedPath> outputs,
                                   ArrayRef<NamedPath> inputs) {
  SmallVector<std::pair<NamedPath, std::string>, 4> seen;
  for (const NamedPath &output : outputs) {
    if (output.path.empty() || isOutputSink(output.path))
      continue;
    std::string canonical = canonicalPath(output.path);
    for (const auto &[other, otherCanonical] : seen)
      if (otherCanonical == canonical)
        return createStringError(inconvertibleErrorCode(),
                                 "%s and %s name the same file '%s': give "
                                 "each output its own",
                                 other.option.str().c_str(),
                                 output.option.str().c_str(),
                                 output.path.str().c_str());
    for (const NamedPath &input : inputs)
      if (!input.path.empty() && sys::fs::exists(input.path) &&
          canonicalPath(input.path) == canonical)
        return createStringError(inconvertibleErrorCode(),
                                 "%s '%s' is the %s input: writing it would "
                                 "replace it",
                                 output.option.str().c_str(),
                                 output.path.str().c_str(),
                                 input.option.str().c_str());
    seen.push_back({output, canonical});
  }
  return Error::success();
}
