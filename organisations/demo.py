"""The demo territory, modelled on the Manche (seeds): idempotent, safe to load twice.

Organisations, sites with their opening slots, and one account per role; the other apps' demos
build on the :class:`DemoTerritory` it returns (composition.demo loads them in order).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from piccolo.apps.user.tables import BaseUser
from stdnum import iban as iban_number
from stdnum import luhn

from organisations.bank_details import insert_bank_details
from organisations.memberships import add_membership
from organisations.services import OrganisationInput, create_organisation, create_user
from organisations.tables import (
    BankDetailsEntry,
    LocationSource,
    Membership,
    OpeningSlot,
    Organisation,
)
from passnum.auth import Role
from passnum.clock import today
from passnum.db import write_transaction
from passnum.fr import de
from territory.services import centres

DEMO_SERVICES = {
    "mairie": "Aide aux démarches administratives\nMaîtrise des outils numériques du quotidien",
    "CMS": "Aide aux démarches administratives\nUtilisation sécurisée du numérique",
    "bibliothèque": "Accès internet et matériel informatique\nLoisirs et créations numériques",
}
# (commune, INSEE code, postcode); Terre-et-Marais is the 50th permanence (Sainteny).
COMMUNES = [
    ("Saint-Lô", "50502", "50000"),
    ("Cherbourg-en-Cotentin", "50129", "50100"),
    ("Coutances", "50147", "50200"),
    ("Avranches", "50025", "50300"),
    ("Granville", "50218", "50400"),
    ("Valognes", "50615", "50700"),
    ("Carentan-les-Marais", "50099", "50500"),
    ("Villedieu-les-Poêles-Rouffigny", "50639", "50800"),
    ("Pontorson", "50410", "50170"),
    ("Mortain-Bocage", "50359", "50140"),
    ("Périers", "50394", "50190"),
    ("Saint-Hilaire-du-Harcouët", "50484", "50600"),
    ("Torigny-les-Villes", "50601", "50160"),
    ("La Haye", "50236", "50250"),
    ("Brécey", "50074", "50370"),
    ("Saint-James", "50487", "50240"),
    ("Lessay", "50267", "50430"),
    ("Agon-Coutainville", "50003", "50230"),
    ("Bricquebec-en-Cotentin", "50082", "50260"),
    ("Les Pieux", "50402", "50340"),
    ("La Hague", "50041", "50440"),
    ("Barneville-Carteret", "50031", "50270"),
    ("Sainte-Mère-Église", "50523", "50480"),
    ("Percy-en-Normandie", "50393", "50410"),
    ("Gavray-sur-Sienne", "50197", "50450"),
    ("Cerisy-la-Salle", "50110", "50210"),
    ("Marigny-le-Lozon", "50292", "50570"),
    ("Tessy-Bocage", "50592", "50420"),
    ("Condé-sur-Vire", "50139", "50890"),
    ("Terre-et-Marais", "50564", "50500"),
]
# Demo sites stand near their commune's shipped centre (territory/data/centres.csv), each kind a
# few hundred metres apart so that their markers do not hide one another.
DEMO_OFFSETS = {"mairie": (0.0, 0.0), "CMS": (0.004, 0.003), "bibliothèque": (-0.003, -0.004)}
MORNING, AFTERNOON = (dt.time(9), dt.time(12)), (dt.time(14), dt.time(17))
# (weekday, hours): lundi matin, mardi après-midi, mercredi matin, jeudi après-midi, vendredi matin
SLOTS = [(0, MORNING), (1, AFTERNOON), (2, MORNING), (3, AFTERNOON), (4, MORNING)]
DEMO_PASSWORD = "demo-passnum"  # noqa: S105 - printed by `passnum demo`; refused in production


@dataclass
class DemoTerritory:
    operator_id: int = 0
    funder_ids: list[int] = field(default_factory=list)
    prescriber_ids: list[int] = field(default_factory=list)
    site_ids: list[int] = field(default_factory=list)
    borrower_ids: list[int] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def demo_siret(n: int) -> str:
    """A valid (Luhn) but fictitious SIRET for demo site number n."""
    siren = f"9990{n:04d}"
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


async def _organisation(data: OrganisationInput) -> int:
    existing = (
        await Organisation.select(Organisation.id).where(Organisation.name == data.name).first()
    )
    if existing:
        return existing["id"]
    # The demo places its sites itself: `make run` asks no geocoding service for them.
    return (await create_organisation(data, geocode=False)).id


async def _account(email: str, organisation_id: int, role: Role, territory: DemoTerritory) -> None:
    if not await BaseUser.exists().where(BaseUser.email == email):
        await create_user(email, DEMO_PASSWORD, organisation_id, role)
    territory.accounts.append((role.value, email, DEMO_PASSWORD))


async def load_territory() -> DemoTerritory:
    t = DemoTerritory()
    t.operator_id = await _organisation(
        OrganisationInput(
            name="Département de la Manche",
            kind="département",
            siret=demo_siret(0),
            address="98 route de Candol",
            commune="Saint-Lô",
            insee_code="50502",
            postcode="50000",
            phone="02 33 05 55 50",
            email="inclusion.numerique@manche.example",
            roles=["operator", "funder", "borrower"],
        )
    )
    t.funder_ids.append(t.operator_id)
    for name, kind, roles in [
        ("CAF de la Manche", "CAF", ["prescriber", "funder"]),
        ("CPAM de la Manche", "CPAM", ["prescriber", "funder"]),
        ("MSA Côtes Normandes", "MSA", ["prescriber"]),
        ("CCAS de Saint-Lô", "CCAS", ["prescriber"]),
    ]:
        org_id = await _organisation(
            OrganisationInput(
                name=name,
                kind=kind,
                commune="Saint-Lô",
                insee_code="50502",
                postcode="50000",
                roles=roles,
            )
        )
        t.prescriber_ids.append(org_id)
        if "funder" in roles:
            t.funder_ids.append(org_id)
    n = 0
    shipped = await centres([c[1] for c in COMMUNES])
    for i, commune in enumerate(COMMUNES):
        kinds = [("mairie", f"Mairie {de(commune[0])}")]
        if i < 10:
            kinds.append(("CMS", f"Centre médico-social {de(commune[0])}"))
        if 10 <= i < 20:
            kinds.append(("bibliothèque", f"Bibliothèque {de(commune[0])}"))
        for kind, name in kinds:
            n += 1
            slot = SLOTS[2] if commune[0] == "Terre-et-Marais" else SLOTS[n % len(SLOTS)]
            data = OrganisationInput(
                name=name,
                kind=kind,
                siret=demo_siret(n),
                address="Place de la Mairie",
                commune=commune[0],
                insee_code=commune[1],
                postcode=commune[2],
                phone="02 33 00 00 00",
                # Medico-social centres both prescribe booklets and host permanences.
                roles=["site", "prescriber"] if kind == "CMS" else ["site"],
                site_status="qualified",
            )
            org_id = await _organisation(data)
            # The site's catalogue, in the national schema's words (what the open data publishes).
            await Organisation.update({Organisation.services: DEMO_SERVICES[kind]}).where(
                (Organisation.id == org_id) & (Organisation.services == "")
            )
            if not await OpeningSlot.exists().where(OpeningSlot.organisation == org_id):
                weekday, (opens, closes) = slot
                await OpeningSlot(
                    organisation=org_id, weekday=weekday, opens=opens, closes=closes
                ).save()
            await _bank_details(org_id, n, kind, name)
            if commune[1] in shipped:
                lat, lon = shipped[commune[1]]
                d_lat, d_lon = DEMO_OFFSETS[kind]
                await Organisation.update(
                    {
                        Organisation.latitude: round(lat + d_lat, 6),
                        Organisation.longitude: round(lon + d_lon, 6),
                        Organisation.location_source: LocationSource.demo.value,
                    }
                ).where((Organisation.id == org_id) & Organisation.latitude.is_null())
            t.site_ids.append(org_id)
    t.prescriber_ids.append(await _site_id("Centre médico-social de Coutances"))
    for commune in COMMUNES[26:29]:
        mairie = f"Mairie {de(commune[0])}"
        await Organisation.update({Organisation.is_borrower: True}).where(
            Organisation.name == mairie
        )
        t.borrower_ids.append(await _site_id(mairie))
    await _account("agent@demo.passnum.fr", t.operator_id, Role.staff, t)
    await _account("financeur@demo.passnum.fr", t.prescriber_ids[0], Role.funder, t)
    await _account("prescriptrice@demo.passnum.fr", t.prescriber_ids[4], Role.prescriber, t)
    await _account("ccas@demo.passnum.fr", t.prescriber_ids[3], Role.prescriber, t)
    await _account(
        "mairie.sainteny@demo.passnum.fr",
        await _site_id("Mairie de Terre-et-Marais"),
        Role.site_agent,
        t,
    )
    await _account(
        "bibliotheque.periers@demo.passnum.fr",
        await _site_id("Bibliothèque de Périers"),
        Role.site_agent,
        t,
    )
    # An itinerant digital adviser with permanences at three sites, and a medico-social centre's
    # agent who both hands out booklets (prescriber) and redeems cheques (site agent) there.
    adviser = [
        await _site_id(name)
        for name in (
            "Mairie de Terre-et-Marais",
            "Mairie de Cherbourg-en-Cotentin",
            "Mairie de Coutances",
        )
    ]
    await _account("conseiller.itinerant@demo.passnum.fr", adviser[0], Role.site_agent, t)
    for site in adviser[1:]:
        await _also("conseiller.itinerant@demo.passnum.fr", site, Role.site_agent)
    # The contact of a borrowing commune, who books the fleet for it (/emprunter).
    await _account("mairie.emprunteuse@demo.passnum.fr", t.borrower_ids[0], Role.borrower, t)
    cms = await _site_id("Centre médico-social de Coutances")
    await _account("cms.coutances@demo.passnum.fr", cms, Role.prescriber, t)
    await _also("cms.coutances@demo.passnum.fr", cms, Role.site_agent)
    return t


async def _also(email: str, organisation_id: int, role: Role) -> None:
    """One more membership for a demo account (kept as is when the demo is loaded again)."""
    user = await BaseUser.select(BaseUser.id).where(BaseUser.email == email).first()
    assert user is not None  # made by the demo just before
    if not await Membership.exists().where(
        (Membership.user == user["id"])
        & (Membership.organisation == organisation_id)
        & (Membership.role == role.value)
    ):
        await add_membership(user["id"], organisation_id, role)


def demo_iban(n: int) -> str:
    """A valid (RIB key and IBAN check digits) but fictitious French IBAN for demo site n."""
    bank, branch, account = "30001", "00064", f"{5000 + n:011d}"
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    return f"FR{iban_number.calc_check_digits('FR00' + bban)}{bban}"


DEMO_BANK_SINCE = dt.date(2023, 7, 1)  # the network's start in the Manche seeds


async def _bank_details(organisation_id: int, n: int, kind: str, name: str) -> None:
    """Approved bank details for every demo site (town halls through their régie), and one change
    waiting for staff at Périers' library (kept as they are when the demo is loaded again)."""
    if await BankDetailsEntry.exists().where(BankDetailsEntry.organisation == organisation_id):
        return
    regie = kind == "mairie"
    holder = f"Régie de recettes — {name}" if regie else name
    async with write_transaction():
        await insert_bank_details(
            None,
            organisation_id,
            iban=demo_iban(n),
            bic="BDFEFRPPCCT" if regie else "AGRIFRPP866",
            holder=holder,
            valid_from=DEMO_BANK_SINCE,
            regie=regie,
            approved=True,
        )
        if name == "Bibliothèque de Périers":
            await insert_bank_details(
                None,
                organisation_id,
                iban=demo_iban(n + 1000),
                bic="CCBPFRPPCAE",
                holder=name,
                valid_from=today(),
                approved=False,
            )


async def _site_id(name: str) -> int:
    row = await Organisation.select(Organisation.id).where(Organisation.name == name).first()
    assert row is not None  # made by the demo just before
    return row["id"]
