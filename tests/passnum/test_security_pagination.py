"""Someone trying made-up e-mails leaves one failed-login row per address: the staff security
page lists them in pages."""

from datetime import timedelta
from html import unescape

from passnum import clock
from passnum.tables import LoginThrottle
from tests.factories import login
from tests.factories import text_of as raw_text


def text_of(html: str) -> str:
    return unescape(raw_text(html))


async def test_staff_read_failed_logins_page_by_page(client, world):
    now = clock.stamp()
    await LoginThrottle.insert(
        *[
            LoginThrottle(
                email=f"essai{n:02d}@exemple.test",
                failures=1,
                last_failure_at=now - timedelta(minutes=n),
            )
            for n in range(60)
        ]
    )
    await login(client, world.staff)
    first = await client.get("/staff/security")
    text = text_of(first.text)
    assert (
        "60 compte(s) avec des échecs récents, du dernier échec au plus ancien, page 1 sur 2"
        in (text)
    )
    assert "essai00@" in text and "essai49@" in text and "essai50@" not in text
    assert 'href="?page=2" rel="next"' in first.text
    second = text_of((await client.get("/staff/security?page=2")).text)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in second and "essai59@" in second
    late = await client.get("/staff/security?page=3")
    assert late.status_code == 200 and "La page 3 n'existe pas" in text_of(late.text)
