"""The directory as open data: every qualified site, in JSON and CSV, for anyone."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.response import Response

from organisations.opendata import open_data_csv_bytes, open_data_csv_row, open_data_records
from organisations.places import list_places
from organisations.schemas import OpenDataPlace
from passnum.auth import PUBLIC
from passnum.openapi_bodies import file_answer


@get("/lieux/donnees.json", opt=PUBLIC, tags=["annuaire"], summary="Lieux (schéma national)")
async def open_data_json() -> list[OpenDataPlace]:
    records = open_data_records(await list_places())
    return msgspec.convert(records, list[OpenDataPlace])


@get(
    "/lieux/donnees.csv",
    opt=PUBLIC,
    tags=["annuaire"],
    summary="Lieux en CSV (Excel)",
    operation_class=file_answer("text/csv"),
)
async def open_data_csv() -> Response[bytes]:
    rows = [open_data_csv_row(r) for r in open_data_records(await list_places())]
    return Response(
        open_data_csv_bytes(rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="lieux-mediation-numerique.csv"'},
    )
