"""The tables of document storage (see :mod:`passnum.storage`)."""

from __future__ import annotations

from piccolo.columns import BigInt, Bytea, ForeignKey, Integer, Serial, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Document(Table):
    """One stored document: its key, what it is and, on disk, where its bytes are.

    A document being written has a ``~pending/…`` key until it is complete; its final key is set
    in the same transaction that removes the document it replaces.
    """

    id: Serial
    key = Varchar(length=300, unique=True)
    content_type = Varchar(length=100)
    size = BigInt(default=0)
    sha256 = Varchar(length=64, default="")
    location = Varchar(length=100, default="")  # disk: path under {data_dir}/documents


class DocumentChunk(Table):
    """On PostgreSQL, a document's bytes: ``seq`` 0, 1, 2… of at most one chunk each."""

    id: Serial
    document = ForeignKey(references=Document, on_delete=OnDelete.cascade, index=True)
    seq = Integer()
    data = Bytea()
