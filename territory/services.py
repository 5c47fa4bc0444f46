"""Finding and checking communes: search by name or postcode, old codes to the current commune.

Every app that takes a commune from a person calls :func:`require_commune` (one) or
:func:`require_communes` (a list): an unknown code is refused with the stable code
``unknown_commune`` and a French message, and an old code comes back as its current commune.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from passnum.errors import DomainError
from passnum.fr import fold
from territory.departments import department_name
from territory.errors import refuse
from territory.tables import Commune, CommuneAlias, Epci

CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# "Coutances (50147)": what the suggestion list puts in the field; the code in brackets decides.
PICKED_RE = re.compile(r"\((\d{5}|2[AB]\d{3})\)\s*$")
COLUMNS = (Commune.code, Commune.name, Commune.postcodes, Commune.epci_code, Commune.department)


@dataclass(frozen=True)
class CommuneInfo:
    code: str
    name: str
    postcodes: tuple[str, ...]
    epci_code: str
    department: str
    epci_name: str = ""

    @property
    def label(self) -> str:
        """What the field shows once picked: "Coutances (50147)"."""
        return f"{self.name} ({self.code})"

    @property
    def whereabouts(self) -> str:
        """What tells it from its homonyms, as a person reads it: "50300, Manche"."""
        first_postcode = self.postcodes[0] if self.postcodes else ""
        return ", ".join(filter(None, [first_postcode, department_name(self.department)]))


def _info(row: dict, epci_names: dict[str, str] | None = None) -> CommuneInfo:
    return CommuneInfo(
        code=row["code"],
        name=row["name"],
        postcodes=tuple(row["postcodes"].split()),
        epci_code=row["epci_code"],
        department=row["department"],
        epci_name=(epci_names or {}).get(row["epci_code"], ""),
    )


async def _epci_names(codes: set[str]) -> dict[str, str]:
    codes.discard("")
    if not codes:
        return {}
    rows = await Epci.select(Epci.code, Epci.name).where(Epci.code.is_in(sorted(codes)))
    return {r["code"]: r["name"] for r in rows}


async def search(q: str, limit: int = 10, prefer: Collection[str] = ()) -> list[CommuneInfo]:
    """Communes matching what a person typed: a name (accents, hyphens and case ignored, names
    starting with it first, then the most populous), a postcode or its start, an INSEE code or an
    old code (its current commune). ``prefer``: départements whose communes come first for a name
    (the operator's own: « Saint » then suggests the Manche's Saint-Lô before Saint-Denis)."""
    text = fold(q)
    if not text:
        return []
    limit = max(1, min(limit, 50))
    compact = text.replace(" ", "")
    if compact.isdigit() or CODE_RE.match(q.strip().upper()):
        code = q.strip().upper()
        found = await find_communes([code]) if CODE_RE.match(code) else {}
        by_postcode = await (
            Commune.select(*COLUMNS)
            .where(Commune.postcodes.like(f"% {compact}%"))
            .order_by(Commune.population, ascending=False)
            .limit(limit)
        )
        # A postcode first (what people know), then the INSEE code or old code it may also be.
        hits = [_info(r) for r in by_postcode] + list(found.values())
    else:
        rows = await (
            Commune.select(*COLUMNS, Commune.search_name)
            .where(Commune.search_name.like(f"%{text}%"))
            .order_by(Commune.population, ascending=False)
            .limit(200)
        )
        if prefer:
            rows = [
                *await Commune.select(*COLUMNS, Commune.search_name)
                .where(
                    Commune.search_name.like(f"%{text}%") & Commune.department.is_in(sorted(prefer))
                )
                .order_by(Commune.population, ascending=False)
                .limit(200),
                *rows,
            ]
            rows = list({r["code"]: r for r in rows}.values())
        preferred = set(prefer)
        rows.sort(
            key=lambda r: (
                r["department"] not in preferred,
                not r["search_name"].startswith(text),
                r["search_name"] != text,
            )
        )
        old = (
            await CommuneAlias.select(CommuneAlias.commune_code)
            .where(CommuneAlias.search_name.like(f"{text}%"))
            .limit(limit)
        )
        hits = [_info(r) for r in rows[:limit]]
        if len(hits) < limit and old:
            extra = await find_communes([r["commune_code"] for r in old])
            hits += list(extra.values())
    unique = list({h.code: h for h in hits}.values())[:limit]
    names = await _epci_names({h.epci_code for h in unique})
    return [
        CommuneInfo(
            h.code, h.name, h.postcodes, h.epci_code, h.department, names.get(h.epci_code, "")
        )
        for h in unique
    ]


async def find_communes(codes: list[str]) -> dict[str, CommuneInfo]:
    """Each known code (current or old) → its current commune; unknown codes are left out."""
    wanted = sorted({c.strip().upper() for c in codes if c and c.strip()})
    if not wanted:
        return {}
    rows = await Commune.select(*COLUMNS).where(Commune.code.is_in(wanted))
    found = {r["code"]: _info(r) for r in rows}
    missing = [c for c in wanted if c not in found]
    if missing:
        old = await CommuneAlias.select(CommuneAlias.old_code, CommuneAlias.commune_code).where(
            CommuneAlias.old_code.is_in(missing)
        )
        if old:
            current = await Commune.select(*COLUMNS).where(
                Commune.code.is_in(sorted({r["commune_code"] for r in old}))
            )
            by_code = {r["code"]: _info(r) for r in current}
            for r in old:
                if r["commune_code"] in by_code:
                    found[r["old_code"]] = by_code[r["commune_code"]]
    return found


@dataclass(frozen=True)
class CommuneChoice:
    """A short choice among the communes a vague text names (« Saint »: thousands)."""

    communes: tuple[CommuneInfo, ...]  # at most the limit asked, in the order to show them
    total: int  # how many communes the text names
    starting: bool  # ``total`` counts names (or postcodes) starting with the text, else containing
    named: int  # how many communes are called exactly that (homonyms)


async def choose_commune(
    text: str,
    first_codes: Collection[str] = (),
    first_departments: Collection[str] = (),
    limit: int = 10,
) -> CommuneChoice:
    """The communes a person's text names, for them to pick one: those called exactly that first
    among equals, then names starting with it, the most populous first; but the communes of
    ``first_codes`` (where the operator has sites) before all, then those of
    ``first_departments`` (the operator's own), before the rest of France. Digits are a postcode
    or its start. With ``total``, a page says how many there are and asks for more."""
    folded = fold(text)
    compact = folded.replace(" ", "")
    if not folded:
        return CommuneChoice((), 0, True, 0)
    if compact.isdigit():
        starting_where = containing_where = Commune.postcodes.like(f"% {compact}%")
    else:
        starting_where = Commune.search_name.like(f"{folded}%")
        containing_where = Commune.search_name.like(f"%{folded}%")
    starting = await Commune.count().where(starting_where)
    total = starting or await Commune.count().where(containing_where)
    where = starting_where if starting else containing_where
    columns = (*COLUMNS, Commune.search_name, Commune.population)
    # The candidates: every one called exactly that, and the most populous of each tier (a tier
    # holds at most a few hundred; France's « Saint… » are 3,900, the Manche's 86).
    rows = await Commune.select(*columns).where(Commune.search_name == folded).limit(100)
    named = 0 if compact.isdigit() else len(rows)
    tiers: list[Any] = [None]
    if first_codes:
        tiers.append(Commune.code.is_in(sorted(first_codes)))
    if first_departments:
        tiers.append(Commune.department.is_in(sorted(first_departments)))
    for tier in tiers:
        query = Commune.select(*columns).where(where)
        if tier is not None:
            query = query.where(tier)
        rows += await query.order_by(Commune.population, ascending=False).limit(200)
    codes, departments = set(first_codes), set(first_departments)

    def rank(row: dict) -> tuple:
        return (
            row["code"] not in codes,
            row["department"] not in departments,
            row["search_name"] != folded,
            not row["search_name"].startswith(folded),
            -(row["population"] or 0),
            row["search_name"],
        )

    unique = {r["code"]: r for r in rows}.values()
    chosen = sorted(unique, key=rank)[: max(1, limit)]
    return CommuneChoice(tuple(_info(r) for r in chosen), total, bool(starting), named)


def unknown_commune(text: str, field: str, candidates: Sequence[CommuneInfo] = ()) -> DomainError:
    if candidates:
        listed = ", ".join(c.label for c in candidates[:5])
        return refuse("ambiguous_commune", _text=text, _listed=listed, field=field)
    return refuse("unknown_commune", _text=text, field=field)


async def require_commune(text: str, field: str = "insee_code") -> CommuneInfo | None:
    """The commune a person gave: an INSEE code (an old one gives its current commune), the
    picked label "Coutances (50147)", or a name or postcode naming exactly one commune (the form
    without JavaScript). Empty gives None; anything else is refused."""
    text = text.strip()
    if not text:
        return None
    picked = PICKED_RE.search(text)
    code = picked.group(1) if picked else text.upper()
    if CODE_RE.match(code):
        found = await find_communes([code])
        if code in found:
            return found[code]
        if not text.isdigit() or picked:
            raise unknown_commune(text, field)
    hits = await search(text, limit=6)
    exact = [h for h in hits if fold(h.name) == fold(text) or text in h.postcodes]
    if len(exact) == 1:
        return exact[0]
    if len(hits) == 1 and not text.isdigit():
        return hits[0]
    raise unknown_commune(text, field, exact or hits)


async def refuse_code_and_postcode(text: str, field: str) -> None:
    """Five digits typed in a box taking a name, a postcode or an INSEE code, that are one
    commune's INSEE code and other communes' postcode (50200: Ger's code, Coutances' postcode,
    60 km apart): refused naming them all, so that nobody is recorded in the wrong commune."""
    text = text.strip()
    if len(text) != 5 or not text.isdigit():
        return
    by_code = await find_communes([text])
    if text not in by_code:
        return
    others = [c for c in await search(text, limit=6) if text in c.postcodes and c.code != text]
    if others:
        raise unknown_commune(text, field, [by_code[text], *others])


async def require_communes(codes: list[str], field: str) -> list[CommuneInfo]:
    """Every code of a list known (old codes give their current commune), or the refusal naming
    the first unknown one."""
    found = await find_communes(codes)
    for code in codes:
        if code.strip() and code.strip().upper() not in found:
            raise unknown_commune(code.strip(), field)
    return list(
        {c.code: c for c in (found[c.strip().upper()] for c in codes if c.strip())}.values()
    )


async def commune_names(codes: list[str]) -> dict[str, str]:
    """Code → name, for showing communes by name (codes unknown are left out)."""
    return {code: c.name for code, c in (await find_communes(codes)).items()}


EPCI_RE = re.compile(r"^\d{9}$")


async def require_perimeter(codes: list[str], field: str) -> list[CommuneInfo]:
    """The communes of a perimeter given as INSEE codes (old ones too) and EPCI SIREN codes
    (9 digits: every member commune); an unknown commune or intercommunality is refused."""
    epcis = [c.strip() for c in codes if EPCI_RE.match(c.strip())]
    communes = await require_communes([c for c in codes if c.strip() not in epcis], field)
    if epcis:
        known = await Epci.select(Epci.code).where(Epci.code.is_in(epcis))
        missing = sorted(set(epcis) - {r["code"] for r in known})
        if missing:
            raise refuse("unknown_epci.perimeter", _code=missing[0], field=field)
        rows = await Commune.select(*COLUMNS).where(Commune.epci_code.is_in(epcis))
        communes += [_info(r) for r in rows]
    return list({c.code: c for c in communes}.values())


async def epci_names(codes: list[str]) -> dict[str, str]:
    """SIREN → name of the intercommunalities known (for showing them by name)."""
    return await _epci_names(set(codes))


@dataclass(frozen=True)
class EpciInfo:
    code: str  # SIREN
    name: str


async def require_epci(text: str, field: str = "epci") -> EpciInfo | None:
    """The intercommunality a person gave: its SIREN (9 digits), or a name naming exactly one
    (accents, hyphens and case ignored; "coutances mer" finds CC Coutances Mer et Bocage). Empty
    gives None; unknown or ambiguous is refused with a French message."""
    text = text.strip()
    if not text:
        return None
    if EPCI_RE.match(text):
        row = await Epci.select(Epci.code, Epci.name).where(Epci.code == text).first()
        if row:
            return EpciInfo(row["code"], row["name"])
    else:
        wanted = fold(text)
        rows = await Epci.select(Epci.code, Epci.name)
        hits = [EpciInfo(r["code"], r["name"]) for r in rows if wanted in fold(r["name"])]
        exact = [h for h in hits if fold(h.name) == wanted]
        if len(exact) == 1 or len(hits) == 1:
            return (exact or hits)[0]
        if hits:
            listed = ", ".join(sorted(h.name for h in hits)[:5])
            raise refuse("ambiguous_epci", _text=text, _listed=listed, field=field)
    raise refuse("unknown_epci", _text=text, field=field)


async def centres(codes: list[str]) -> dict[str, tuple[float, float]]:
    """Code → (latitude, longitude) of the communes that have a centre (current codes only)."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    rows = await Commune.select(Commune.code, Commune.latitude, Commune.longitude).where(
        Commune.code.is_in(wanted) & Commune.latitude.is_not_null()
    )
    return {r["code"]: (r["latitude"], r["longitude"]) for r in rows}
