"""`stratus-warehouse` never adopts a server it did not start: two warehouses (two data
directories) on one port, and a port held by something that is not Postgres at all."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from stratus_warehouse.server import PortState, Warehouse, WarehouseError

from conftest import free_port


def cli(warehouse: Warehouse, command: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "STRATUS_WAREHOUSE_DIR": str(warehouse.data_dir),
        "STRATUS_WAREHOUSE_PORT": str(warehouse.port),
    }
    return subprocess.run(
        [sys.executable, "-m", "stratus_warehouse.cli", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_port_taken(result: subprocess.CompletedProcess[str], port: int) -> None:
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"warehouse: port {port} is taken by another server")
    assert "STRATUS_WAREHOUSE_PORT" in line


def test_a_warehouse_never_adopts_another_on_its_port(tmp_path):
    port = free_port()
    first = Warehouse(data_dir=tmp_path / "first", port=port)
    second = Warehouse(data_dir=tmp_path / "second", port=port)
    first.start()
    try:
        assert first.port_state() is PortState.OURS
        assert second.port_state() is PortState.FOREIGN
        with pytest.raises(WarehouseError, match=f"^warehouse: port {port} is taken by another server"):
            second.start()
        # start, status and stop of the second agree: it is not running, and the first is untouched.
        assert_port_taken(cli(second, "start"), port)
        assert_port_taken(cli(second, "status"), port)
        stop = cli(second, "stop")
        assert (stop.returncode, stop.stdout.strip()) == (0, "warehouse: not running")
        status = cli(first, "status")
        assert (status.returncode, status.stdout.strip()) == (0, f"warehouse: running on port {port}")
        # Once the first stops, the second starts on the port, and the first now sees it as foreign.
        stop = cli(first, "stop")
        assert (stop.returncode, stop.stdout.strip()) == (0, "warehouse: stopped")
        assert cli(first, "status").returncode == 1
        start = cli(second, "start")
        assert start.returncode == 0, start.stderr
        assert second.is_running()
        assert_port_taken(cli(first, "status"), port)
    finally:
        second.destroy()
        first.destroy()


def test_a_port_held_by_another_program_is_named(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        warehouse = Warehouse(data_dir=tmp_path / "warehouse", port=listener.getsockname()[1])
        assert warehouse.port_state() is PortState.FOREIGN
        assert_port_taken(cli(warehouse, "start"), warehouse.port)
        assert_port_taken(cli(warehouse, "status"), warehouse.port)
    assert not (warehouse.pgdata / "postmaster.pid").exists()
