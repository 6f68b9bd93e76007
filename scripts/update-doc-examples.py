#!/usr/bin/env python3
"""Runs the command examples of the documentation and rewrites the output
they show (or, with --check, fails where it differs).

An example is a ```console block in README.md or docs/**/*.md (docs/reference
is generated and skipped). In a block, a line starting with `$ ` is a command
(a line ending in `\\`, or inside an open quote, continues on the next one)
and the lines after it, up to the next command, are what it prints (stdout
and stderr together). ```sh blocks are setup instructions, not examples, and
are not run.

An HTML comment right above a block selects what it shows of each command's
output, so a long output can be excerpted and still be regenerated:

    <!-- doc-example: head=8 grep="llm\\.moe" tail=2 -->

keeps the first 8 lines, the lines matching the regular expression and the
last 2, with a `...` line for each gap. `skip` leaves the block alone (for a
command that cannot run in a test; say why next to it).

Commands run with bash in a scratch directory per document that links every
top-level entry of the repository (so `models/tiny.json` and `./build/bin/...`
resolve, and files a command writes land in the scratch directory), in a
fresh environment: PATH=/usr/bin:/bin, HOME, COLUMNS=80 and nothing else
from the caller, plus the document's setup line, which every document whose
examples use a bare tool name (`duplexc`, `duplex-opt`, `duplex-translate`)
or `import duplex` must show near its top, exactly as SETUP_LINE spells it
(a reader who runs it from the repository root can run every example).

    scripts/update-doc-examples.py            # rewrite the shown outputs
    scripts/update-doc-examples.py --check    # exit 1 and show a diff if stale

Wall-clock fields (`"wall_seconds": ...`) and the build's git revision
(`"git_revision": ...`) are compared as equal whatever their values.
"""

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
DIRECTIVE = re.compile(r"^<!--\s*doc-example:(.*?)-->\s*$")
WALL = re.compile(r'("wall_seconds":\s*)[-0-9.eE+]+')
# The build's git revision changes with every commit.
REVISION = re.compile(r'("git_revision":\s*)"[^"]*"')
TIMEOUT_SECONDS = 120
SETUP_LINE = 'export PATH="$PWD/build/bin:$PATH" PYTHONPATH="$PWD/build/python"'
NEEDS_SETUP = re.compile(
    r"(^|[\s|;(&])(duplexc|duplex-opt|duplex-translate)\b|import duplex")


def documents():
    paths = [os.path.join(REPOSITORY, "README.md")]
    for root, dirs, files in os.walk(os.path.join(REPOSITORY, "docs")):
        dirs[:] = sorted(d for d in dirs if d != "reference")
        paths += [os.path.join(root, f) for f in sorted(files)
                  if f.endswith(".md")]
    return paths


class Example:
    """One command of a console block: where its output lines are."""

    def __init__(self, command, begin, end, options):
        self.command = command  # the shell command, continuations joined
        self.begin = begin      # index of its first output line
        self.end = end          # index past its last output line
        self.options = options


def parse_options(text):
    options = {}
    for word in shlex.split(text):
        key, _, value = word.partition("=")
        options[key] = value
    unknown = set(options) - {"head", "grep", "tail", "skip"}
    if unknown:
        raise SystemExit(f"unknown doc-example option(s) {sorted(unknown)}")
    return options


def find_examples(lines):
    examples = []
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        close = i + 1
        while close < len(lines) and not FENCE.match(lines[close]):
            close += 1
        if fence.group(2) == "console":
            above = lines[i - 1] if i > 0 else ""
            directive = DIRECTIVE.match(above.strip())
            options = parse_options(directive.group(1)) if directive else {}
            if "skip" not in options:
                examples += block_examples(lines, i + 1, close, options)
        i = close + 1
    return examples


def unclosed(command):
    """Whether a quoted string of `command` goes on to the next line."""
    try:
        shlex.split(command)
        return False
    except ValueError:
        return True


def block_examples(lines, begin, end, options):
    examples = []
    i = begin
    while i < end:
        if not lines[i].startswith("$ "):
            i += 1
            continue
        command = lines[i][2:]
        while i + 1 < end and (command.endswith("\\") or unclosed(command)):
            i += 1
            if command.endswith("\\"):
                command = command[:-1] + " " + lines[i].strip()
            else:
                command += "\n" + lines[i]
        output_begin = i + 1
        i += 1
        while i < end and not lines[i].startswith("$ "):
            i += 1
        examples.append(Example(command, output_begin, i, options))
    return examples


def select(output, options):
    """The lines of `output` a block shows, with `...` for each gap."""
    lines = [line.rstrip() for line in output.rstrip("\n").split("\n")]
    if output.strip() == "":
        return []
    if not any(k in options for k in ("head", "grep", "tail")):
        return lines
    keep = set(range(min(int(options.get("head", 0)), len(lines))))
    tail = int(options.get("tail", 0))
    keep |= set(range(max(len(lines) - tail, 0), len(lines)))
    if "grep" in options:
        pattern = re.compile(options["grep"])
        keep |= {n for n, line in enumerate(lines) if pattern.search(line)}
    shown, last = [], -1
    for n in sorted(keep):
        if n != last + 1:
            shown.append("...")
        shown.append(lines[n])
        last = n
    if last != len(lines) - 1:
        shown.append("...")
    return shown


def scratch_directory(build):
    directory = tempfile.mkdtemp(prefix="duplex-doc-examples-")
    for entry in os.listdir(REPOSITORY):
        if entry in (".git", "build"):
            continue
        os.symlink(os.path.join(REPOSITORY, entry),
                   os.path.join(directory, entry))
    os.symlink(build, os.path.join(directory, "build"))
    return directory


def run(command, directory, setup):
    """Runs `command` after `setup` (the document's setup line, or "") in a
    fresh environment."""
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
           "COLUMNS": "80", "PYTHONDONTWRITEBYTECODE": "1",
           "LANG": "C.UTF-8"}
    script = f"{setup}\n{command}" if setup else command
    result = subprocess.run(["bash", "-o", "pipefail", "-c", script],
                            cwd=directory, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=TIMEOUT_SECONDS)
    return result.returncode, result.stdout


def normalise(lines):
    return [REVISION.sub(r"\1<revision>", WALL.sub(r"\1<wall>", line))
            for line in lines]


def process(path, build, check):
    """Runs the examples of one document; returns (ok, commands run)."""
    with open(path) as f:
        lines = f.read().split("\n")
    examples = find_examples(lines)
    if not examples:
        return True, 0
    name = os.path.relpath(path, REPOSITORY)
    has_setup = SETUP_LINE in lines
    if not has_setup and any(NEEDS_SETUP.search(example.command)
                             for example in examples):
        print(f"{name}: its examples use the tools by name but the document "
              f"does not show the setup line near its top:\n    {SETUP_LINE}")
        return False, 0
    directory = scratch_directory(build)
    ok = True
    replacements = []
    for example in examples:
        status, output = run(example.command, directory,
                             SETUP_LINE if has_setup else "")
        shown = select(output, example.options)
        current = lines[example.begin:example.end]
        blanks = 0
        while current and current[-1] == "":
            current, blanks = current[:-1], blanks + 1
        if normalise(current) != normalise(shown):
            ok = False
            if check:
                print(f"{name}: the output of `{example.command}` changed "
                      f"(exit code {status}):")
                sys.stdout.writelines(
                    line + "\n" for line in difflib.unified_diff(
                        current, shown, "shown", "printed now", lineterm=""))
            else:
                replacements.append((example, shown + [""] * blanks))
        if status != 0 and not check:
            print(f"{name}: note: `{example.command}` exits with {status}")
    shutil.rmtree(directory)
    if replacements:
        for example, shown in reversed(replacements):
            lines[example.begin:example.end] = shown
        with open(path, "w") as f:
            f.write("\n".join(lines))
        print(f"updated {name}")
    return ok, len(examples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a shown output is "
                             "stale")
    parser.add_argument("--build-dir", default=os.path.join(REPOSITORY,
                                                            "build"))
    parser.add_argument("files", nargs="*",
                        help="documents (default: README.md and docs/)")
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    start = time.monotonic()
    paths = [os.path.abspath(p) for p in args.files] or documents()
    all_ok, count = True, 0
    for path in paths:
        ok, run_count = process(path, build, args.check)
        all_ok &= ok
        count += run_count
    verdict = "up to date" if all_ok else (
        "stale: run scripts/update-doc-examples.py" if args.check
        else "rewritten")
    print(f"doc examples: {count} commands in {len(paths)} documents, "
          f"{time.monotonic() - start:.1f} s; {verdict}")
    return 0 if all_ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
