"""What deserves a look by staff, each signal with its evidence; every query is one GROUP BY."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from organisations.tables import Organisation, SiteStatus
from passnum import clock
from passnum.db import day_of, hour_of, sql_in, time_of, weekday_of
from passnum.fr import format_date, format_moment
from vouchers.choices import ON_SITE, SCAN_REDEEMED, SCAN_REVERSED, ChequeStatus

LIMIT = 50
OFFLINE_CONFLICTS = 3  # refused offline acceptances in the period that flag a site
# Scan results that are not refusals: what the burst signal leaves out.
SCANS_NOT_REFUSED = sql_in([SCAN_REDEEMED, SCAN_REVERSED])


@dataclass
class Signal:
    title: str
    explanation: str
    columns: list[str]
    rows: list[list[object]]


async def _raw(sql: str, *args: object) -> list[dict]:
    return await Organisation.raw(sql, *args)


# Raw queries give dates and timestamps as values on PostgreSQL and as ISO text on SQLite;
# staff read them as the French do (29/11/2026 à 15:48), never 2026-11-29 15:48:00.
def _day(value: date | datetime | str) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value)


def _moment(value: datetime | str | None) -> str:
    if value is None:
        return "jamais"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_moment(value)


def _hour(value: str) -> str:
    """'2026-11-29 14' (``hour_of``) -> '29/11/2026 de 14 h à 15 h'."""
    hour = int(value[11:13])
    return f"{_day(value)} de {hour} h à {(hour + 1) % 24} h"


async def signals(since: date, today: date | None = None) -> list[Signal]:
    today = today or clock.today()
    start = datetime.combine(since, datetime.min.time())
    same_day = await _raw(
        f"SELECT k.number AS booklet, o.name AS site, {day_of('c.redeemed_at')} AS day, "  # noqa: S608
        "count(*) AS n FROM cheque c JOIN booklet k ON k.id = c.booklet "
        f"JOIN organisation o ON o.id = c.site WHERE c.status = '{ChequeStatus.redeemed}' "
        "AND c.redeemed_at >= {} "
        f"GROUP BY k.number, o.name, {day_of('c.redeemed_at')} HAVING count(*) > 1 "
        f"ORDER BY 3 DESC LIMIT {LIMIT}",
        start,
    )
    outside = await _raw(
        "SELECT o.name AS site, c.redeemed_at AS at, k.number AS booklet FROM cheque c "  # noqa: S608
        "JOIN organisation o ON o.id = c.site JOIN booklet k ON k.id = c.booklet "
        f"WHERE c.status = '{ChequeStatus.redeemed}' AND c.place = '{ON_SITE}' "
        "AND c.redeemed_at >= {} "
        "AND EXISTS (SELECT 1 FROM opening_slot s WHERE s.organisation = c.site) "
        "AND NOT EXISTS (SELECT 1 FROM opening_slot s WHERE s.organisation = c.site "
        f"AND s.weekday = {weekday_of('c.redeemed_at')} AND s.opens <= {time_of('c.redeemed_at')} "
        f"AND s.closes >= {time_of('c.redeemed_at')}) ORDER BY c.redeemed_at DESC LIMIT {LIMIT}",
        start,
    )
    bursts = await _raw(
        f"SELECT u.email AS account, {hour_of('a.at')} AS hour, count(*) AS n "  # noqa: S608
        "FROM scan_attempt a JOIN piccolo_user u ON u.id = a.user "
        f"WHERE a.result NOT IN ({SCANS_NOT_REFUSED}) AND a.at >= {{}} "
        f"GROUP BY u.email, {hour_of('a.at')} HAVING count(*) >= 5 ORDER BY 3 DESC LIMIT {LIMIT}",
        start,
    )
    quiet = await _raw(
        "SELECT o.name AS site, max(c.redeemed_at) AS last FROM organisation o "  # noqa: S608 - constants from the owning apps' enums
        f"LEFT JOIN cheque c ON c.site = o.id AND c.status = '{ChequeStatus.redeemed}' "
        f"WHERE o.is_site AND o.site_status = '{SiteStatus.qualified}' GROUP BY o.id, o.name "
        "HAVING max(c.redeemed_at) IS NULL OR max(c.redeemed_at) < {} ORDER BY o.name",
        datetime.combine(today - timedelta(days=91), datetime.min.time()),
    )
    rarely = await _raw(
        "SELECT o.name AS prescriber, count(*) AS booklets, "
        "sum(CASE WHEN k.used_count = 0 THEN 1 ELSE 0 END) AS never FROM booklet k "
        "JOIN organisation o ON o.id = k.holder WHERE k.issued_at IS NOT NULL "
        "AND k.issued_at < {} GROUP BY o.name HAVING count(*) >= 5 "
        "AND 2 * sum(CASE WHEN k.used_count = 0 THEN 1 ELSE 0 END) >= count(*) ORDER BY o.name",
        datetime.combine(today - timedelta(days=60), datetime.min.time()),
    )
    # Offline acceptances the server refused (vouchers' offline review), per site.
    offline = await _raw(
        "SELECT o.name AS site, count(*) AS n, max(x.received_at) AS last FROM offline_scan x "  # noqa: S608 - constants only
        "JOIN organisation o ON o.id = x.site WHERE x.review <> '' AND x.received_at >= {} "
        f"GROUP BY o.name HAVING count(*) >= {OFFLINE_CONFLICTS} ORDER BY 2 DESC LIMIT {LIMIT}",
        start,
    )
    return [
        Signal(
            "Plusieurs chèques d'un carnet le même jour au même lieu",
            "Possible mais inhabituel : vérifiez qu'il s'agit bien de plusieurs séances.",
            ["Carnet", "Lieu", "Jour", "Chèques"],
            [[r["booklet"], r["site"], _day(r["day"]), r["n"]] for r in same_day],
        ),
        Signal(
            "Chèques encaissés sur place hors des permanences",
            "Le lieu a déclaré des horaires ; ces encaissements tombent en dehors.",
            ["Lieu", "Date et heure", "Carnet"],
            [[r["site"], _moment(r["at"]), r["booklet"]] for r in outside],
        ),
        Signal(
            "Rafales de codes refusés ou inconnus",
            "Cinq refus ou plus en une heure depuis un même compte.",
            ["Compte", "Heure", "Refus"],
            [[r["account"], _hour(r["hour"]), r["n"]] for r in bursts],
        ),
        Signal(
            "Lieux sans encaissement depuis trois mois",
            "Le lieu est-il toujours ouvert et connu des prescripteurs ?",
            ["Lieu", "Dernier encaissement"],
            [[r["site"], _moment(r["last"])] for r in quiet],
        ),
        Signal(
            "Prescripteurs dont les carnets sont peu utilisés",
            "Au moins la moitié des carnets remis il y a plus de 60 jours n'a jamais servi.",
            ["Prescripteur", "Carnets remis", "Jamais utilisés"],
            [[r["prescriber"], r["booklets"], r["never"]] for r in rarely],
        ),
        Signal(
            "Lieux dont les scans hors connexion sont souvent refusés",
            f"Au moins {OFFLINE_CONFLICTS} chèques acceptés sans réseau puis refusés au retour du "
            "réseau (déjà utilisés, annulés…) : voir les scans hors connexion à examiner.",
            ["Lieu", "Refus", "Dernier reçu"],
            [[r["site"], r["n"], _moment(r["last"])] for r in offline],
        ),
    ]
