"""A real local geocoder: addok (the engine of the national address API) on Redis, with a few
addresses of the Manche loaded, for the tests of the geocoder client and of sites' positions.

Ask for ``addok_server`` (its base URL, and passnum's PASSNUM_GEOCODER_URL pointing at it for the
test). It starts once per test run (or xdist worker) and only when a test asks for it, with a
``redis-server`` of its own (Debian's, ``make system-deps``) on a free port, in memory, stopped at
the end: nothing is written to a Redis anyone else uses, and a fresh machine needs no Redis
service. (addok's own pytest plugin, which flushes Redis after every test, is off: pyproject's
``-p no:addok``.) The addresses are ``tests/data/addok-manche.jsonl``,
in the BAN's import format (streets with their house numbers, municipalities); their coordinates
are the ones the tests compare with.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.env import passnum_env

ADDRESSES = Path(__file__).parent / "data" / "addok-manche.jsonl"
ADDOK_REDIS_DBS = (0, 1)  # indexes, documents
IN_MEMORY = ("--save", "", "--appendonly", "no")
CONFIG = """
REDIS = {{"host": "127.0.0.1", "port": {port}, "indexes": {{"db": {indexes}}},
          "documents": {{"db": {documents}}}}}
FILTERS = ["type", "postcode", "citycode"]
LOG_DIR = {log_dir!r}
BATCH_WORKERS = 1
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers(port: int) -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _wait(check, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def _addok_health(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def _addok(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("addok")
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise RuntimeError("The geocoder tests need redis-server (Debian): make system-deps")
    port = _free_port()
    own_redis = subprocess.Popen(
        [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            *IN_MEMORY,
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    _wait(lambda: _redis_answers(port), "redis-server")
    config = folder / "addok_conf.py"
    indexes, documents = ADDOK_REDIS_DBS
    config.write_text(
        CONFIG.format(port=port, indexes=indexes, documents=documents, log_dir=str(folder)),
        "utf-8",
    )
    addok = [str(Path(sys.executable).with_name("addok")), "--config", str(config)]
    server = None
    try:
        subprocess.run([*addok, "batch", str(ADDRESSES)], check=True, capture_output=True)
        subprocess.run([*addok, "ngrams"], check=True, capture_output=True)
        http_port = _free_port()
        url = f"http://127.0.0.1:{http_port}"
        server = subprocess.Popen(
            [*addok, "serve", "--host", "127.0.0.1", "--port", str(http_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: _addok_health(url), "addok serve")
        yield url
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        own_redis.terminate()
        own_redis.wait(10)


@pytest.fixture
def addok_server(_addok: str) -> Iterator[str]:
    """The local addok's base URL; passnum's geocoder points at it for the test."""
    with passnum_env(GEOCODER_URL=_addok):
        yield _addok


def loaded(citycode: str, name: str, number: str = "") -> tuple[float, float]:
    """(latitude, longitude) of a street's house number, or of a municipality, as loaded."""
    for line in ADDRESSES.read_text("utf-8").splitlines():
        doc = json.loads(line)
        if doc["citycode"] == citycode and doc["name"] == name:
            point = doc["housenumbers"][number] if number else doc
            return point["lat"], point["lon"]
    raise KeyError((citycode, name, number))
