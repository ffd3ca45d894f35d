"""Fixtures shared by every test suite: sandboxes served over real HTTP on free ports."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from sandbox.server import Sandbox, SandboxOptions, running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., tuple[Sandbox, str]]]:
    """Start sandboxes (each on its own port) for one test; they stop when it ends."""
    with ExitStack() as stack:

        def start(**options: Any) -> tuple[Sandbox, str]:
            sandbox = Sandbox(SandboxOptions(**options))
            return sandbox, stack.enter_context(running(sandbox))

        yield start
