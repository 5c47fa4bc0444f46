"""Every route, exercised as anonymous, prescriber, site agent, funder, borrower and staff.

EXPECTED is the access table, written here and not read from the code ("public": everyone,
otherwise the roles let in, "anonymous" meaning visitors who are not logged in): a new route
without an entry fails ``test_every_route_has_an_entry``, and a route whose guard disagrees with
its entry fails ``test_each_role_gets_exactly_the_access_the_table_grants``.
"""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from tests.factories import CSRF_COOKIE, World, login

ROLES = ("anonymous", "prescriber", "site_agent", "funder", "borrower", "staff")
ALL = "funder prescriber site_agent borrower staff"

EXPECTED: dict[str, str] = {
    # core: login, home, health, accounts
    "GET /": "public",
    "GET /login": "public",
    "POST /login": "public",
    "POST /logout": "public",
    "GET /invitation/{token}": "public",
    "POST /invitation/{token}": "public",
    "GET /mot-de-passe-oublie": "public",
    "POST /mot-de-passe-oublie": "public",
    "GET /mot-de-passe-oublie/{token}": "public",
    "POST /mot-de-passe-oublie/{token}": "public",
    "GET /mon-compte": ALL,
    "POST /mon-compte/mot-de-passe": ALL,
    "GET /login/code": "public",
    "POST /login/code": "public",
    "GET /login/double-authentification": "public",
    "POST /login/double-authentification": "public",
    "GET /mon-compte/double-authentification": ALL,
    "POST /mon-compte/double-authentification": ALL,
    "POST /mon-compte/double-authentification/codes-de-secours": ALL,
    "POST /mon-compte/double-authentification/desactiver": ALL,
    "POST /organisation": ALL,
    "GET /health": "public",
    "GET /health/live": "public",
    "GET /static/{file_path}": "public",
    "GET /schema": "public",
    "GET /schema/openapi.json": "public",
    "GET /schema/{path}": "public",
    "GET /api/v1/me": ALL,
    "GET /api/v1/organisations": ALL,
    "GET /api/v1/organisations/{organisation_id}": ALL,
    "POST /api/v1/organisations": "staff",
    "POST /api/v1/organisations/import": "staff",
    "GET /staff/organisations/import": "staff",
    "POST /staff/organisations/import": "staff",
    "POST /staff/organisations/import/confirm": "staff",
    "PATCH /api/v1/organisations/{organisation_id}": ALL,  # own site's agents; others: 404
    "POST /api/v1/organisations/{organisation_id}/suspension": "staff",
    "DELETE /api/v1/organisations/{organisation_id}/suspension": "staff",
    "GET /api/v1/organisations/{organisation_id}/bank-details": "site_agent staff",  # own site
    "POST /api/v1/organisations/{organisation_id}/bank-details": "site_agent staff",
    "POST /api/v1/organisations/{organisation_id}/bank-details/{details_id}/decision": "staff",
    "GET /api/v1/bank-details": "staff",
    "GET /lieux/{organisation_id}/coordonnees-bancaires": "site_agent staff",
    "POST /lieux/{organisation_id}/coordonnees-bancaires": "site_agent staff",
    "POST /lieux/{organisation_id}/coordonnees-bancaires/{details_id}/decision": "staff",
    "GET /staff/coordonnees-bancaires": "staff",
    "GET /api/v1/users": "staff",
    "POST /api/v1/users": "staff",
    "POST /api/v1/users/{user_id}/activate": "staff",
    "POST /api/v1/users/{user_id}/memberships": "staff",
    "DELETE /api/v1/users/{user_id}/memberships/{membership_id}": "staff",
    "GET /staff/users/{user_id}": "staff",
    "POST /staff/users/{user_id}/memberships": "staff",
    "POST /staff/users/{user_id}/memberships/{membership_id}/delete": "staff",
    "POST /staff/users/{user_id}/double-authentification/reinitialiser": "staff",
    "DELETE /api/v1/users/{user_id}/two-factor": "staff",
    "POST /api/v1/users/{user_id}/deactivate": "staff",
    "GET /staff/organisations": "staff",
    "POST /staff/organisations": "staff",
    "GET /staff/organisations/{organisation_id}": "staff",
    "POST /staff/organisations/{organisation_id}/users": "staff",
    "POST /staff/organisations/{organisation_id}/suspension": "staff",
    "POST /staff/organisations/{organisation_id}/requalification": "staff",
    "POST /staff/organisations/{organisation_id}/users/{user_id}/active": "staff",
    "GET /staff/organisations/{organisation_id}/position": "staff",
    "GET /staff/couverture": "staff",
    "POST /staff/organisations/{organisation_id}/position": "staff",
    "POST /staff/organisations/{organisation_id}/position/adresse": "staff",
    "PUT /api/v1/organisations/{organisation_id}/position": "staff",
    "POST /api/v1/organisations/{organisation_id}/position/geocodage": "staff",
    "GET /staff/security": "staff",
    "GET /staff/taches": "staff",
    "POST /staff/taches/{job_id}/relancer": "staff",
    "POST /staff/security/unlock": "staff",
    # pass numériques: batches, stock, hand-out, scans, cheque pages
    "POST /api/v1/allocations": "staff",
    "GET /api/v1/batches": "funder staff",
    "POST /api/v1/batches": "staff",
    "GET /api/v1/batches/{batch_id}": "funder staff",
    "DELETE /api/v1/batches/{batch_id}": "staff",
    "POST /api/v1/batches/{batch_id}/activate": "staff",
    "POST /api/v1/booklets/{number}/cancel": "prescriber staff",
    "GET /api/v1/cheques/{code}": "public",
    "GET /api/v1/handouts": "prescriber",
    "POST /api/v1/handouts": "prescriber",
    "GET /api/v1/handouts/{number}": "prescriber",
    "GET /api/v1/redemptions": "site_agent",
    "POST /api/v1/redemptions": "site_agent",
    "POST /api/v1/redemptions/{code}/reversal": "site_agent staff",
    "GET /api/v1/offline-kit": "site_agent",
    "POST /api/v1/redemptions/batch": "site_agent",
    "GET /api/v1/offline-reviews": "staff",
    "POST /api/v1/offline-reviews/{scan_id}": "staff",
    "GET /api/v1/search": "staff",
    "GET /api/v1/stock": "prescriber staff",
    "GET /api/v1/voucher-statistics": "funder staff",
    "GET /c": "public",
    "GET /c/{code}": "public",
    "GET /carnets": "prescriber",
    "GET /carnets/remettre": "prescriber",
    "POST /carnets/remettre": "prescriber",
    "GET /carnets/remis": "prescriber",
    "GET /carnets/{number}/annuler": "prescriber staff",
    "POST /carnets/{number}/annuler": "prescriber staff",
    "GET /carnets/{number}/recu": "prescriber staff",
    "GET /financeur/tirages": "funder",
    "GET /scanner": "site_agent",
    "POST /scanner": "site_agent",
    "POST /scanner/annuler": "site_agent",
    "GET /scanner/sw.js": "public",
    "GET /scanner/manifest.webmanifest": "public",
    "GET /scanner/kit": "site_agent",
    "GET /scanner/jeton": "site_agent",
    "POST /scanner/sync": "site_agent",
    "GET /staff/hors-connexion": "staff",
    "POST /staff/hors-connexion/{scan_id}": "staff",
    "POST /staff/recherche/annuler": "staff",
    "GET /staff/carnets/{number}/pdf": "staff",
    "GET /staff/impressions/{job_id}": "staff",
    "GET /staff/impressions/{job_id}/etat": "staff",
    "GET /staff/impressions/{job_id}/fichier": "staff",
    "GET /staff/recherche": "staff",
    "GET /staff/stock": "staff",
    "POST /staff/stock": "staff",
    "GET /staff/tirages": "staff",
    "POST /staff/tirages": "staff",
    "GET /staff/tirages/{batch_id}": "staff",
    "POST /staff/tirages/{batch_id}/activer": "staff",
    "POST /staff/tirages/{batch_id}/supprimer": "staff",
    "POST /staff/tirages/{batch_id}/attribuer": "staff",
    "GET /staff/tirages/{batch_id}/carnets.pdf": "staff",
    "POST /staff/tirages/{batch_id}/impression": "staff",
    # equipment fleet
    "GET /api/v1/availability": "staff",
    "GET /api/v1/availability/calendar": "staff",
    "GET /api/v1/fleet/ical-url": "staff",
    "GET /api/v1/fleet/rules": "staff",
    "PUT /api/v1/fleet/rules": "staff",
    "GET /api/v1/inventory/export.csv": "staff",
    "POST /api/v1/inventory/import": "staff",
    "GET /api/v1/inventory/labels.pdf": "staff",
    "GET /api/v1/items": "staff",
    "POST /api/v1/items": "staff",
    "GET /api/v1/items/{tag}": "staff",
    "GET /api/v1/items/{tag}/history": "staff",
    "POST /api/v1/items/{tag}/status": "staff",
    "GET /api/v1/kits": "staff",
    "POST /api/v1/kits": "staff",
    "GET /api/v1/kits/{kit_id}": "staff",
    "PUT /api/v1/kits/{kit_id}": "staff",
    "DELETE /api/v1/kits/{kit_id}": "staff",
    "GET /api/v1/stock-takes": "staff",
    "POST /api/v1/stock-takes": "staff",
    "POST /api/v1/stock-takes/{take_id}/close": "staff",
    "POST /api/v1/stock-takes/{take_id}/scans": "staff",
    "GET /api/v1/stock-takes/{take_id}": "staff",
    "GET /api/v1/items/{tag}/last-seen": "staff",
    "GET /api/v1/loans": "staff",
    "POST /api/v1/loans": "staff",
    "GET /api/v1/loans/due-soon": "staff",
    "GET /api/v1/loans/overdue": "staff",
    "GET /api/v1/loans/{number}": "staff",
    "POST /api/v1/loans/{number}/cancel": "staff",
    "POST /api/v1/loans/{number}/checkin": "staff",
    "POST /api/v1/loans/{number}/checkout": "staff",
    "POST /api/v1/loans/{number}/extend": "staff",
    "POST /api/v1/loans/{number}/items": "staff",
    "DELETE /api/v1/loans/{number}/items/{tag}": "staff",
    "POST /api/v1/loans/{number}/loss": "staff",
    "GET /api/v1/loans/{number}/return-slip.pdf": "staff",
    "GET /api/v1/loans/{number}/slip.pdf": "staff",
    "GET /api/v1/loans/{number}/signatures": "staff",
    "GET /api/v1/loans/{number}/signatures/{signature_id}/slip.pdf": "staff",
    "POST /api/v1/slips/check": "staff",
    "GET /api/v1/catalogue": "borrower staff",
    "PUT /api/v1/catalogue/types/{item_type}/photo": "staff",
    "DELETE /api/v1/catalogue/types/{item_type}/photo": "staff",
    "PUT /api/v1/catalogue/kits/{kit_id}/photo": "staff",
    "DELETE /api/v1/catalogue/kits/{kit_id}/photo": "staff",
    "GET /catalogue/photos/{name}": "borrower staff",  # the catalogue is behind a login
    "GET /equipment/catalogue": "staff",
    "POST /equipment/catalogue/types/{item_type}/photo": "staff",
    "POST /equipment/catalogue/types/{item_type}/photo/retirer": "staff",
    "POST /equipment/catalogue/kits/{kit_id}/photo": "staff",
    "POST /equipment/catalogue/kits/{kit_id}/photo/retirer": "staff",
    "GET /emprunter": "borrower",
    "POST /emprunter": "borrower",
    "GET /emprunter/demandes": "borrower",
    "POST /emprunter/prets/{number}/prolonger": "borrower",
    "POST /emprunter/demandes/{request_id}/retirer": "borrower",
    "POST /api/v1/loan-requests/{request_id}/cancel": "borrower",
    "GET /api/v1/borrower-loans": "borrower",
    "POST /api/v1/borrower-loans/{number}/extension": "borrower",
    "GET /emprunter/prets/{number}/bon-de-pret.pdf": "borrower",
    "GET /equipment/demandes": "staff",
    "POST /equipment/demandes/{request_id}/decision": "staff",
    "GET /api/v1/loan-requests": "borrower staff",  # a borrower: its own only
    "POST /api/v1/loan-requests": "borrower",
    "GET /api/v1/loan-requests/{request_id}": "borrower staff",
    "GET /api/v1/loan-requests/{request_id}/slip.pdf": "borrower staff",
    "POST /api/v1/loan-requests/{request_id}/decision": "staff",
    "GET /api/v1/maintenance": "staff",
    "POST /api/v1/maintenance": "staff",
    "POST /api/v1/maintenance/{record_id}/close": "staff",
    "GET /equipment": "staff",
    "GET /equipment/borrowers": "staff",
    "GET /equipment/borrowers/{borrower_id}": "staff",
    "GET /equipment/calendar": "staff",
    "GET /equipment/follow-up": "staff",
    "GET /equipment/ical/{key}": "public",
    "GET /equipment/import": "staff",
    "GET /equipment/bons/verifier": "staff",
    "GET /equipment/inventaires": "staff",
    "POST /equipment/inventaires": "staff",
    "GET /equipment/inventaires/{take_id}": "staff",
    "POST /equipment/inventaires/{take_id}/scans": "staff",
    "POST /equipment/inventaires/{take_id}/cloturer": "staff",
    "POST /equipment/bons/verifier": "staff",
    "POST /equipment/import": "staff",
    "POST /equipment/import/confirm": "staff",
    "GET /equipment/inventaire.csv": "staff",
    "GET /equipment/items/new": "staff",
    "POST /equipment/items/new": "staff",
    "GET /equipment/items/{tag}/edit": "staff",
    "POST /equipment/items/{tag}/edit": "staff",
    "GET /equipment/kits": "staff",
    "GET /equipment/kits/{kit_id}": "staff",
    "POST /equipment/kits/{kit_id}": "staff",
    "POST /equipment/kits/{kit_id}/dissoudre": "staff",
    "GET /equipment/labels": "staff",
    "GET /equipment/labels.pdf": "staff",
    "GET /equipment/loans": "staff",
    "GET /equipment/loans/new": "staff",
    "POST /equipment/loans/new": "staff",
    "GET /equipment/rules": "staff",
    "POST /equipment/rules": "staff",
    "GET /i/{tag}": "anonymous staff",  # a found-device page for visitors; full page for staff
    "POST /i/{tag}/maintenance": "staff",
    "POST /i/{tag}/maintenance/{record_id}/close": "staff",
    "POST /i/{tag}/status": "staff",
    "GET /loans/{number}": "staff",
    "POST /loans/{number}/annuler": "staff",
    "POST /loans/{number}/appareils": "staff",
    "POST /loans/{number}/appareils/{tag}/retirer": "staff",
    "GET /loans/{number}/bon-de-pret.pdf": "staff",
    "GET /loans/{number}/bon-de-retour.pdf": "staff",
    "GET /loans/{number}/bons/{signature_id}": "staff",
    "POST /loans/{number}/perte": "staff",
    "POST /loans/{number}/prolonger": "staff",
    "GET /loans/{number}/remise": "staff",
    "POST /loans/{number}/remise": "staff",
    "GET /loans/{number}/retour": "staff",
    "POST /loans/{number}/retour": "staff",
    # statements, credit notes, statistics, exports, public directory
    "GET /api/v1/credit-notes": "funder staff",
    "GET /api/v1/funders/{funder_id}/branding": "funder staff",
    "PUT /api/v1/funders/{funder_id}/branding": "funder staff",
    "GET /financeur/carnets": "funder",
    "POST /financeur/carnets": "funder",
    "GET /staff/financeurs/{funder_id}/carnets": "staff",
    "POST /staff/financeurs/{funder_id}/carnets": "staff",
    "GET /api/v1/credit-notes/{note_id}": "funder staff",
    "POST /api/v1/credit-notes/{note_id}/issue": "staff",
    "POST /api/v1/credit-notes/{note_id}/settle": "staff",
    "GET /api/v1/joint-statements": "funder staff",
    "GET /api/v1/joint-statements/{batch_id}": "funder staff",
    "POST /api/v1/joint-statements/{batch_id}": "staff",
    "POST /api/v1/joint-statements/{batch_id}/agree": "funder staff",
    "POST /api/v1/joint-statements/{batch_id}/credit-note": "staff",
    "GET /api/v1/exports/statistics": "funder staff",
    "GET /api/v1/exports/{name}": "funder staff",
    "GET /api/v1/statements": "site_agent staff",
    "POST /api/v1/statements/build": "staff",
    "POST /api/v1/statements/submit": "staff",
    "GET /api/v1/statements/{statement_id}": "site_agent staff",
    "POST /api/v1/statements/{statement_id}/payment": "staff",
    "POST /api/v1/statements/{statement_id}/submit": "staff",
    "GET /avoirs": "funder staff",
    "GET /avoirs/{note_id}": "funder staff",
    "GET /avoirs/{note_id}/csv": "funder staff",
    "GET /avoirs/{note_id}/pdf": "funder staff",
    "POST /avoirs/{note_id}/emettre": "staff",
    "POST /avoirs/{note_id}/regler": "staff",
    "GET /etats-contradictoires/{batch_id}": "funder staff",
    "GET /etats-contradictoires/{batch_id}/csv": "funder staff",
    "GET /etats-contradictoires/{batch_id}/pdf": "funder staff",
    "POST /etats-contradictoires/{batch_id}/etablir": "staff",
    "POST /etats-contradictoires/{batch_id}/accord": "funder staff",
    "POST /etats-contradictoires/{batch_id}/avoir": "staff",
    "GET /api/v1/communes": "public",
    "GET /lieux": "public",
    "GET /lieux/donnees.csv": "public",
    "GET /lieux/donnees.json": "public",
    "GET /lieux/{organisation_id}/coordonnees": "site_agent staff",
    "GET /lieux/devenir-lieu-qualifie": "public",
    "POST /lieux/devenir-lieu-qualifie": "public",
    "GET /api/v1/site-applications": "staff",
    "POST /api/v1/site-applications": "public",
    "GET /api/v1/site-applications/{application_id}": "staff",
    "POST /api/v1/site-applications/{application_id}/decision": "staff",
    "GET /staff/candidatures": "staff",
    "GET /api/v1/charter": "public",
    "PUT /api/v1/charter": "staff",
    "GET /api/v1/charter/versions": "staff",
    "GET /staff/charte": "staff",
    "POST /staff/charte": "staff",
    "POST /staff/candidatures/{application_id}/decision": "staff",
    "POST /lieux/{organisation_id}/coordonnees": "site_agent staff",
    "GET /lieux/{organisation_id}/horaires": "site_agent staff",
    "POST /lieux/{organisation_id}/horaires": "site_agent staff",
    "POST /lieux/{organisation_id}/horaires/{slot_id}/supprimer": "site_agent staff",
    "POST /financeur/alertes/{alert_id}/confirmer": "funder",
    "GET /financeur/tableau-de-bord": "funder staff",
    "GET /api/v1/funder-dashboard": "funder staff",
    "GET /virements": "staff",
    "POST /virements": "staff",
    "GET /virements/{run_id}": "staff",
    "GET /virements/{run_id}/sepa.xml": "staff",
    "GET /virements/{run_id}/mandats.csv": "staff",
    "POST /virements/{run_id}/paiement": "staff",
    "POST /virements/{run_id}/annulation": "staff",
    "GET /api/v1/payment-runs": "staff",
    "POST /api/v1/payment-runs": "staff",
    "GET /api/v1/payment-runs/{run_id}": "staff",
    "GET /api/v1/payment-runs/{run_id}/sepa.xml": "staff",
    "GET /api/v1/payment-runs/{run_id}/mandats.csv": "staff",
    "POST /api/v1/payment-runs/{run_id}/paid": "staff",
    "POST /api/v1/payment-runs/{run_id}/cancellation": "staff",
    "GET /releves": "site_agent staff",
    "POST /releves/construire": "staff",
    "POST /releves/transmettre": "staff",
    "GET /releves/{statement_id}": "site_agent staff",
    "GET /releves/{statement_id}/csv": "site_agent staff",
    "POST /releves/{statement_id}/paiement": "staff",
    "GET /releves/{statement_id}/pdf": "site_agent staff",
    "POST /releves/{statement_id}/transmettre": "staff",
    "GET /statistiques": "funder staff",
    "GET /statistiques/exports/{filename}": "funder staff",
    "GET /statistiques/signaux": "staff",
}


def route_keys(app: Litestar) -> dict[str, str]:
    """``"METHOD /path/{param}"`` → a concrete path to request, for every HTTP route."""
    keys = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        template = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for handler in route.route_handlers:
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                keys[f"{method} {template}"] = _concrete(template)
    return keys


def _concrete(template: str) -> str:
    return re.sub(
        r"\{(\w+)\}", lambda m: "999999" if m.group(1).endswith("id") else "INCONNU", template
    )


@pytest.fixture
async def app() -> Litestar:
    from composition.app import create_app

    return create_app()


def test_every_route_has_an_entry_in_the_access_table(app):
    routes = set(route_keys(app))
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes)
    assert not missing, "routes without an access entry:\n" + "\n".join(missing)
    assert not stale, "entries for routes that no longer exist:\n" + "\n".join(stale)


def _outcome(response, is_api: bool) -> str:
    """'anonymous-denied', 'role-denied' or 'allowed' as the guard decided."""
    if is_api and response.status_code == 401:
        return "anonymous-denied"
    if not is_api and response.status_code in (302, 303):
        if response.headers.get("location", "").startswith("/login"):
            return "anonymous-denied"
    if response.status_code == 403:
        forbidden = (
            response.json().get("error") == "forbidden"
            if is_api
            else "<code>forbidden</code>" in response.text
        )
        if forbidden:
            return "role-denied"
    return "allowed"


async def test_each_role_gets_exactly_the_access_the_table_grants(app, world: World):
    mismatches = await find_mismatches(app, world, EXPECTED, route_keys(app))
    assert not mismatches, "\n".join(mismatches)


async def test_the_matrix_catches_a_route_open_to_the_wrong_people(app, world: World):
    """A test of the test: a table that wrongly opens staff pages to everyone must fail."""
    broken = {**EXPECTED, "GET /staff/security": "public", "POST /api/v1/users": ALL}
    keys = {
        k: v
        for k, v in route_keys(app).items()
        if k in ("GET /staff/security", "POST /api/v1/users")
    }
    mismatches = await find_mismatches(app, world, broken, keys)
    assert any("GET /staff/security" in m for m in mismatches)
    assert any("POST /api/v1/users" in m for m in mismatches)


async def find_mismatches(
    app: Litestar, world: World, expected_table: dict[str, str], keys: dict[str, str]
) -> list[str]:
    people = {
        "prescriber": world.prescriber,
        "site_agent": world.site_agent,
        "funder": world.funder,
        "borrower": world.borrower,
        "staff": world.staff,
    }
    mismatches = []
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        for role in ROLES:
            client.cookies.clear()
            await client.get("/login")
            bearer = {}
            if role != "anonymous":
                await login(client, people[role])
                bearer = await people[role].bearer()
            csrf = {"x-csrftoken": client.cookies.get(CSRF_COOKIE, "")}
            for key, path in sorted(keys.items()):
                method = key.split()[0]
                if key == "POST /logout":
                    continue  # would end this role's session mid-run
                is_api = path.startswith("/api/")
                headers = bearer if is_api else csrf
                kwargs = {"json": {}} if is_api and method != "GET" else {}
                if not is_api and method != "GET":
                    kwargs = {"data": {}}
                response = await client.request(
                    method, path, headers=headers, follow_redirects=False, **kwargs
                )
                assert response.status_code != 500, f"{role} {key}: 500\n{response.text[:500]}"
                allowed = expected_table.get(key, "")
                expected = (
                    "allowed"
                    if allowed == "public" or role in allowed.split()
                    else "anonymous-denied"
                    if role == "anonymous"
                    else "role-denied"
                )
                got = _outcome(response, is_api)
                if got != expected:
                    mismatches.append(
                        f"{role:<11} {key}: expected {expected}, got {got} ({response.status_code})"
                    )
    return mismatches
