"""A real `passnum serve` process on a fresh SQLite folder with the demo territory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.smtp_server import SENDER, SmtpServer

PASSNUM = Path(sys.executable).with_name("passnum")


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]

    def passnum(self, *args: str) -> str:
        """Run a `passnum` command against this server's data; its standard output."""
        result = subprocess.run(
            [PASSNUM, *args], env=self.env, check=True, capture_output=True, text=True, timeout=300
        )
        return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, _smtp_controller: SmtpServer
) -> Iterator[LiveServer]:
    """Its e-mails (invitations, reset links…) go to the tests' local SMTP server: a test asks
    for ``smtp_server`` and reads them in ``smtp_server.messages``."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("PICCOLO_CONF", "PASSNUM_DATABASE_URL")}
    env.update(
        PASSNUM_DATA_DIR=str(data_dir),
        PASSNUM_PUBLIC_URL=url,
        PASSNUM_SMTP_HOST=_smtp_controller.host,
        PASSNUM_SMTP_PORT=str(_smtp_controller.port),
        PASSNUM_SMTP_SENDER=SENDER,
    )
    for command in (["migrate"], ["demo"]):
        subprocess.run([PASSNUM, *command], env=env, check=True, capture_output=True, timeout=300)
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [PASSNUM, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_up(f"{url}/health", process, data_dir / "server.log")
        yield LiveServer(url, env)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "passnum serve exited early:\n" + log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within 60 s")


@pytest.fixture(scope="session")
def server(live_server: LiveServer) -> str:
    return live_server.url
