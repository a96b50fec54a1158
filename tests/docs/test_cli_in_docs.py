"""Every ``volunteer-core`` command the README and docs/ print names a real subcommand and real flags.

The commands come from the shell blocks (```bash, ```sh, ```console; a usage line continued on an indented
line included) and from inline code spans; each subcommand's flags are read from its own ``--help``, so
a flag renamed or removed fails here before a reader types it. The two safe commands are also run as
printed: ``rules`` and ``schema`` read nothing and write only to standard output.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_blocks import blocks, pages, relative

SHELL = ("bash", "sh", "console", "shell")
# the commands that take an action word after them
ACTIONS = {"forms": ("export", "import"), "tokens": ("issue", "list", "revoke")}
_INLINE = re.compile(r"`((?:volunteer-core|python -m volunteer_core) [^`]*)`")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _command_lines(text: str) -> list[str]:
    """The command lines of a page: shell lines calling the CLI (continuations joined), inline spans."""
    found: list[str] = []
    for block in blocks(text):
        if block.language not in SHELL:
            continue
        for line in block.text.splitlines():
            stripped = line.strip()
            if found and line[:1].isspace() and stripped[:1] in ("[", "-") and "volunteer" in found[-1]:
                found[-1] += " " + stripped
            elif re.match(r"^(?:\$ )?(?:volunteer-core|python -m volunteer_core)\b", stripped):
                found.append(stripped.removeprefix("$ "))
            else:
                found.append("")  # a line of output or another command ends a continuation
    found += _INLINE.findall(text)
    return [line.split(" #")[0] for line in found if line]


def _invocation(line: str) -> tuple[tuple[str, ...], list[str]]:
    """The subcommand path and the flags of one command line."""
    words = line.split()
    rest = words[1:] if words[0] == "volunteer-core" else words[3:]
    path: list[str] = []
    for word in rest:
        if word.startswith("-"):
            continue
        if not path or word in ACTIONS.get(path[0], ()):
            path.append(word)
        if len(path) == (2 if path[0] in ACTIONS else 1):
            break
    return tuple(path), _FLAG.findall(line)


@functools.cache
def _help(path: tuple[str, ...]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "volunteer_core", *path, "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"COLUMNS": "200", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout


PAGES_WITH_COMMANDS = [p for p in pages() if _command_lines(p.read_text(encoding="utf-8"))]


def test_the_pages_print_commands() -> None:
    assert any(p.name == "cli.md" for p in PAGES_WITH_COMMANDS)


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=relative)
def test_every_printed_command_and_flag_exists(page: Path) -> None:
    """Each command's subcommand answers ``--help``, and each flag is in that help (or the program's)."""
    wrong: list[str] = []
    for line in _command_lines(page.read_text(encoding="utf-8")):
        path, flags = _invocation(line)
        code, text = _help(path)
        if code != 0:
            wrong.append(f"{' '.join(path) or '(none)'}: no such command ({line})")
            continue
        known = set(_FLAG.findall(text)) | set(_FLAG.findall(_help(())[1])) | {"--help"}
        wrong += [f"{' '.join(path)} {flag}: no such flag ({line})" for flag in flags if flag not in known]
    assert not wrong, f"{relative(page)}:\n" + "\n".join(wrong)


def test_a_false_flag_is_caught() -> None:
    path, flags = _invocation("volunteer-core forms export KIND --db URL --out PATH [--halves 1|2]")
    assert path == ("forms", "export")
    assert "--halves" not in _FLAG.findall(_help(path)[1])
    assert flags == ["--db", "--out", "--halves"]


SAFE_COMMANDS = sorted(
    {
        line
        for page in PAGES_WITH_COMMANDS
        for line in _command_lines(page.read_text(encoding="utf-8"))
        if _invocation(line)[0][:1] in {("rules",), ("schema",)} and not set(line) & set("[]<>|")
    }
)


def test_safe_commands_are_printed() -> None:
    assert SAFE_COMMANDS


@pytest.mark.parametrize("line", SAFE_COMMANDS)
def test_the_safe_commands_run_as_printed(line: str) -> None:
    """``rules`` and ``schema`` as the pages print them (no placeholder): exit 0 with output."""
    words = line.split()
    arguments = words[1:] if words[0] == "volunteer-core" else words[3:]
    done = subprocess.run(
        [sys.executable, "-m", "volunteer_core", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
