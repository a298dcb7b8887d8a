"""Benchmark of the coordinator's suggestions page for one referral among many buddies
(issue 4: at most 50 ms for the whole page with 8,000 buddies).

    uv run python benchmarks/matching_page.py                 # a throw-away SQLite database
    DATABASE_URL=postgres://... uv run python benchmarks/matching_page.py   # an EMPTY database

Builds the schema in a fresh database, creates one programme with BENCH_BUDDIES buddies
(default 8,000) spread over Flemish postcodes, with random slots, competences, languages,
radii and capacities, and BENCH_REFERRALS accepted referrals in its queue (default 200);
then requests the suggestions page of one referral through Django's test client, as the
programme's coordinator, and prints the time of the first request (which reads every buddy
and builds the engine's arrays), the median and 95th percentile of the later requests
(which reuse the cached input, see candidates.cached_programme_input), the time inside the
engine, and the number of SQL queries per page; then the same for the programme's batch
preview (solved on the first request, reused while the input version holds).
"""

import atexit
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BUDDIES = int(os.environ.get("BENCH_BUDDIES", "8000"))
REFERRALS = int(os.environ.get("BENCH_REFERRALS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

_tmp = tempfile.mkdtemp(prefix="bw-bench-")
atexit.register(shutil.rmtree, _tmp, True)
os.environ.setdefault("BUDDYWERK_VAR_DIR", _tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddywerk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from buddywerk.access.models import Membership, Role, User  # noqa: E402
from buddywerk.buddies.models import Buddy, BuddyKind, ScreeningStatus  # noqa: E402
from buddywerk.common.vocabulary import ALL_SLOTS, Competence  # noqa: E402
from buddywerk.geo.models import Postcode  # noqa: E402
from buddywerk.matching import candidates, engine  # noqa: E402
from buddywerk.organisations.models import OrganisationKind, Programme, School  # noqa: E402
from buddywerk.referrals.models import Pupil, Referral, ReferralStatus  # noqa: E402

COMPETENCES = Competence.values
LANGUAGES = ["nl", "fr", "en", "ar", "tr", "pl"]


def build(rng: random.Random) -> tuple[User, Referral]:
    postcodes = list(Postcode.objects.filter(code__startswith="2")[:150])
    programme = Programme.objects.create(name="Bench", kind=OrganisationKind.PROGRAMME)
    users = User.objects.bulk_create(
        User(email=f"buddy{i}@bench.example", first_name=f"B{i}", last_name="Bench")
        for i in range(BUDDIES)
    )
    today = timezone.localdate()
    buddies = Buddy.objects.bulk_create(
        Buddy(
            user=user,
            kind=BuddyKind.TEACHER,
            teaching_qualification="bachelor",
            status=ScreeningStatus.APPROVED,
            extract_seen_on=today,
            home_postcode=rng.choice(postcodes),
            travel_radius_km=rng.choice([5, 10, 15, 20]),
            capacity=rng.choice([1, 2, 3]),
            meeting_modes=rng.sample(["school", "home", "online"], rng.randint(1, 2)),
            slots=rng.sample(ALL_SLOTS, 4),
            competences=rng.sample(COMPETENCES, 2),
            languages=["nl", *rng.sample(LANGUAGES[1:], 1)],
            level=rng.choice(["junior", "expert"]),
        )
        for user in users
    )
    Buddy.programmes.through.objects.bulk_create(
        Buddy.programmes.through(buddy_id=b.pk, programme_id=programme.pk) for b in buddies
    )
    school = School.objects.create(
        name="School",
        kind=OrganisationKind.SCHOOL,
        school_number="999999",
        level="primary",
        street="Straat 1",
        postcode=postcodes[0],
        municipality=postcodes[0].municipality,
        confirmed_at=timezone.now(),
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(school=school, first_name=f"P{i}", last_name="Bench", school_year=6)
        for i in range(REFERRALS)
    )
    now = timezone.now()
    Referral.objects.bulk_create(
        Referral(
            programme=programme,
            referrer=school,
            pupil=pupil,
            status=ReferralStatus.ACCEPTED,
            submitted_at=now,
            consent_given_on=today,
            consent_given_by="moeder",
            needs=rng.sample(COMPETENCES, 2),
            meeting_modes=["school"],
            time_slots=rng.sample(ALL_SLOTS, 3),
        )
        for pupil in pupils
    )
    coordinator = User.objects.create(email="coordinator@bench.example")
    Membership.objects.create(
        user=coordinator, organisation=programme, role=Role.PROGRAMME_COORDINATOR
    )
    from tests.factories import enrol_totp  # coordinators need 2FA before personal data

    enrol_totp(coordinator)
    return coordinator, Referral.objects.filter(programme=programme).first()


def main() -> None:
    call_command("migrate", verbosity=0)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    rng = random.Random(4)
    started = time.perf_counter()
    coordinator, referral = build(rng)
    print(
        f"built {BUDDIES} buddies, {REFERRALS} referrals in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("matching:referral_suggestions", args=[referral.uuid])
    floor_url = reverse("privacy")
    client.get(floor_url)
    pages, cpus, engines, queries, floors = [], [], [], 0, []
    data = candidates.programme_input(referral.programme)
    for _ in range(ROUNDS):
        start = time.perf_counter()
        data.problem.suggest_buddies(str(referral.uuid), texts=engine.DUTCH)
        engines.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as captured:
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            pages.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code} {response.get('Location', '')}")
        queries = len(captured)
        # the floor: the cheapest page of the same server, for the same signed-in user
        start = time.perf_counter()
        if client.get(floor_url).status_code != 200:
            raise SystemExit(f"GET {floor_url} failed")
        floors.append(time.perf_counter() - start)

    def ms(values: list[float], q: float) -> float:
        return 1000 * statistics.quantiles(values, n=100)[int(q) - 1] if q < 100 else 0.0

    cold, warm = pages[0], pages[1:]
    floor = statistics.median(floors)
    print(f"database: {connection.vendor}")
    print(
        f"floor: the privacy page of the same server, signed in, median {1000 * floor:.1f} ms,"
        f" p95 {ms(floors, 95):.1f} ms"
    )
    print(
        f"page, later requests: median {statistics.median(warm) / floor:.1f} x floor,"
        f" p95 {ms(warm, 95) / max(ms(floors, 95), 1e-9):.1f} x floor p95;"
        f" first request {cold / floor:.0f} x floor"
    )
    print(f"page, first request (reads {BUDDIES} buddies, builds the arrays): {1000 * cold:.0f} ms")
    print(
        f"page, later requests (cached input): median {1000 * statistics.median(warm):.1f} ms, "
        f"p95 {ms(warm, 95):.1f} ms, {queries} SQL queries; CPU time of this process: "
        f"first {1000 * cpus[0]:.0f} ms, later median {1000 * statistics.median(cpus[1:]):.1f} ms"
    )
    print(f"load average (other processes share the 2 cores): {os.getloadavg()[0]:.1f}")
    print(
        f"engine suggest_buddies (Problem built once): median "
        f"{1000 * statistics.median(engines):.2f} ms"
    )
    # The batch preview of the whole queue: the first request solves it (the engine input
    # is shared with the suggestion pages), later ones reuse the solved preview.
    batch_url = reverse("matching:batch", args=[referral.programme.uuid])
    batches, batch_cpus, batch_queries = [], [], 0
    for _ in range(max(3, ROUNDS // 3)):
        with CaptureQueriesContext(connection) as captured:
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(batch_url)
            batches.append(time.perf_counter() - start)
            batch_cpus.append(time.process_time() - cpu)
        if response.status_code != 200:
            raise SystemExit(f"GET {batch_url}: {response.status_code}")
        batch_queries = len(captured)
    print(
        f"batch preview: later requests {statistics.median(batches[1:]) / floor:.1f} x floor,"
        f" first request {batches[0] / floor:.0f} x floor"
    )
    print(
        f"batch preview ({REFERRALS} referrals): first request {1000 * batches[0]:.0f} ms "
        f"(solves), later requests median {1000 * statistics.median(batches[1:]):.1f} ms, "
        f"{batch_queries} SQL queries; CPU time: first {1000 * batch_cpus[0]:.0f} ms, later "
        f"median {1000 * statistics.median(batch_cpus[1:]):.1f} ms"
    )


if __name__ == "__main__":
    main()
