"""Journey (b): a site agent redeems a cheque by typing its code, another with a USB scanner
(which types the whole QR URL then Enter), and sees a second attempt refused — keyboard only,
at 320 px wide, axe-checked, with a screenshot of each step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.browser.conftest import assert_accessible, log_in, shot

AGENT = "mairie.sainteny@demo.passnum.fr"


def valid_codes(live_server, count: int) -> list[str]:
    """Unused cheques of handed-out demo booklets still within their print run's dates (the demo
    also has a run whose validity has ended), read from the server's SQLite file."""
    path = Path(live_server.env["PASSNUM_DATA_DIR"]) / "passnum.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT c.code FROM cheque c JOIN booklet b ON c.booklet = b.id "
            "JOIN batch r ON b.batch = r.id "
            "WHERE b.status = 'issued' AND c.status = 'valid' AND r.valid_from <= date('now') "
            "AND date(r.valid_until, '+' || r.grace_days || ' days') > date('now', '+1 day') "
            "ORDER BY random() LIMIT ?",
            (count,),
        ).fetchall()
    assert len(rows) == count, "the demo has no unused cheque left"
    return [r[0] for r in rows]


def submit_with_enter(page) -> None:
    """Enter in the code field submits the form; wait for the answer page itself."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_site_agent_redeems_by_typing_then_with_a_usb_scanner(page, live_server):
    typed, scanned = valid_codes(live_server, 2)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, AGENT)
    assert_accessible(page)
    shot(page, "lieu-1-accueil")

    page.get_by_role("link", name="Scanner un chèque pass numérique").click()
    page.wait_for_load_state()
    assert "Scanner un chèque" in page.text_content("h1")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "lieu-2-scanner")

    # Typing the code by hand, keyboard only: the field has the focus, Enter submits.
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.press("Tab")  # to the activity radios: arrow keys choose "Atelier"
    page.keyboard.press("ArrowDown")
    page.locator("#code").focus()
    page.keyboard.type("-".join(typed[i : i + 4] for i in range(0, 16, 4)).lower())
    submit_with_enter(page)
    result = page.locator("#resultat")
    assert result.get_attribute("data-result") == "redeemed"
    assert "Chèque accepté" in result.text_content()
    assert page.locator("input[name=activity][value=workshop]").is_checked()
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "lieu-3-accepte-saisi")

    # The USB scanner types the whole QR URL, then Enter, into the focused field.
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.type(f"{live_server.url}/c/{scanned}")
    submit_with_enter(page)
    assert page.locator("#resultat").get_attribute("data-result") == "redeemed"
    assert page.locator("input[name=activity][value=workshop]").is_checked()
    assert scanned[:4] in page.text_content("table")
    assert_accessible(page)
    shot(page, "lieu-4-accepte-douchette")

    # Scanning the same cheque again is refused, in red, with the reason and what to do.
    page.keyboard.type(f"{live_server.url}/c/{scanned}")
    submit_with_enter(page)
    refused = page.locator("#resultat")
    assert refused.get_attribute("data-result") == "already_redeemed"
    assert "déjà été utilisé" in refused.text_content()
    assert "À faire" in refused.text_content()
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "lieu-5-refuse-deja-utilise")


def test_a_phone_camera_opens_the_cheque_page(page, live_server):
    (code,) = valid_codes(live_server, 1)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/c/{code}")
    assert "Valable" in page.text_content("main")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "cheque-public")
    page.goto("/c/ABCD-EFGH")
    assert "Code mal saisi" in page.text_content("[role=alert]")
    assert_accessible(page)
    shot(page, "cheque-mal-saisi")


ADVISER = "conseiller.itinerant@demo.passnum.fr"
ADVISER_SITES = (
    "Mairie de Terre-et-Marais",
    "Mairie de Cherbourg-en-Cotentin",
    "Mairie de Coutances",
)


def _site_of_the_hour(live_server) -> str:
    """The adviser's site whose opening slot is happening now (Paris time, the server's clock),
    else their first membership's: what the scanner should pre-select."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(ZoneInfo("Europe/Paris"))
    path = Path(live_server.env["PASSNUM_DATA_DIR"]) / "passnum.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT o.name, s.opens, s.closes FROM opening_slot s "
            "JOIN organisation o ON o.id = s.organisation "
            "WHERE s.weekday = ? AND o.name IN (?, ?, ?) "
            "ORDER BY o.id",
            (now.weekday(), *ADVISER_SITES),
        ).fetchall()
    moment = now.strftime("%H:%M:%S")
    open_now = [name for name, opens, closes in rows if opens <= moment < closes]
    return open_now[0] if open_now else ADVISER_SITES[0]


def _chosen_site(page) -> str:
    return page.locator("#site_id option:checked").text_content().strip()


def test_the_itinerant_adviser_scans_at_each_of_their_three_sites(page, live_server):
    """Issue 16: the adviser holding permanences in three town halls finds the site of the
    current slot chosen, and scans at each site by choosing it in « Votre lieu »."""
    codes = valid_codes(live_server, 3)
    expected = _site_of_the_hour(live_server)
    log_in(page, ADVISER)
    page.goto("/scanner")
    assert _chosen_site(page) in (expected, _site_of_the_hour(live_server))
    assert_accessible(page)
    for site, code in zip(ADVISER_SITES, codes, strict=True):
        page.get_by_label("Votre lieu").select_option(label=site)
        page.locator("#code").fill(code)
        submit_with_enter(page)
        assert page.locator("#resultat").get_attribute("data-result") == "redeemed"
        assert _chosen_site(page) == site, "the site chosen holds for the next scans"
    shot(page, "conseiller-itinerant-trois-lieux")

    path = Path(live_server.env["PASSNUM_DATA_DIR"]) / "passnum.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        where = dict(
            db.execute(
                "SELECT c.code, o.name FROM cheque c JOIN organisation o ON o.id = c.site "
                "WHERE c.code IN (?, ?, ?)",
                codes,
            ).fetchall()
        )
    assert [where[c] for c in codes] == list(ADVISER_SITES)
