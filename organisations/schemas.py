"""JSON shapes of the organisations and accounts API."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from passnum import clock


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    kind: str = "association"
    siret: str | None = None
    address: str = ""
    commune: str = ""
    insee_code: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    roles: list[str] = msgspec.field(default_factory=list)
    site_status: str = ""  # a site is qualified by default: it then needs a SIRET or an RNA number
    rna: str | None = None  # an association without SIRET: W followed by 9 digits
    legal_representative: str = ""


class Organisation(msgspec.Struct):
    id: int
    name: str
    kind: str
    siret: str | None
    address: str
    commune: str
    insee_code: str
    postcode: str
    phone: str
    email: str
    roles: list[str]
    site_status: str
    rna: str | None = None
    legal_representative: str = ""
    typology: list[str] = msgspec.field(default_factory=list)
    services: list[str] = msgspec.field(default_factory=list)
    publics: list[str] = msgspec.field(default_factory=list)
    website: str = ""
    acceslibre_url: str = ""
    appointment_url: str = ""
    suspension_reason: str = ""
    suspended_from: date | None = None
    # Its position on the map (WGS 84) and who gave it: "", geocoder, staff, demo.
    latitude: float | None = None
    longitude: float | None = None
    location_source: str = ""


class OrganisationPatch(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change; those left out keep their value. Site agents: public details only."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    address: str | msgspec.UnsetType = msgspec.UNSET
    postcode: str | msgspec.UnsetType = msgspec.UNSET
    commune: str | msgspec.UnsetType = msgspec.UNSET
    insee_code: str | msgspec.UnsetType = msgspec.UNSET
    siret: str | msgspec.UnsetType | None = msgspec.UNSET
    rna: str | msgspec.UnsetType | None = msgspec.UNSET
    legal_representative: str | msgspec.UnsetType = msgspec.UNSET
    typology: list[str] | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    website: str | msgspec.UnsetType = msgspec.UNSET
    services: list[str] | msgspec.UnsetType = msgspec.UNSET
    publics: list[str] | msgspec.UnsetType = msgspec.UNSET
    acceslibre_url: str | msgspec.UnsetType = msgspec.UNSET
    appointment_url: str | msgspec.UnsetType = msgspec.UNSET


class SuspensionIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    start: date | None = msgspec.field(default=None, name="from")


class SiteStatusOut(msgspec.Struct):
    organisation: Organisation
    site_notified_by_email: bool


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    """A person to invite: no password, they choose it through the invitation link."""

    email: str
    organisation_id: int
    role: str
    first_name: str = ""
    last_name: str = ""


class Membership(msgspec.Struct):
    organisation_id: int
    organisation_name: str
    role: str
    id: int | None = None  # the membership's id (DELETE /api/v1/users/{id}/memberships/{id})


class MembershipIn(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: int
    role: str


class User(msgspec.Struct):
    id: int
    email: str
    active: bool
    memberships: list[Membership]


class InvitedUser(User):
    invitation_sent: bool  # the link goes by e-mail (queued; retried while the relay is down)
    invitation_link: str | None  # given only when it was not sent, to pass on by hand


class Me(msgspec.Struct):
    id: int
    email: str
    name: str
    memberships: list[Membership]


class SiteApplicationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    contact_email: str
    iban: str
    bic: str
    account_holder: str
    charter_accepted: bool = False
    kind: str = "association"
    siret: str | None = None
    rna: str | None = None
    legal_representative: str = ""
    address: str = ""
    postcode: str = ""
    commune: str = ""
    insee_code: str = ""
    phone: str = ""
    email: str = ""
    contact_first_name: str = ""
    contact_last_name: str = ""
    services: list[str] = msgspec.field(default_factory=list)
    opening_hours: str = ""


class SiteApplication(msgspec.Struct):
    id: int
    status: str
    name: str
    kind: str
    siret: str | None
    rna: str | None
    legal_representative: str
    address: str
    postcode: str
    commune: str
    insee_code: str
    phone: str
    email: str
    contact_first_name: str
    contact_last_name: str
    contact_email: str
    services: list[str]
    opening_hours: str
    iban: str
    bic: str
    account_holder: str
    decision_reason: str
    organisation_id: int | None
    invitation: str = ""
    charter_version: int | None = None  # the charter version accepted (None: the default text)


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: str
    reason: str = ""


class BankDetailsIn(msgspec.Struct, forbid_unknown_fields=True):
    """New bank details; ``valid_from`` today by default (a site's agents: not before today)."""

    iban: str
    bic: str
    holder: str
    valid_from: date | None = None
    regie: bool = False  # a public body paid through its régie


class BankDetails(msgspec.Struct, clock.WithOffsets):
    id: int
    organisation_id: int
    iban: str | None  # the whole IBAN, for staff only (null for everyone else)
    iban_masked: str  # FR76 **** **** **** **** ***0 189
    bic: str
    holder: str
    valid_from: date
    regie: bool
    status: str  # pending, approved, refused, superseded
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str
    organisation_name: str = ""


class BankDetailsHistory(msgspec.Struct):
    in_force: BankDetails | None  # what reimbursements are paid to today
    history: list[BankDetails]  # every version, the latest proposed first


class BankDetailsDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: str  # approve | refuse
    reason: str = ""


class ImportRejection(msgspec.Struct):
    line: int  # the file's line (the header is line 1)
    reason: str


class ImportedOrganisation(msgspec.Struct):
    line: int
    name: str
    roles: list[str]
    commune: str
    siret: str | None
    rna: str | None
    bank_details: bool  # a site's bank details given (recorded, approved, from the import day)


class OrganisationImportReport(msgspec.Struct):
    valid: list[ImportedOrganisation]
    rejected: list[ImportRejection]
    imported: int = 0  # 0 for a preview


class CharterIn(msgspec.Struct, forbid_unknown_fields=True):
    text: str  # paragraphs separated by a blank line


class CharterOut(msgspec.Struct, clock.WithOffsets):
    version: int | None  # None: the default text, not yet changed by staff
    text: str
    created_at: datetime | None


class OpenDataPlace(msgspec.Struct):
    """One place in the national "lieux de médiation numérique" schema (schema.data.gouv.fr),
    as /lieux/donnees.json gives it; lists are what the CSV joins with "|"."""

    id: str  # passnum-12
    pivot: str  # SIRET, or RNA
    nom: str
    commune: str
    code_postal: str
    code_insee: str
    adresse: str
    complement_adresse: str
    latitude: float | None
    longitude: float | None
    typologie: list[str]
    telephone: str  # +33…, or ""
    courriels: list[str]
    site_web: list[str]
    horaires: str  # OpenStreetMap opening_hours
    presentation_resume: str
    presentation_detail: str
    source: str
    itinerance: list[str]
    structure_parente: str
    date_maj: str  # 2026-11-29
    services: list[str]
    publics_specifiquement_adresses: list[str]
    prise_en_charge_specifique: list[str]
    frais_a_charge: list[str]
    dispositif_programmes_nationaux: list[str]
    formations_labels: list[str]
    autres_formations_labels: str
    modalites_acces: list[str]
    modalites_accompagnement: list[str]
    fiche_acces_libre: str
    prise_rdv: str
