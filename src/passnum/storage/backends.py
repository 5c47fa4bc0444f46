"""Where document bytes go: files on disk (SQLite) or chunk rows in PostgreSQL.

Both keep the document's row in ``document``; :mod:`passnum.storage` is the interface.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import anyio
import anyio.to_thread

from passnum import clock, db
from passnum.settings import get_settings
from passnum.storage.tables import Document, DocumentChunk

CHUNK_SIZE = 1024 * 1024
PENDING = "~pending/"  # never a valid key: a document being written
PARTS = "en-cours"  # disk: files being written, beside the documents (same file system)
PART_MAX_AGE_SECONDS = 24 * 3600


class Digest(Protocol):
    def hexdigest(self) -> str: ...


class Backend(Protocol):
    async def put(
        self, key: str, chunks: AsyncIterator[bytes], content_type: str, digest: Digest
    ) -> dict[str, Any]: ...

    async def reader(self, row: dict[str, Any]) -> AsyncIterator[bytes] | None: ...

    async def delete(self, row: dict[str, Any]) -> None: ...


def documents_dir() -> Path:
    return get_settings().data_dir / "documents"


async def _publish(values: dict[str, Any], pending_id: int | None) -> list[dict[str, Any]]:
    """Give the complete document its key, removing the one it replaces; the rows removed."""
    key = values["key"]
    async with db.write_transaction():
        replaced = await Document.select(Document.id, Document.location).where(Document.key == key)
        await Document.delete().where(Document.key == key)
        if pending_id is None:
            await Document.insert(Document(**values))
        else:
            # Piccolo's update() wants dict[Column | str, Any] (invariant) where a Mapping would do.
            await Document.update(values).where(Document.id == pending_id)  # pyright: ignore[reportArgumentType]
    return replaced


async def _row(key: str) -> dict[str, Any]:
    row = await Document.select().where(Document.key == key).first()
    assert row is not None  # just published
    return row


def _sweep_parts() -> None:
    """Remove files left half-written by a process that died (a day old: no write lasts that
    long), and make sure the folder of files being written exists."""
    folder = documents_dir() / PARTS
    folder.mkdir(parents=True, exist_ok=True)
    stale = clock.real_utc_now().timestamp() - PART_MAX_AGE_SECONDS
    for part in folder.glob("*.part"):
        if part.stat().st_mtime < stale:
            part.unlink(missing_ok=True)


class Disk:
    """One file per document under ``{data_dir}/documents/ab/abcdef…`` (a random name), written
    first as ``documents/en-cours/abcdef….part`` then moved into place."""

    async def put(
        self, key: str, chunks: AsyncIterator[bytes], content_type: str, digest: Digest
    ) -> dict[str, Any]:
        name = uuid.uuid4().hex
        location = f"{name[:2]}/{name}"
        path = documents_dir() / location
        part = documents_dir() / PARTS / f"{name}.part"
        await anyio.Path(path.parent).mkdir(parents=True, exist_ok=True)
        await anyio.to_thread.run_sync(_sweep_parts)
        size = 0
        try:
            async with await anyio.open_file(part, "wb") as out:
                async for chunk in chunks:
                    await out.write(chunk)
                    size += len(chunk)
                await out.flush()
                await anyio.to_thread.run_sync(os.fsync, out.wrapped.fileno())
            await anyio.Path(part).rename(path)
            values = {
                "key": key,
                "content_type": content_type,
                "size": size,
                "sha256": digest.hexdigest(),
                "location": location,
            }
            replaced = await _publish(values, pending_id=None)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.Path(part).unlink(missing_ok=True)
                await anyio.Path(path).unlink(missing_ok=True)
            raise
        for old in replaced:
            await self._remove(old["location"])
        return await _row(key)

    async def reader(self, row: dict[str, Any]) -> AsyncIterator[bytes] | None:
        try:
            file = await anyio.open_file(documents_dir() / row["location"], "rb")
        except FileNotFoundError:
            return None
        return self._read(file)

    @staticmethod
    async def _read(file: Any) -> AsyncIterator[bytes]:
        async with file:
            while chunk := await file.read(CHUNK_SIZE):
                yield chunk

    async def delete(self, row: dict[str, Any]) -> None:
        await Document.delete().where(Document.id == row["id"])
        await self._remove(row["location"])

    @staticmethod
    async def _remove(location: str) -> None:
        if location:
            await anyio.Path(documents_dir() / location).unlink(missing_ok=True)


class Database:
    """The bytes in ``document_chunk`` rows, ``CHUNK_SIZE`` each, written as they come."""

    async def put(
        self, key: str, chunks: AsyncIterator[bytes], content_type: str, digest: Digest
    ) -> dict[str, Any]:
        # One transaction from the first chunk to the key: a failure, or a worker that dies
        # mid-write, leaves no row behind (PostgreSQL rolls it back), and until it commits no one
        # else sees the document. It holds no lock others wait for but the replaced row's, briefly.
        async with db.write_transaction():
            pending = await Document.insert(
                Document(key=f"{PENDING}{uuid.uuid4().hex}", content_type=content_type)
            ).returning(Document.id)
            pending_id = pending[0]["id"]
            size = seq = 0
            async for chunk in chunks:
                await DocumentChunk.insert(DocumentChunk(document=pending_id, seq=seq, data=chunk))
                seq += 1
                size += len(chunk)
            values = {"key": key, "size": size, "sha256": digest.hexdigest()}
            await _publish(values, pending_id=pending_id)
        return await _row(key)

    async def reader(self, row: dict[str, Any]) -> AsyncIterator[bytes] | None:
        return self._read(row["id"])

    @staticmethod
    async def _read(document_id: int) -> AsyncIterator[bytes]:
        seq = 0
        while True:
            chunk = (
                await DocumentChunk.select(DocumentChunk.data)
                .where((DocumentChunk.document == document_id) & (DocumentChunk.seq == seq))
                .first()
            )
            if chunk is None:
                return
            yield chunk["data"]
            seq += 1

    async def delete(self, row: dict[str, Any]) -> None:
        await Document.delete().where(Document.id == row["id"])  # its chunks go with it


def current() -> Backend:
    """The database itself on PostgreSQL, the disk beside SQLite."""
    return Database() if db.is_postgres() else Disk()
