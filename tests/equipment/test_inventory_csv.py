"""Taking over an existing spreadsheet: preview, rejected rows with reasons, all or nothing."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.equipment.conftest import Fleet

GOOD = (
    "type;marque;modele;numero_serie;numero_inventaire;valeur_declaree;accessoires;date_achat;"
    "statut;notes\r\n"
    "Tablette;Samsung;Galaxy Tab A8;R9-001;;229,90;chargeur, housse;15/03/2024;;Valise 1\r\n"
    "ordinateur portable;Lenovo;ThinkPad E14;PF-002;MAN-00500;1 099,00;chargeur;2023-09-01;"
    "Disponible;\r\n"
    "Borne 4G;Huawei;E5783;HW-003;;89;;;Réformé;batterie HS\r\n"
)
BAD = GOOD + (
    "grille-pain;Moulinex;X;GP-004;;10;;;;\r\n"
    "tablette;Apple;iPad;R9-001;;300;;;;\r\n"
    "tablette;Apple;iPad;IP-006;;trois cents;;;;\r\n"
    "tablette;Apple;iPad;SN-0000;;300;;32/13/2020;;\r\n"
)


async def test_preview_then_import_a_clean_spreadsheet(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = {**await fleet.world.staff.bearer(), "Content-Type": "text/csv"}
    preview = await client.post(
        "/api/v1/inventory/import?preview=true", content=GOOD.encode("cp1252"), headers=headers
    )
    assert preview.status_code == 200, preview.text
    assert len(preview.json()["valid"]) == 3 and preview.json()["rejected"] == []
    assert (await client.get("/api/v1/items?q=R9-001", headers=headers)).json() == []

    done = await client.post("/api/v1/inventory/import", content=GOOD.encode(), headers=headers)
    assert done.json()["imported"] == 3
    tablet = (await client.get("/api/v1/items?q=R9-001", headers=headers)).json()[0]
    assert tablet["declared_value_cents"] == 22_990
    assert tablet["accessories"] == ["chargeur", "housse"]
    assert tablet["purchase_date"] == "2024-03-15"
    assert tablet["asset_tag"] == "MAN-00005"
    assert (await client.get("/api/v1/items/MAN-00500", headers=headers)).json()["model"] == (
        "ThinkPad E14"
    )
    hotspot = (await client.get("/api/v1/items?q=HW-003", headers=headers)).json()[0]
    assert hotspot["status"] == "retired"


async def test_one_bad_row_and_nothing_is_imported(client: AsyncTestClient, fleet: Fleet) -> None:
    headers = {**await fleet.world.staff.bearer(), "Content-Type": "text/csv"}
    response = await client.post("/api/v1/inventory/import", content=BAD.encode(), headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "import_rejected"
    reasons = {r["line"]: r["reason"] for r in body["rejected"]}
    assert sorted(reasons) == [5, 6, 7, 8]
    assert "type inconnu" in reasons[5]
    assert "doublon de la ligne 2" in reasons[6]
    assert "valeur déclarée illisible" in reasons[7]
    assert "date d'achat illisible" in reasons[8]
    assert (await client.get("/api/v1/items?q=R9-001", headers=headers)).json() == []


async def test_a_file_without_the_expected_header_is_explained(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = {**await fleet.world.staff.bearer(), "Content-Type": "text/csv"}
    response = await client.post(
        "/api/v1/inventory/import?preview=true", content=b"a;b\n1;2\n", headers=headers
    )
    assert response.status_code == 422
    assert "numero_serie" in response.json()["message"]


async def test_export_opens_in_french_excel(client: AsyncTestClient, fleet: Fleet) -> None:
    headers = await fleet.world.staff.bearer()
    response = await client.get("/api/v1/inventory/export.csv", headers=headers)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("type;marque;modele;numero_serie")
    assert lines[1].split(";")[:6] == [
        "Ordinateur portable",
        "Lenovo",
        "ThinkPad E14",
        "SN-0000",
        fleet.tags[0],
        "499,00",
    ]
    reimported = await client.post(
        "/api/v1/inventory/import?preview=true",
        content=response.content,
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert {r["reason"] for r in reimported.json()["rejected"]} == {
        f"Le numéro de série SN-000{n} existe déjà." for n in range(4)
    }


UNCLOSED_QUOTE = GOOD + (
    "tablette;Apple;iPad;IP-004;;300;;;;\"rayure à l'écran\r\n"
    "tablette;Apple;iPad;IP-005;;300;;;;\r\n"
    "tablette;Apple;iPad;IP-006;;300;;;;\r\n"
)


async def test_an_unterminated_quote_rejects_the_file_with_its_line(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    """Issue 14, item 9: the quote swallowed the next rows into one item's notes (6 rows in,
    1 item created, no warning)."""
    headers = {**await fleet.world.staff.bearer(), "Content-Type": "text/csv"}
    for url in ("/api/v1/inventory/import?preview=true", "/api/v1/inventory/import"):
        response = await client.post(url, content=UNCLOSED_QUOTE.encode(), headers=headers)
        assert response.status_code in (200, 422), response.text
        rejected = {r["line"]: r["reason"] for r in response.json()["rejected"]}
        assert list(rejected) == [5], rejected
        assert "guillemet" in rejected[5]
    assert response.status_code == 422 and response.json()["error"] == "import_rejected"
    assert (await client.get("/api/v1/items?q=IP-00", headers=headers)).json() == []
    assert (await client.get("/api/v1/items?q=R9-001", headers=headers)).json() == []


async def test_a_row_with_too_many_or_too_few_cells_is_rejected_with_its_line(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = {**await fleet.world.staff.bearer(), "Content-Type": "text/csv"}
    shifted = GOOD + (
        "tablette;Apple;iPad;IP-007;;300;;;;notes;en trop\r\n"
        'tablette;Apple;iPad;IP-008;;"sur\r\ndeux lignes";;;;\r\n'
        "tablette;Apple;iPad;IP-009\r\n"
    )
    response = await client.post(
        "/api/v1/inventory/import", content=shifted.encode(), headers=headers
    )
    assert response.status_code == 422, response.text
    rejected = {r["line"]: r["reason"] for r in response.json()["rejected"]}
    assert sorted(rejected) == [5, 6, 8], rejected
    assert "11 colonnes au lieu de 10" in rejected[5]
    assert "valeur déclarée illisible" in rejected[6]
    assert "4 colonnes au lieu de 10" in rejected[8]
