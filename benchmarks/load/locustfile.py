"""Load scenario (issue 17, point 4): every role's everyday pages and writes, signed in with
the demo logins and their second factor, against `buddywerk serve`.

Run through `uv run python benchmarks/load/run.py` (it starts the server and prints the
table); by hand: `uv run locust -f benchmarks/load/locustfile.py --host http://...`.

Each simulated person signs in once (password, then the TOTP code of the demo secret),
then clicks through their pages with a think time of 1 to 3 seconds. Requests are named by
page, not by URL, so that the figures group per page. A page answers 200 or it counts as a
failure; a write must redirect (Django's "saved" answer), or it counts as a failure too.
The privacy statement, a page without any data behind it, is the "static page" baseline
the other pages are compared with.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import random
import re
import struct
import threading
import time

from locust import HttpUser, between, task

DEMO_PASSWORD = "Buddywerk-demo-2026"  # noqa: S105 - README: the demo database only
DEMO_TOTP_SECRET = "BUDDYWERKDEMO234"  # noqa: S105 - README: the demo database only
DOMAIN = "demo.buddywerk.be"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Finder and practice searches people type (postcodes, towns, words).
PLACES = ["2800", "9000", "Mechelen", "Gent", "Antwerpen", "3000", "Brugge", "1000", "Hasselt"]
WORDS = ["huiswerk", "taal", "gezinnen", "welbevinden", "rekenen", "nieuwkomers", ""]

# allauth refuses a TOTP code that was just used for the same account (replay protection):
# two simulated people on one account sign in in different 30-second windows.
_used_steps: dict[str, set[int]] = {}
_steps_lock = threading.Lock()


def totp_code(secret: str, step: int) -> str:
    """RFC 6238 (HMAC-SHA1, 6 digits, 30 s), as authenticator apps and allauth compute it.
    pyotp refuses the demo's 80-bit secret (it asks for 112 bits), allauth does not."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# allauth takes only the current window's code (MFA_TOTP_TOLERANCE 0): a code read in a
# window's last seconds reaches the server in the next one and is refused.
_LATE_IN_WINDOW_SECONDS = 3


def _claim_totp_step(email: str) -> str:
    while True:
        if 30 - time.time() % 30 < _LATE_IN_WINDOW_SECONDS:
            time.sleep(30 - time.time() % 30 + 0.1)
        step = int(time.time()) // 30
        with _steps_lock:
            used = _used_steps.setdefault(email, set())
            if step not in used:
                used.add(step)
                return totp_code(DEMO_TOTP_SECRET, step)
        time.sleep(1 + (30 - time.time() % 30))


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    accounts: list[str] = []
    _next_account = itertools.count()

    def on_start(self) -> None:
        index = next(self._next_account)
        self.email = f"{self.accounts[index % len(self.accounts)]}@{DOMAIN}"
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign in (form)")
        response = self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": _csrf(page.text),
                "login": self.email,
                "password": DEMO_PASSWORD,
            },
            name="sign in (password)",
        )
        if "/accounts/2fa/authenticate/" in response.url:
            response = self.client.post(
                "/accounts/2fa/authenticate/",
                {
                    "csrfmiddlewaretoken": _csrf(response.text),
                    "code": _claim_totp_step(self.email),
                },
                name="sign in (2FA code)",
            )
        if "/accounts/" in response.url:
            raise RuntimeError(f"sign-in of {self.email} failed: ended on {response.url}")

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {name}")
            return response.text


class Visitor(HttpUser):
    """The public: the programme finder, the practice database, a static page."""

    weight = 3
    wait_time = between(1, 3)

    @task(3)
    def finder(self) -> None:
        self.client.get(f"/programmes/?q={random.choice(PLACES)}", name="finder")

    @task(3)
    def practices(self) -> None:
        self.client.get(f"/network/practices/?q={random.choice(WORDS)}", name="practice search")

    @task(2)
    def static_page(self) -> None:
        self.client.get("/privacy/", name="static page (privacy)")


class Coordinator(Person):
    """A programme coordinator: home, the queue, suggestions for a referral, the duos."""

    weight = 4
    accounts = ["coordinator.mechelen", "coordinator.gent"]

    def on_start(self) -> None:
        super().on_start()
        queue = self.page("/referrals/queue/", "coordinator: queue")
        self.referrals = sorted(set(re.findall(rf"/referrals/({UUID})/", queue)))
        duos = self.page("/duos/", "coordinator: duo list")
        self.duos = sorted(set(re.findall(rf"/duos/({UUID})/", duos)))

    @task(3)
    def home(self) -> None:
        self.page("/", "coordinator: home")

    @task(3)
    def queue(self) -> None:
        self.page("/referrals/queue/", "coordinator: queue")

    @task(3)
    def suggestions(self) -> None:
        if self.referrals:
            uuid = random.choice(self.referrals)
            self.page(f"/matching/referral/{uuid}/", "coordinator: suggestions")

    @task(2)
    def duo_list(self) -> None:
        self.page("/duos/", "coordinator: duo list")

    @task(2)
    def duo_page(self) -> None:
        if self.duos:
            self.page(f"/duos/{random.choice(self.duos)}/", "coordinator: duo page")


class Buddy(Person):
    """A buddy: their duos, and logging a meeting (a write)."""

    weight = 4
    # buddy.leerkracht's duo waits for its agreements: no meetings can be logged there yet
    accounts = ["buddy.stagiair", "buddy.student", "buddy.gezin"]

    def on_start(self) -> None:
        super().on_start()
        duos = self.page("/duos/", "buddy: duo list")
        self.duos = sorted(set(re.findall(rf"/duos/({UUID})/", duos)))
        # A buddy logs meetings in their running duos; a closed duo's form only leads back
        # to its page, and a write there is refused.
        self.running = sorted(
            uuid
            for uuid, row in re.findall(rf'href="/duos/({UUID})/"(.*?)</tr>', duos, re.S)
            if re.search(r"<td>(Actief|Active)</td>", row)
        )
        self.days_back = itertools.count(random.randint(0, 6))

    @task(3)
    def duo_list(self) -> None:
        self.page("/duos/", "buddy: duo list")

    @task(3)
    def duo_page(self) -> None:
        if self.duos:
            self.page(f"/duos/{random.choice(self.duos)}/", "buddy: duo page")

    @task(2)
    def log_meeting(self) -> None:
        if not self.running:
            return
        uuid = random.choice(self.running)
        form = self.page(f"/duos/{uuid}/meetings/new/", "buddy: meeting form")
        # within the last week: every active duo was running then
        today = dt.datetime.now(dt.UTC).date()
        date = today - dt.timedelta(days=1 + next(self.days_back) % 7)
        with self.client.post(
            f"/duos/{uuid}/meetings/new/",
            {
                "csrfmiddlewaretoken": _csrf(form),
                "date": date.isoformat(),
                "status": "happened",
                "duration_minutes": "50",
                "topics": ["homework"],
                "note": "",
                "note_visibility": "private",
                "wellbeing": "",
            },
            name="buddy: log a meeting (write)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                errors = re.findall(r"invalid-feedback[^>]*>\s*([^<]+)", response.text)
                response.failure(f"meeting not saved ({response.status_code}): {errors[:2]}")


class SchoolStaff(Person):
    """A school's care coordinator: home, the school's referrals and pupils."""

    weight = 2
    accounts = ["zorg.ursulinen", "zorg.busleyden"]

    @task(2)
    def home(self) -> None:
        self.page("/", "school: home")

    @task(2)
    def referrals(self) -> None:
        self.page("/referrals/", "school: referral list")

    @task(1)
    def pupils(self) -> None:
        self.page("/pupils/", "school: pupil list")


class Funder(Person):
    """The funder: the report (figures with small numbers suppressed)."""

    weight = 1
    accounts = ["funder"]

    @task(2)
    def report(self) -> None:
        self.page("/reports/", "funder: report")

    @task(1)
    def home(self) -> None:
        self.page("/", "funder: home")
