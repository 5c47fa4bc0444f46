"""A real `passnum serve` process on a fresh SQLite folder with the demo territory.

Migrating (35,000 communes) and loading the demo take longer than most tests, so both are done
once per run into template folders that every xdist worker shares; a test copies the one it needs
(`migrated_copy`, `demo_copy`) instead of running `passnum migrate` and `passnum demo` again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


class DataTemplates:
    """Two SQLite data folders built once per run, each when a test first needs it: ``migrated``
    after `passnum migrate` (also the schema of every worker's test database, see conftest's
    ``database``), ``demo`` after `passnum demo` on a copy of it. Under xdist whichever worker
    comes first builds one while the others wait on the lock."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def migrated(self) -> Path:
        return self._built("migrated", "migrate", start_from=None)

    @property
    def demo(self) -> Path:
        return self._built("demo", "demo", start_from=self.migrated)

    def copy(self, template: Path, to: Path) -> Path:
        """A private copy of a template folder (never write to the template itself)."""
        shutil.copytree(template, to, dirs_exist_ok=True)
        return to

    def _built(self, name: str, command: str, start_from: Path | None) -> Path:
        folder, ready = self.root / f"template-{name}", self.root / f"template-{name}.ready"
        if ready.exists():
            return folder
        with (self.root / "templates.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not ready.exists():
                shutil.rmtree(folder, ignore_errors=True)  # left by a failed attempt
                if start_from is not None:
                    shutil.copytree(start_from, folder)
                folder.mkdir(exist_ok=True)
                ours = ("PICCOLO_", "PASSNUM_")
                env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
                env["PASSNUM_GEOCODER_URL"] = "off"  # the demo queues no call to the national API
                subprocess.run(
                    [PASSNUM, command],
                    env=env | {"PASSNUM_DATA_DIR": str(folder)},
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
                ready.touch()
        return folder


@pytest.fixture(scope="session")
def data_templates(tmp_path_factory: pytest.TempPathFactory) -> DataTemplates:
    # Under xdist every worker's base folder sits in the run's own folder: the templates go there.
    base = tmp_path_factory.getbasetemp()
    return DataTemplates(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@pytest.fixture
def migrated_copy(data_templates: DataTemplates, tmp_path: Path) -> Path:
    """A data folder of this test's own with the schema and the communes, and no one in it."""
    return data_templates.copy(data_templates.migrated, tmp_path / "data")


@pytest.fixture
def demo_copy(data_templates: DataTemplates, tmp_path: Path) -> Path:
    """A data folder of this test's own with the demo territory loaded."""
    return data_templates.copy(data_templates.demo, tmp_path / "data")


@contextmanager
def serving_the_demo(
    data_templates: DataTemplates, folder: Path, smtp: SmtpServer
) -> Iterator[LiveServer]:
    """`passnum serve` on a private copy of the demo in ``folder``, stopped on leaving. Its
    e-mails (invitations, reset links…) go to the tests' local SMTP server ``smtp``."""
    data_dir = data_templates.copy(data_templates.demo, folder)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("PICCOLO_CONF", "PASSNUM_DATABASE_URL")}
    env.update(
        PASSNUM_DATA_DIR=str(data_dir),
        PASSNUM_PUBLIC_URL=url,
        PASSNUM_SMTP_HOST=smtp.host,
        PASSNUM_SMTP_PORT=str(smtp.port),
        PASSNUM_SMTP_SENDER=SENDER,
        # The journeys log in dozens of times a minute from one address; the limit itself is
        # tested through the test client (tests/passnum/test_abuse_limits.py).
        PASSNUM_RATE_LOGIN_PER_MINUTE="1000",
        # A site a journey qualifies stays off the map: no call to the national address API.
        PASSNUM_GEOCODER_URL="off",
    )
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


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory,
    data_templates: DataTemplates,
    _smtp_controller: SmtpServer,
) -> Iterator[LiveServer]:
    """The browser journeys' server, one per xdist worker: a test reads the e-mails it sent by
    asking for ``smtp_server`` (``smtp_server.messages``). The journeys on one worker share its
    data, so a journey finds what it needs by searching, never by its place in a list."""
    folder = tmp_path_factory.mktemp("browser-data")
    with serving_the_demo(data_templates, folder, _smtp_controller) as server:
        yield server


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
