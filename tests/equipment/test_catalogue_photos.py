"""Staff add a photo to each item type and kit of the catalogue; borrowers see it while choosing.

Real HTTP through Litestar's test client, the photo uploaded as a browser sends it (multipart),
served back and decoded with Pillow; bad uploads are refused with a code (API) or a French
message beside the form (page), never a 500.
"""

from __future__ import annotations

import io

from litestar.testing import AsyncTestClient
from PIL import Image

from equipment.tables import CataloguePhoto
from passnum import storage
from passnum.audit_view import action_label
from tests.equipment.conftest import Fleet, day
from tests.equipment.test_loan_requests import add_tablet_kit
from tests.factories import login, post_form, text_of

GPS_INFO = 0x8825  # EXIF: where the photo was taken
ORIENTATION = 0x0112  # EXIF: how to turn the picture upright


def photo(kind: str = "JPEG", size: tuple[int, int] = (3000, 2000), exif: bool = False) -> bytes:
    """A picture as a phone gives it: large, and (``exif``) saying where it was taken and
    that it must be turned a quarter to stand upright."""
    image = Image.new("RGB", size, (20, 120, 60))
    image.paste((240, 200, 0), (0, 0, size[0] // 4, size[1] // 4))  # a corner to find
    buffer = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[ORIENTATION] = 6  # turn 90° clockwise to show
        tags[GPS_INFO] = {1: "N", 2: (49.0, 3.0, 0.0), 3: "W", 4: (1.0, 27.0, 0.0)}
        options["exif"] = tags
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> dict:
    return {"photo": (name, data, kind)}


def catalogue_dates() -> dict[str, str]:
    return {"start_date": day(8).isoformat(), "end_date": day(9).isoformat()}


async def test_staff_add_photos_of_a_type_and_a_kit_and_borrowers_see_them_while_choosing(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    kit_id = await add_tablet_kit(fleet, client, size=2)
    staff = await fleet.world.staff.bearer()
    added = await client.put(
        "/api/v1/catalogue/types/tablet/photo", files=upload(photo(exif=True)), headers=staff
    )
    assert added.status_code == 200, added.text
    tablet = added.json()
    # Turned upright (2000 × 3000) and brought down to 1200 pixels a side.
    assert (tablet["alt"], tablet["width"], tablet["height"]) == ("Tablette", 800, 1200)
    assert tablet["url"].startswith("/catalogue/photos/") and tablet["url"].endswith(".jpg")
    kit_photo = await client.put(
        f"/api/v1/catalogue/kits/{kit_id}/photo",
        files=upload(photo("PNG", (400, 300)), "valise.png", "image/png"),
        headers=staff,
    )
    assert kit_photo.status_code == 200, kit_photo.text

    borrower = await fleet.world.borrower.bearer()
    seen = (
        await client.get("/api/v1/catalogue", params=catalogue_dates(), headers=borrower)
    ).json()
    assert seen["type_photos"] == {"tablet": tablet}
    [kit] = seen["kits"]
    assert kit["photo"]["alt"] == kit["name"] == "Valise 8 tablettes"
    assert (kit["photo"]["content_type"], kit["photo"]["width"]) == ("image/png", 400)

    await login(client, fleet.world.borrower)
    page = await client.get(
        "/emprunter", params={"start_date": day(8).isoformat(), "due_date": day(9).isoformat()}
    )
    assert page.status_code == 200
    assert f'<img src="{tablet["url"]}" alt="Tablette" width="800" height="1200"' in page.text
    assert f'src="{kit["photo"]["url"]}" alt="{kit["name"]}"' in page.text
    served = await client.get(tablet["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert served.headers["content-length"] == str(len(served.content))
    with Image.open(io.BytesIO(served.content)) as image:
        assert (image.format, image.size) == ("JPEG", (800, 1200))
        assert GPS_INFO not in image.getexif() and ORIENTATION not in image.getexif()
        corner = image.convert("RGB").getpixel((790, 10))  # the yellow corner, turned
        assert isinstance(corner, tuple) and corner[0] > 200 and corner[1] > 150
    again = await client.get(tablet["url"], headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304 and again.content == b""

    await login(client, fleet.world.staff)
    staff_page = await client.get("/equipment/catalogue")
    assert f'src="{tablet["url"]}" alt="Tablette"' in staff_page.text
    assert "Remplacer la photo" in text_of(staff_page.text)
    kit_page = await client.get(f"/equipment/kits/{kit_id}")
    assert f'src="{kit["photo"]["url"]}"' in kit_page.text


async def test_only_borrowers_and_staff_see_the_photos_and_only_staff_change_them(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    staff = await fleet.world.staff.bearer()
    added = await client.put(
        "/api/v1/catalogue/types/laptop/photo", files=upload(photo()), headers=staff
    )
    url = added.json()["url"]
    anonymous = await client.get(url, follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    await login(client, fleet.world.prescriber)
    assert (await client.get(url)).status_code == 403
    refused = await client.put(
        "/api/v1/catalogue/types/laptop/photo",
        files=upload(photo()),
        headers=await fleet.world.borrower.bearer(),
    )
    assert refused.status_code == 403


async def test_a_replaced_photo_gets_a_new_address_and_a_removed_one_is_gone(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    kit_id = await add_tablet_kit(fleet, client, size=2)
    staff = await fleet.world.staff.bearer()
    url = "/api/v1/catalogue/types/hotspot/photo"
    first = (await client.put(url, files=upload(photo()), headers=staff)).json()
    second = (await client.put(url, files=upload(photo(size=(600, 600))), headers=staff)).json()
    assert second["url"] != first["url"] and second["width"] == 600
    await login(client, fleet.world.staff)
    assert (await client.get(first["url"])).status_code == 404
    assert (await client.get(second["url"])).status_code == 200
    assert [r["key"] for r in await CataloguePhoto.select(CataloguePhoto.key)] == [
        "equipment/photos/" + second["url"].rsplit("/", 1)[1]
    ]
    assert not await storage.exists("equipment/photos/" + first["url"].rsplit("/", 1)[1])

    removed = await client.delete(url, headers=staff)
    assert removed.status_code == 204
    assert (await client.get(second["url"])).status_code == 404
    borrower = await fleet.world.borrower.bearer()
    seen = (
        await client.get("/api/v1/catalogue", params=catalogue_dates(), headers=borrower)
    ).json()
    assert seen["type_photos"] == {}
    assert action_label("remove_photo") == "Photo du catalogue retirée"

    kit = (
        await client.put(
            f"/api/v1/catalogue/kits/{kit_id}/photo", files=upload(photo()), headers=staff
        )
    ).json()
    dissolved = await client.delete(f"/api/v1/kits/{kit_id}", headers=staff)
    assert dissolved.status_code == 204
    assert (await client.get(kit["url"])).status_code == 404
    assert not await storage.exists("equipment/photos/" + kit["url"].rsplit("/", 1)[1])


async def test_a_bad_upload_is_refused_with_a_code_and_explained_in_french_on_the_page(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    staff = await fleet.world.staff.bearer()
    url = "/api/v1/catalogue/types/tablet/photo"
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, format="GIF")
    cases = {
        "image_empty": upload(b""),
        "image_unreadable": upload(b"Bonjour, ceci est un texte", "photo.jpg"),
        "image_wrong_format": upload(gif.getvalue(), "photo.gif", "image/gif"),
        "image_too_large": upload(b"\xff\xd8\xff" + b"\0" * (8 * 1024 * 1024 + 1)),
        "image_too_many_pixels": upload(photo("PNG", (9000, 10)), "long.png", "image/png"),
    }
    for code, files in cases.items():
        refused = await client.put(url, files=files, headers=staff)
        assert (refused.status_code, refused.json()["error"]) == (422, code), refused.text
        assert refused.json()["field"] == "photo" and refused.json()["message"]
    nothing = await client.put(url, data={"autre": "champ"}, headers=staff)
    assert nothing.json()["error"] == "image_empty"
    unknown = await client.put(
        "/api/v1/catalogue/types/drone/photo", files=cases["image_empty"], headers=staff
    )
    assert unknown.status_code == 404
    no_kit = await client.put(
        "/api/v1/catalogue/kits/999999/photo", files=upload(photo()), headers=staff
    )
    assert no_kit.status_code == 404
    assert await CataloguePhoto.count() == 0 and not [d async for d in _photo_documents()]

    await login(client, fleet.world.staff)
    page = await post_form(
        client,
        "/equipment/catalogue/types/tablet/photo",
        {},
        files=upload(gif.getvalue(), "photo.gif", "image/gif"),
    )
    assert page.status_code == 422
    assert "La photo doit être une image JPEG, PNG ou WebP" in text_of(page.text)
    assert 'id="type-tablet-photo" name="photo" type="file"' in page.text
    assert 'aria-invalid="true" aria-describedby="erreur"' in page.text
    text = await post_form(
        client,
        "/equipment/catalogue/types/tablet/photo",
        {},
        files=upload(b"pas une image", "notes.txt", "text/plain"),
    )
    assert text.status_code == 422 and "pas une image" in text_of(text.text)
    added = await post_form(
        client,
        "/equipment/catalogue/types/tablet/photo",
        {},
        files=upload(photo(size=(300, 200))),
        follow_redirects=True,
    )
    assert added.status_code == 200 and "Photo enregistrée" in text_of(added.text)
    removed = await post_form(
        client, "/equipment/catalogue/types/tablet/photo/retirer", {}, follow_redirects=True
    )
    assert "Photo retirée du catalogue" in text_of(removed.text)
    assert await CataloguePhoto.count() == 0


async def _photo_documents():
    from passnum.storage.tables import Document

    for row in await Document.select(Document.key):
        if row["key"].startswith("equipment/photos/"):
            yield row["key"]


async def test_photos_as_phones_and_cameras_make_them_are_taken_and_damaged_ones_explained(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    """A phone's JPEG that holds two pictures (MPO, Pillow's name for it), a printer's CMYK
    JPEG and a WebP with transparency are served; a JPEG cut short and a picture of 400 million
    pixels packed in a few kilobytes are refused with their code, never a 500."""
    staff = await fleet.world.staff.bearer()
    url = "/api/v1/catalogue/types/projector/photo"

    def encoded(image: Image.Image, kind: str, **options) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=kind, **options)
        return buffer.getvalue()

    picture = Image.new("RGB", (640, 480), (200, 30, 30))
    taken = {
        "image/jpeg": encoded(picture, "MPO", save_all=True, append_images=[picture.copy()]),
        "image/jpeg ": encoded(Image.new("CMYK", (640, 480), (0, 200, 200, 0)), "JPEG"),
        "image/webp": encoded(Image.new("RGBA", (640, 480), (0, 0, 255, 128)), "WEBP"),
    }
    await login(client, fleet.world.staff)
    for content_type, data in taken.items():
        added = await client.put(url, files=upload(data), headers=staff)
        assert added.status_code == 200, added.text
        served = await client.get(added.json()["url"])
        assert served.headers["content-type"] == content_type.strip()
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.size == (640, 480) and image.mode in ("RGB", "RGBA")

    noisy = Image.effect_noise((800, 600), 60).convert("RGB")
    refused = {
        "image_unreadable": encoded(noisy, "JPEG")[:4000],
        "image_too_many_pixels": encoded(Image.new("1", (20000, 20000)), "PNG"),
    }
    for code, data in refused.items():
        answer = await client.put(url, files=upload(data), headers=staff)
        assert (answer.status_code, answer.json()["error"]) == (422, code), answer.text


async def test_a_photo_sent_for_a_kit_removed_meanwhile_is_refused_with_its_reason_on_the_page(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    page = await post_form(
        client, "/equipment/catalogue/kits/999999/photo", {}, files=upload(photo(size=(300, 200)))
    )
    assert page.status_code == 404
    assert "Aucun kit n° 999999." in text_of(page.text)
    assert 'role="alert"' in page.text
