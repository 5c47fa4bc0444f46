"""Document storage: what is put comes back byte for byte, in chunks, without sitting in memory.

On SQLite the bytes are files under PASSNUM_DATA_DIR/documents; on PostgreSQL they are rows of
document_chunk. The same stories run on both (PASSNUM_TEST_DATABASE_URL chooses).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from piccolo.engine.postgres import PostgresEngine

from passnum import storage
from passnum.storage.tables import Document, DocumentChunk
from tests.env import passnum_env

MB = 1000 * 1000
PIECE = 64 * 1024


@pytest.fixture
async def documents(db: None, tmp_path: Path) -> Iterator[Path]:
    """An empty data directory for this test's documents (SQLite keeps them there)."""
    with passnum_env(DATA_DIR=str(tmp_path)):
        yield tmp_path / "documents"


def on_postgres() -> bool:
    return isinstance(Document._meta.db, PostgresEngine)


def pattern(size: int, seed: int = 0) -> Iterator[bytes]:
    """``size`` bytes in pieces of 64 KiB, made as they are asked for, never all at once."""
    block = hashlib.sha256(str(seed).encode()).digest() * (PIECE // 32)
    sent = 0
    while sent < size:
        piece = block[: min(PIECE, size - sent)]
        sent += len(piece)
        yield piece


def sha256_of(pieces: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
    return digest.hexdigest()


async def stored_bytes(documents: Path) -> int:
    """What storage holds, in files (SQLite) or chunk rows (PostgreSQL)."""
    if on_postgres():
        rows = await DocumentChunk.raw(
            "SELECT coalesce(sum(length(data)), 0) AS n FROM document_chunk"
        )
        return int(rows[0]["n"])
    files = [f for f in documents.rglob("*") if f.is_file()]  # noqa: ASYNC240 - a test's tmp dir
    return sum(f.stat().st_size for f in files)


async def test_a_multi_chunk_document_comes_back_byte_for_byte(documents: Path) -> None:
    size = 3 * storage.CHUNK_SIZE + 12_345
    stored = await storage.put("essais/tirage-7.pdf", pattern(size), "application/pdf")
    assert stored.size == size and stored.sha256 == sha256_of(pattern(size))
    assert stored.content_type == "application/pdf"
    assert await storage.exists("essais/tirage-7.pdf")
    assert await storage.stat("essais/tirage-7.pdf") == stored

    opened = await storage.open("essais/tirage-7.pdf")
    chunks = [chunk async for chunk in opened]
    assert [len(c) for c in chunks] == [storage.CHUNK_SIZE] * 3 + [12_345]
    assert hashlib.sha256(b"".join(chunks)).hexdigest() == stored.sha256
    assert await stored_bytes(documents) == size

    assert await storage.delete("essais/tirage-7.pdf")
    assert not await storage.exists("essais/tirage-7.pdf")
    with pytest.raises(storage.DocumentNotFound) as missing:
        await storage.open("essais/tirage-7.pdf")
    assert missing.value.code == "document_not_found" and missing.value.status_code == 404
    assert await stored_bytes(documents) == 0
    assert not await storage.delete("essais/tirage-7.pdf")


async def test_putting_a_key_again_replaces_the_document(documents: Path) -> None:
    await storage.put("essais/relevé.csv".replace("é", "e"), [b"ancien"], "text/csv")
    newer = await storage.put("essais/releve.csv", (b"nou", b"veau"), "text/csv")
    opened = await storage.open("essais/releve.csv")
    assert b"".join([c async for c in opened]) == b"nouveau" and opened.document == newer
    assert await Document.count() == 1
    assert await stored_bytes(documents) == len(b"nouveau")


async def test_a_write_that_fails_halfway_leaves_nothing(documents: Path) -> None:
    def broken() -> Iterator[bytes]:
        yield from pattern(2 * storage.CHUNK_SIZE)
        raise RuntimeError("imprimante en panne")

    with pytest.raises(RuntimeError, match="imprimante en panne"):
        await storage.put("essais/panne.pdf", broken(), "application/pdf")
    assert not await storage.exists("essais/panne.pdf")
    assert await Document.count() == 0
    assert await stored_bytes(documents) == 0


async def test_a_function_writing_a_file_in_a_thread_is_stored_as_it_writes(
    documents: Path,
) -> None:
    def render(out) -> int:
        for piece in pattern(5 * MB, seed=3):
            out.write(piece)
        return 42

    stored, pages = await storage.write_with("essais/rendu.pdf", "application/pdf", render)
    assert pages == 42 and stored.size == 5 * MB
    assert stored.sha256 == sha256_of(pattern(5 * MB, seed=3))

    def failing(out) -> int:
        out.write(b"%PDF-1.4 " * 300_000)
        raise ValueError("police introuvable")

    with pytest.raises(ValueError, match="police introuvable"):
        await storage.write_with("essais/raté.pdf".replace("é", "e"), "application/pdf", failing)
    assert not await storage.exists("essais/rate.pdf")
    assert await stored_bytes(documents) == 5 * MB


async def test_a_40_mb_print_run_never_sits_in_memory(documents: Path) -> None:
    size = 40 * MB
    tracemalloc.start()
    try:
        stored = await storage.put("essais/gros-tirage.pdf", pattern(size), "application/pdf")
        written_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        async for chunk in await storage.open("essais/gros-tirage.pdf"):
            digest.update(chunk)
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stored.size == size and digest.hexdigest() == stored.sha256
    # A handful of 1 MiB chunks at most, against 40 MB of document.
    print(f"peaks: write {written_peak}, read {read_peak}")
    assert written_peak < 6 * MB, written_peak
    assert read_peak < 6 * MB, read_peak


INTERRUPTED_WRITER = """
import asyncio
from passnum import storage

async def pieces():
    yield b"%PDF" * storage.CHUNK_SIZE  # four chunks
    print("written", flush=True)
    await asyncio.sleep(600)

asyncio.run(storage.put("essais/interrompu.pdf", pieces(), "application/pdf"))
"""


def kill_while_writing(data_dir: Path) -> None:
    """Another process starts writing a document; it is killed (SIGKILL) in the middle."""
    env = {**os.environ, "PASSNUM_DATA_DIR": str(data_dir)}
    writer = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_WRITER], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "written\n"
    finally:
        writer.kill()
        writer.wait(timeout=30)


async def test_a_worker_killed_while_writing_leaves_nothing_behind(documents: Path) -> None:
    """A print job's worker can die mid-render (the job is then taken over): on PostgreSQL its
    rows go with its transaction; on disk its unfinished file is swept by a later write."""
    kill_while_writing(documents.parent)
    assert await Document.count() == 0 and await DocumentChunk.count() == 0
    if not on_postgres():
        [part] = [f for f in documents.rglob("*.part")]  # noqa: ASYNC240 - a test's tmp dir
        day_ago = time.time() - 25 * 3600
        os.utime(part, (day_ago, day_ago))
    await storage.put("essais/suivant.pdf", [b"%PDF-1.4"], "application/pdf")
    assert await stored_bytes(documents) == len(b"%PDF-1.4")


def test_keys_are_paths_of_plain_names() -> None:
    for bad in ("", "/abs", "a/../b", "a//b", ".cache/x", "~pending/x", "é", "a b"):
        with pytest.raises(ValueError):
            storage._check(bad)
    assert storage._check("vouchers/print-jobs/tirage-3-impression-5.pdf")
