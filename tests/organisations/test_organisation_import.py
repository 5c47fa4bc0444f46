"""Staff import organisations and sites from a spreadsheet (French Excel CSV): all rows or none,
every rejected row named by its line with a French reason, the same rules as creating one by hand
(SIRET, RNA, phone, official commune, no formula, no qualified site without SIRET or RNA), and
a site's bank details in force from the import."""

from __future__ import annotations

from html import unescape

from click.testing import CliRunner

from organisations.bank_details import bank_details_in_force
from organisations.tables import Organisation
from tests.factories import login, post_form, text_of

HEADER = (
    "nom;type;roles;siret;rna;representant_legal;adresse;code_postal;commune;telephone;email;"
    "services;iban;bic;titulaire_compte;regie"
)
GOOD = "\r\n".join(
    [
        HEADER,
        "Mairie de Lessay;mairie;Lieu qualifié;732 829 320 00074;;M. le maire;1 place de la "
        "Mairie;50430;Lessay;02 33 45 00 00;Mairie@Lessay.test;Aide aux démarches "
        "administratives;FR76 3000 6000 0112 3456 7890 189;AGRIFRPP882;Régie de recettes de "
        "Lessay;oui",
        "Les Amis du numérique;association;lieu, prescripteur;;W502001234;Mme Anne Leroy, "
        "présidente;;;Coutances;;;;;;;",
        "CCAS de Périers;CCAS;prescripteur;;;;;50190;Périers;;;;;;;",
        ";;;;;;;;;;;;;;;",  # an empty row Excel left: skipped
    ]
)


async def staff_headers(world):
    return {**await world.staff.bearer(), "Content-Type": "text/csv"}


async def test_staff_preview_then_import_organisations_and_sites(client, world):
    headers = await staff_headers(world)
    preview = await client.post(
        "/api/v1/organisations/import?preview=true", content=GOOD.encode("cp1252"), headers=headers
    )
    assert preview.status_code == 200, preview.text
    assert [r["name"] for r in preview.json()["valid"]] == [
        "Mairie de Lessay",
        "Les Amis du numérique",
        "CCAS de Périers",
    ]
    assert preview.json()["rejected"] == [] and preview.json()["imported"] == 0
    assert not await Organisation.exists().where(Organisation.name == "Mairie de Lessay")

    done = await client.post(
        "/api/v1/organisations/import", content=GOOD.encode("cp1252"), headers=headers
    )
    assert done.status_code == 200, done.text
    assert done.json()["imported"] == 3
    lessay = await Organisation.objects().get(Organisation.name == "Mairie de Lessay")
    assert (lessay.is_site, lessay.site_status, lessay.siret) == (
        True,
        "qualified",
        "73282932000074",
    )
    assert (lessay.phone, lessay.email, lessay.insee_code) == (
        "+33233450000",
        "mairie@lessay.test",
        "50267",
    )
    assert lessay.services == "Aide aux démarches administratives"
    details = await bank_details_in_force(lessay.id)
    assert details and (details.iban, details.regie, details.holder) == (
        "FR7630006000011234567890189",
        True,
        "Régie de recettes de Lessay",
    )
    amis = await Organisation.objects().get(Organisation.name == "Les Amis du numérique")
    assert (amis.rna, amis.is_site, amis.is_prescriber, amis.site_status) == (
        "W502001234",
        True,
        True,
        "qualified",
    )
    assert amis.commune == "Coutances" and amis.insee_code == "50147"
    ccas = await Organisation.objects().get(Organisation.name == "CCAS de Périers")
    assert (ccas.is_site, ccas.is_prescriber, ccas.insee_code) == (False, True, "50394")

    again = await client.post(
        "/api/v1/organisations/import", content=GOOD.encode(), headers=headers
    )
    assert again.status_code == 422
    reasons = {r["line"]: r["reason"] for r in again.json()["rejected"]}
    assert sorted(reasons) == [2, 3, 4] and "existe déjà" in reasons[2]


async def test_one_bad_row_and_nothing_is_imported_every_rejected_line_said_in_french(
    client, world
):
    bad = "\r\n".join(
        [
            HEADER,
            "Mairie A;mairie;lieu;12345678901234;;;;;;;;;;;;",  # 2 bad SIRET
            "=HYPERLINK(1);mairie;prescripteur;;;;;;;;;;;;;",  # 3 formula
            "Mairie C;mairie;lieu;;;;;;;;;;;;;",  # 4 site without SIRET or RNA
            "Mairie D;mairie;lieu;73282932000074;;;;;;;;;;;;",  # 5 fine
            "Mairie E;mairie;lieu;73282932000074;;;;;;;;;;;;",  # 6 same SIRET as line 5
            "Mairie F;mairie;boulangerie;;;;;;;;;;;;;",  # 7 unknown role
            "Mairie G;mairie;prescripteur;;;;;;Atlantide;;;;;;;",  # 8 unknown commune
            "Mairie H;mairie;prescripteur;;;;;;;0000;;;;;;",  # 9 bad phone
            "Mairie I;mairie;lieu;55210055400013;;;;;;;;;FR76 3000;AGRIFRPP882;Mairie I;",  # 10
            "Mairie J;mairie;lieu;44306184100047;;;;;;;;;;;Mairie J;",  # 11 no IBAN but a holder
            "Mairie K;mairie;prescripteur;;;;;;;;;;;;;peut-être",  # 12 régie neither oui nor non
            "Mairie L;mairie;prescripteur",  # 13 too few cells
        ]
    )
    response = await client.post(
        "/api/v1/organisations/import", content=bad.encode(), headers=await staff_headers(world)
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "import_rejected" and "rien n'a été importé" in body["message"]
    reasons = {r["line"]: r["reason"] for r in body["rejected"]}
    assert sorted(reasons) == [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "SIRET" in reasons[2]
    assert "tableur" in reasons[3]
    assert "sans SIRET" in reasons[4]
    assert "doublon de la ligne 5" in reasons[6]
    assert "rôle inconnu « boulangerie »" in reasons[7]
    assert "Atlantide" in reasons[8]
    assert "téléphone" in reasons[9]
    assert "IBAN" in reasons[10]
    assert "IBAN" in reasons[11]
    assert "régie" in reasons[12]
    assert "colonnes au lieu de" in reasons[13]
    assert not await Organisation.exists().where(Organisation.name == "Mairie D")


async def test_a_file_without_a_name_column_is_explained(client, world):
    response = await client.post(
        "/api/v1/organisations/import?preview=true",
        content=b"a;b\n1;2\n",
        headers=await staff_headers(world),
    )
    assert response.status_code == 422
    assert "« nom »" in response.json()["message"]


async def test_the_import_page_previews_then_imports(client, world):
    await login(client, world.staff)
    form = await client.get("/staff/organisations/import")
    assert form.status_code == 200 and "representant_legal" in form.text
    files = {"file": ("organisations.csv", GOOD.encode("cp1252"), "text/csv")}
    preview = await post_form(client, "/staff/organisations/import", {}, files=files)
    assert preview.status_code == 200, preview.text
    assert "Importer ces 3 organisation(s)" in text_of(preview.text)
    assert not await Organisation.exists().where(Organisation.name == "Mairie de Lessay")
    done = await post_form(client, "/staff/organisations/import/confirm", {"csv_text": GOOD})
    assert "3 organisation(s) importée(s)" in text_of(done.text)
    assert await Organisation.exists().where(Organisation.name == "Mairie de Lessay")
    refused = await post_form(client, "/staff/organisations/import/confirm", {"csv_text": GOOD})
    assert refused.status_code == 422 and "rien n'a été importé" in unescape(text_of(refused.text))


def test_the_command_line_checks_a_file_without_importing_it(db, tmp_path):
    from organisations.cli import import_organisations

    path = tmp_path / "organisations.csv"
    path.write_bytes(GOOD.encode("cp1252"))
    dry = CliRunner().invoke(import_organisations, [str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "3 organisation(s) à importer" in dry.output
    path.write_bytes((HEADER + "\r\nMairie C;mairie;lieu;;;;;;;;;;;;;").encode())
    refused = CliRunner().invoke(import_organisations, [str(path)])
    assert refused.exit_code == 1 and "Ligne 2 refusée" in refused.output
