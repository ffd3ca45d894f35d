"""Run a command, time it, and sample the peak resident memory of the plugin processes it starts."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psutil

SAMPLE_EVERY_S = 0.05


@dataclass
class Run:
    """What one command took: wall seconds, peak RSS per watched executable, its stderr."""

    seconds: float
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    stderr: str = ""
    stdout: str = ""


def _role(process: psutil.Process, names: Sequence[str]) -> str | None:
    try:
        argv = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None
    # A console script runs as `python /path/bin/<name>`; a binary as `/path/<name>`.
    for arg in argv[:2]:
        name = os.path.basename(str(arg))
        if name in names:
            return name
    return None


def _sample(root: psutil.Process, names: Sequence[str], peaks: dict[str, float], done: threading.Event) -> None:
    while not done.is_set():
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in family:
            role = _role(process, names)
            if role is None:
                continue
            try:
                rss = process.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                continue
            peaks[role] = max(peaks.get(role, 0.0), rss)
        done.wait(SAMPLE_EVERY_S)


def run(
    *commands: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | int | None = subprocess.DEVNULL,
    watch: Sequence[str] = (),
) -> Run:
    """Run `commands` as a pipeline (each one's stdout into the next's stdin) to the end; fail with the
    stderr tail of any that fails. Peak RSS is sampled for processes named in `watch`, children included."""
    peaks: dict[str, float] = {}
    done = threading.Event()
    started = time.monotonic()
    processes: list[subprocess.Popen[bytes]] = []
    samplers: list[threading.Thread] = []
    errors: list[tuple[int, Sequence[str], str]] = []
    with ExitStack() as stack:
        previous: IO[bytes] | None = stdin
        for index, argv in enumerate(commands):
            last = index == len(commands) - 1
            process = stack.enter_context(
                subprocess.Popen(
                    argv,
                    env=dict(env) if env else None,
                    cwd=cwd,
                    stdin=previous,
                    stdout=stdout if last else subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            )
            if previous is not None and previous is not stdin:
                previous.close()  # the next process owns it now
            previous = process.stdout
            processes.append(process)
            sampler = threading.Thread(target=_sample, args=(psutil.Process(process.pid), watch, peaks, done))
            sampler.start()
            samplers.append(sampler)
        # Read every stderr at once, so no process blocks on a full pipe.
        readers = [
            threading.Thread(target=_drain, args=(p, argv, errors)) for p, argv in zip(processes, commands, strict=True)
        ]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        seconds = time.monotonic() - started
        done.set()
        for sampler in samplers:
            sampler.join()
    failed = [e for e in errors if e[0] != 0]
    if failed:
        code, argv, stderr = failed[0]
        raise RuntimeError(f"{' '.join(argv[:3])} exited {code}:\n{stderr[-3000:]}")
    return Run(
        seconds=seconds,
        peak_rss_mb={k: round(v, 1) for k, v in peaks.items()},
        stderr="".join(e[2] for e in errors),
        stdout=getattr(processes[-1], "captured", ""),
    )


def _drain(process: subprocess.Popen[bytes], argv: Sequence[str], errors: list[tuple[int, Sequence[str], str]]) -> None:
    """Wait for `process`, keeping its stderr (and its stdout, when it is ours to read)."""
    if process.stdout is not None and not process.stdout.closed:
        out, err = process.communicate()
        process.captured = out.decode(errors="replace")  # type: ignore[attr-defined]
    else:
        assert process.stderr is not None
        err = process.stderr.read()
    errors.append((process.wait(), argv, err.decode(errors="replace")))
