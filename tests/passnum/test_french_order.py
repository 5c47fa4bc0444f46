"""Lists of places are in French alphabetical order on both databases, every accented letter
folded the same way in Python (passnum.fr.fold) and in SQL (passnum.db.french_sort_key)."""

from html import unescape

from organisations.tables import Organisation
from passnum.db import french_sort_key
from passnum.fr import FOLDS, fold, sort_key
from tests.factories import text_of


async def test_the_directory_sorts_every_accented_capital_and_ligature_in_french_order(client):
    # Î, Œ, Ö, Ÿ and the typographic apostrophe were left unfolded by SQLite's sort key, and Œ
    # by PostgreSQL's: those names came after z.
    communes = ["Ouistreham", "Île-Tudy", "Orbec", "Œuilly", "Ifs", "Ÿvré", "Öhlen", "Zutkerque"]
    await Organisation.insert(
        *(
            Organisation(name=f"Mairie d’{c}", commune=c, is_site=True, site_status="qualified")
            for c in communes
        )
    )
    page = unescape(text_of((await client.get("/lieux")).text))
    french = ["Ifs", "Île-Tudy", "Œuilly", "Öhlen", "Orbec", "Ouistreham", "Ÿvré", "Zutkerque"]
    assert sorted(communes, key=lambda c: page.index(f"Mairie d’{c}")) == french
    assert french == sorted(communes, key=sort_key)


async def test_the_sql_sort_key_is_passnum_fr_fold_for_every_letter_it_folds(db):
    letters = "".join(FOLDS)
    names = [letters[i : i + 40] for i in range(0, len(letters), 40)] + [
        "Saint-Lô",
        "L'Haÿ-les-Roses",
        "  Straße  Œuvre ",
        "e\u0301cole",
        "Ω-Δ 12",
    ]
    await Organisation.insert(*(Organisation(name=n) for n in names))
    rows = await Organisation.raw(
        f"SELECT name, {french_sort_key('name')} AS folded FROM organisation"  # noqa: S608 - our own SQL
    )
    assert {r["name"]: r["folded"] for r in rows} == {n: fold(n) for n in names}
    assert fold("  Straße  Œuvre ") == "strasse oeuvre"
