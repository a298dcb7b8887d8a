"""Issue 14, point 3: the city's figures. A municipality scope of the funder's report (a
pupil counts in their school's municipality, a family in its home's; docs/reports.md, "The
city's figures") and the city role: staff of a municipality read its figures only, in bands
of five and whole months like the funder, and no other municipality exists for them.

The hand-counted world is the report world of tests/reports/world.py (interim 2025) plus:
- t5: a duo of Buddy Mechelen (which now also covers Lier) with a pupil of a school in
  Lier (a Buddy Mechelen figure, not a Mechelen one), with its referral r11, meetings and
  scores;
- t6: a duo of Buddy Gent (Oost-Vlaanderen; it now also covers Mechelen) with a family
  living in Mechelen (a Mechelen figure, in the Oost-Vlaanderen column), with its referral
  r10, meetings and scores.
Mechelen's figures are then those of t1 (a group of two pupils of School Mechelen), t2,
the referrals r1, r2, r3, r8 of School Mechelen, and t6 with r10.
"""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from buddywerk.access import policy
from buddywerk.access.models import Membership, Role
from buddywerk.access.services import membership_grant
from buddywerk.buddies.models import Buddy, BuddyKind, ScreeningStatus
from buddywerk.common.audit import AuditAction
from buddywerk.common.models import AuditEvent
from buddywerk.geo.models import Municipality
from buddywerk.organisations.models import City, OrganisationKind
from buddywerk.organisations.services import organisation_save
from buddywerk.referrals.models import Family, Pupil, ReferralStatus
from buddywerk.reports.figures import Scope, build_report
from buddywerk.reports.forms import default_query
from buddywerk.reports.periods import Period
from buddywerk.trajectories.enums import MeetingStatus, WellbeingMoment
from buddywerk.trajectories.models import Trajectory
from buddywerk.trajectories.rollup import duo_months_rebuild
from tests.factories import (
    FamilyFactory,
    FamilyReferralFactory,
    OrganisationFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    UserFactory,
    member,
    postcode,
)
from tests.reports.world import PERIOD, _buddy, _duo, _meetings, _referral, _score, build

pytestmark = pytest.mark.django_db

MECHELEN = "12025"
GENT = "44021"
LIER = "12021"
QUERY = {"area": f"municipality:{MECHELEN}", "period": "interim", "school_year": "2025"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def build_city_world():
    world = build()
    p1, p2 = world.p1, world.p2
    # Buddy Mechelen also works in Lier; Buddy Gent takes families in Mechelen too.
    p1.municipalities.add(LIER)
    p2.municipalities.add(MECHELEN)
    # t5: Buddy Mechelen with a pupil of a school in Lier.
    lier_school = SchoolFactory(name="School Lier (rapport)", postcode=postcode("2500"))
    p8 = PupilFactory(school=lier_school, school_year=5)
    r11 = _referral(
        ReferralFactory,
        status=ReferralStatus.MATCHED,
        submitted="2025-09-03",
        moved="2025-09-10",
        programme=p1,
        pupil=p8,
    )
    b6 = _buddy(BuddyKind.TEACHER, [], screened=None, extract=None, status=ScreeningStatus.APPLIED)
    t5 = _duo(p1, b6, lier_school, [r11], start="2025-09-15")
    _meetings(
        t5,
        ("2025-10-20", MeetingStatus.HAPPENED, 60),
        ("2025-10-27", MeetingStatus.CANCELLED, None),
    )
    _score(t5, r11, "2025-10-20", WellbeingMoment.INTAKE, 1)
    _score(t5, r11, "2025-12-01", WellbeingMoment.END, 5)
    # t6: Buddy Gent with a family living in Mechelen.
    service = OrganisationFactory(name="Dienst Mechelen (rapport)", kind=OrganisationKind.SERVICE)
    family = FamilyFactory(referred_by=service, postcode=postcode("2800"))
    r10 = _referral(
        FamilyReferralFactory,
        status=ReferralStatus.MATCHED,
        submitted="2025-09-02",
        moved="2025-09-12",
        programme=p2,
        family=family,
    )
    b7 = _buddy(BuddyKind.TEACHER, [], screened=None, extract=None, status=ScreeningStatus.APPLIED)
    t6 = _duo(p2, b7, service, [r10], start="2025-09-15")
    _meetings(
        t6,
        ("2025-10-07", MeetingStatus.HAPPENED, 60),
        ("2025-11-04", MeetingStatus.HAPPENED, 60),
    )
    _score(t6, r10, "2025-10-07", WellbeingMoment.INTAKE, 3)
    _score(t6, r10, "2025-12-02", WellbeingMoment.END, 4)
    duo_months_rebuild()
    world.objects |= {"t5": t5, "t6": t6, "r10": r10, "r11": r11, "p8": p8}
    return world


@pytest.fixture
def world():
    return build_city_world()


def mechelen_scope():
    return Scope(municipality=Municipality.objects.select_related("province").get(pk=MECHELEN))


def cells(report, key, label):
    """{column: value} of one row, without the zero columns."""
    table = report.table(key)
    row = next(r for r in table.rows if str(r.label) == label)
    return {c: v for c, v in zip(table.columns, row.values, strict=True) if v not in (0, None)}


def city_staff(nis_code=MECHELEN):
    city = City.objects.filter(municipality_id=nis_code).first() or City.objects.create(
        kind=OrganisationKind.CITY,
        name=f"Stad {nis_code}",
        municipality=Municipality.objects.get(pk=nis_code),
    )
    return member(UserFactory(), city, Role.CITY_STAFF)


def user_with(role):
    kind = {Role.FUNDER: OrganisationKind.FUNDER, Role.PLATFORM_ADMIN: OrganisationKind.UMBRELLA}
    return member(UserFactory(), OrganisationFactory(kind=kind[role]), role)


def get(client, user, name="reports:report", query=QUERY, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None), query)


# --- the figures, counted by hand ------------------------------------------------------


def test_mechelen_columns_are_its_province_and_the_province_of_a_programme_there(world):
    report = build_report(mechelen_scope(), PERIOD)
    assert report.scope.label == "Mechelen"
    # t6 is run by Buddy Gent: its figures stand in Oost-Vlaanderen's column.
    assert report.table("participants").columns == ["Antwerpen", "Oost-Vlaanderen", "Total"]


def test_mechelen_participants_and_school_years(world):
    report = build_report(mechelen_scope(), PERIOD)
    # t1 (p1, p2: a group), t2 (p3); not p8 (school in Lier); the family of t6 lives here.
    assert cells(report, "participants", "Pupils") == {"Antwerpen": 3, "Total": 3}
    assert cells(report, "participants", "Families") == {"Oost-Vlaanderen": 1, "Total": 1}
    assert cells(report, "school_years", "3rd year primary") == {"Antwerpen": 2, "Total": 2}
    assert cells(report, "school_years", "1st year secondary") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "school_years", "5th year primary") == {}  # p8, in Lier


def test_mechelen_meetings(world):
    report = build_report(mechelen_scope(), PERIOD)
    # t1: 29/9 (60), 6/10 (90), 31/12 (60) held, 13/10 cancelled; t2: 3/11 (30); t6: 7/10
    # and 4/11 (60 each). Not t5's 20/10 held and 27/10 cancelled (Lier).
    assert cells(report, "meetings", "Held") == {"Antwerpen": 4, "Oost-Vlaanderen": 2, "Total": 6}
    assert cells(report, "meetings", "Cancelled") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "meetings", "Hours") == {
        "Antwerpen": 4.0,
        "Oost-Vlaanderen": 2.0,
        "Total": 6.0,
    }
    assert cells(report, "meetings", "Meetings per duo") == {
        "Antwerpen": 2.0,
        "Oost-Vlaanderen": 2.0,
        "Total": 2.0,
    }


def test_mechelen_meetings_are_the_same_from_the_rollup_and_the_meetings(world):
    scope = mechelen_scope()
    whole = Period(PERIOD.start, PERIOD.end)
    rollup = build_report(scope, whole, from_rollup=True).table("meetings")
    rows = build_report(scope, whole, from_rollup=False).table("meetings")
    assert [r.values for r in rollup.rows] == [r.values for r in rows.rows]


def test_mechelen_referrals_and_cooperation(world):
    report = build_report(mechelen_scope(), PERIOD)
    # Received in the period: r1 (10/9), r3 (1/10); r10 (2/9, the family). r2 came on 20/8,
    # r8 in May; r11 (Lier) is not Mechelen's.
    assert cells(report, "referrals", "Received") == {
        "Antwerpen": 2,
        "Oost-Vlaanderen": 1,
        "Total": 3,
    }
    # r1 (20/9), r2 (9/9), r3 (31/10); r10 (12/9).
    assert cells(report, "referrals", "Matched") == {
        "Antwerpen": 3,
        "Oost-Vlaanderen": 1,
        "Total": 4,
    }
    assert cells(report, "referrals", "Waiting") == {"Antwerpen": 1, "Total": 1}  # r8
    assert cells(report, "referrals", "Declined") == {}
    # Days to match: r1 10, r2 20, r3 30 (and an hour: winter time), r10 10.
    assert cells(report, "referrals", "Median days from submission to match") == {
        "Antwerpen": 20.0,
        "Oost-Vlaanderen": 10.0,
        "Total": 15.0,
    }
    # School Mechelen referred (r1, r3) and has active duos; the students of t1 and t2 come
    # from one institution; t6's partner is a service, not a school.
    assert cells(report, "cooperation", "Schools that referred") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "cooperation", "Schools with active duos") == {
        "Antwerpen": 1,
        "Total": 1,
    }
    assert cells(report, "cooperation", "Training institutions with active student buddies") == {
        "Antwerpen": 1,
        "Total": 1,
    }


def test_mechelen_buddies_are_those_of_the_programmes_covering_it(world):
    report = build_report(mechelen_scope(), PERIOD)
    # Buddy Mechelen and Buddy Gent cover Mechelen: b1, b2, b5 (b5 in both programmes: in
    # both columns, once in the total). Buddy Gent's others are not available in the
    # period (b3 approved after it, b4 without extract, a mentor until 31/8, an applicant);
    # the buddies of t5 and t6 are not approved.
    assert cells(report, "buddies", "All kinds") == {
        "Antwerpen": 3,
        "Oost-Vlaanderen": 1,
        "Total": 3,
    }
    assert cells(report, "buddies", "Role model") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 1,
    }


def test_mechelen_wellbeing_and_closed(world):
    report = build_report(mechelen_scope(), PERIOD)
    # p1 2 -> 4, p2 3 -> 3 (the 5 comes after the period), p3 intake only; the family of
    # t6 3 -> 4. Not p8 (1 -> 5, Lier).
    label = "Participants with an intake and a later score"
    assert cells(report, "wellbeing", label) == {"Antwerpen": 2, "Oost-Vlaanderen": 1, "Total": 3}
    assert cells(report, "wellbeing", "Mean change") == {
        "Antwerpen": 1.0,
        "Oost-Vlaanderen": 1.0,
        "Total": 1.0,
    }
    assert cells(report, "wellbeing", "Share improved (%)") == {
        "Antwerpen": 50.0,
        "Oost-Vlaanderen": 100.0,
        "Total": 66.7,
    }
    # The group t1 (p1's end score on 20/12) and t6.
    assert cells(report, "wellbeing", "Duos with an intake and an end measurement") == {
        "Antwerpen": 1,
        "Oost-Vlaanderen": 1,
        "Total": 2,
    }
    per_programme = {str(r.label): r.values for r in report.table("wellbeing_programmes").rows}
    assert per_programme == {
        "Buddy Gent (rapport)": [1, 1.0, 100.0],
        "Buddy Mechelen (rapport)": [2, 1.0, 50.0],
        "All programmes": [3, 1.0, 66.7],
    }
    assert cells(report, "closed", "Goals reached") == {"Antwerpen": 1, "Total": 1}  # t2
    assert cells(report, "closed", "All reasons") == {"Antwerpen": 1, "Total": 1}


def test_the_programme_still_counts_its_pupil_in_lier(world):
    """The municipality is not the programme: Buddy Mechelen's report holds p8 (Lier)."""
    report = build_report(Scope(programme=world.p1), PERIOD)
    assert cells(report, "participants", "Pupils") == {"Antwerpen": 4, "Total": 4}
    lier = Municipality.objects.select_related("province").get(pk=LIER)
    report = build_report(Scope(municipality=lier), PERIOD)
    assert cells(report, "participants", "Pupils") == {"Antwerpen": 1, "Total": 1}
    assert cells(report, "participants", "Families") == {}


def test_the_report_queries_do_not_grow_with_the_municipality(world, django_assert_max_num_queries):
    scope = mechelen_scope()
    with django_assert_max_num_queries(30):
        build_report(scope, PERIOD)


# --- the city role ---------------------------------------------------------------------


def test_city_staff_see_their_municipality_only_in_bands(client, world):
    user = city_staff()
    assert default_query(user)["area"] == f"municipality:{MECHELEN}"  # their first report
    response = get(client, user)
    assert response.status_code == 200
    areas = [value for value, _label in response.context["form"].fields["area"].choices]
    assert areas == [f"municipality:{MECHELEN}"]
    report = response.context["report"]
    assert report.scope.municipality.pk == MECHELEN
    assert report.suppressed
    pupils = report.table("participants").rows[0]
    assert pupils.shown[-1] == "<5"
    # The page's figures come from the store, which keeps the published text only
    # (issue 17, point 4): no exact count of 3 pupils even in the page's context.
    assert pupils.values[-1] == "<5"
    held = report.table("meetings").rows[0]
    assert held.shown[-1] == "5-9"


@pytest.mark.parametrize("fmt", [None, "xlsx", "csv", "pdf"])
def test_another_municipality_answers_404_to_city_staff(client, world, fmt):
    user = city_staff()
    name, kwargs = ("reports:export", {"fmt": fmt}) if fmt else ("reports:report", {})
    for code in (GENT, LIER, "99999", ""):
        response = get(
            client, user, name, query={**QUERY, "area": f"municipality:{code}"}, **kwargs
        )
        assert response.status_code == 404, code
    # Their own answers.
    assert get(client, user, name, **kwargs).status_code == 200


def test_city_staff_get_no_province_programme_or_everything(client, world):
    user = city_staff()
    for area in ("all", "province:VAN", f"programme:{world.p1.pk}"):
        response = get(client, user, query={**QUERY, "area": area})
        assert "report" not in response.context
        assert response.context["form"].errors["area"]
    assert (
        get(client, user, "reports:export", query={**QUERY, "area": "all"}, fmt="xlsx").status_code
        == 400
    )


def test_city_staff_ask_whole_months_only(client, world):
    user = city_staff()
    query = {**QUERY, "period": "custom", "start": "2025-10-01", "end": "2025-10-30"}
    with translation.override("nl-be"):
        response = get(client, user, query=query)
        assert "report" not in response.context
        assert "hele maanden" in " ".join(response.context["form"].non_field_errors())
    response = get(client, user, query={**query, "end": "2025-10-31"})
    assert response.context["report"].suppressed


def test_the_policy_decides_the_municipality_scope(world):
    staff = city_staff()
    funder = user_with(Role.FUNDER)
    admin = user_with(Role.PLATFORM_ADMIN)
    region = member(
        UserFactory(),
        OrganisationFactory(kind=OrganisationKind.REGION, province_id="VOV"),
        Role.REGIONAL_COORDINATOR,
    )
    coordinator = member(UserFactory(), world.p1, Role.PROGRAMME_COORDINATOR)
    everything = Municipality.objects.all()

    def codes(user):
        return set(policy.report_municipalities_of(user, everything).values_list("pk", flat=True))

    # Where a programme works: Mechelen, Lier (Buddy Mechelen), Gent, Mechelen (Buddy Gent).
    assert codes(staff) == {MECHELEN}
    assert codes(funder) == {MECHELEN, GENT, LIER}
    assert codes(admin) == {MECHELEN, GENT, LIER}
    assert codes(region) == {GENT}
    assert codes(coordinator) == set()
    for user in (staff, funder, region):
        assert policy.report_is_suppressed(
            user, province=None, programme=None, municipality=MECHELEN
        )
    assert not policy.report_is_suppressed(
        admin, province=None, programme=None, municipality=MECHELEN
    )
    assert policy.can_view_reports(staff)
    # No individual rows, no duo, no pupil for the city role.
    assert not policy.pupils_visible_to(staff, Pupil.objects.all()).exists()
    assert not policy.families_visible_to(staff, Family.objects.all()).exists()
    assert not policy.trajectories_visible_to(staff, Trajectory.objects.all()).exists()
    assert not policy.buddies_visible_to(staff, Buddy.objects.all()).exists()
    assert not policy.can_list_trajectories(staff)
    assert not policy.can_list_pupils(staff)
    assert policy.requires_mfa(staff)


def test_the_admin_sees_mechelen_exactly_and_the_funder_in_bands(client, world):
    response = get(client, user_with(Role.PLATFORM_ADMIN))
    assert not response.context["report"].suppressed
    assert response.context["report"].table("participants").rows[0].shown[-1] == 3
    response = get(client, user_with(Role.FUNDER))
    assert response.context["report"].suppressed
    assert response.context["report"].table("participants").rows[0].shown[-1] == "<5"


# --- the exports, read back --------------------------------------------------------------


def _names():
    return [
        *Pupil.objects.values_list("first_name", "last_name"),
        *Family.objects.values_list("contact_name", "contact_name"),
        *Buddy.objects.values_list("user__first_name", "user__last_name"),
    ]


def _no_person(text):
    names = _names()
    assert names
    for first, last in names:
        assert f"{first} {last}" not in text
        assert len(last) < 4 or last not in text


def test_admin_xlsx_of_mechelen_reads_back(client, world):
    response = get(client, user_with(Role.PLATFORM_ADMIN), "reports:export", fmt="xlsx")
    assert response.status_code == 200
    assert "mechelen" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheets = {sheet.cell(1, 1).value: sheet for sheet in book.worksheets[1:]}
    meetings = list(sheets["Contactmomenten"].iter_rows(min_row=2, values_only=True))
    assert meetings[0] == (None, "Antwerpen", "Oost-Vlaanderen", "Totaal")
    assert meetings[1] == ("Doorgegaan", 4, 2, 6)
    assert meetings[2] == ("Geannuleerd", 1, 0, 1)
    assert meetings[3][0] == "Uren" and list(meetings[3][1:]) == [4.0, 2.0, 6.0]
    participants = list(sheets["Begeleide deelnemers"].iter_rows(min_row=3, values_only=True))
    assert participants == [("Leerlingen", 3, 0, 3), ("Gezinnen", 0, 1, 1)]
    text = "\n".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    assert "Mechelen" in text
    _no_person(text)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_city_exports_publish_the_bands_of_the_page_and_no_person(client, world, fmt):
    user = city_staff()
    page = get(client, user).context["report"]
    with translation.override("nl-be"):
        shown = {(str(t.title), str(r.label)): r.shown for t in page.tables for r in t.rows}
    response = get(client, user, "reports:export", fmt=fmt)
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets[1:]:
            title = sheet.cell(1, 1).value
            for row in sheet.iter_rows(min_row=3, values_only=True):
                assert list(row[1:]) == list(shown[(title, row[0])]), (title, row)
        values = [
            c.value
            for sheet in book.worksheets[1:]
            for row in sheet.iter_rows(min_row=3, min_col=2)
            for c in row
        ]
        assert not [v for v in values if isinstance(v, int) and 0 < v < 5]
        assert shown[("Contactmomenten", "Doorgegaan")] == ["<5", "<5", "5-9"]
        text = "\n".join(
            str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
        )
    elif fmt == "csv":
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        pupils = next(r for r in rows if r and r[0] == "Leerlingen")
        assert pupils[1:] == ["<5", "0", "<5"]
        held = next(r for r in rows if r and r[0] == "Doorgegaan")
        assert held[1:] == ["<5", "<5", "5-9"]
    else:
        assert response.content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(response.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "5-9" in text
        assert "groepen van vijf" in text
        assert "Begeleide deelnemers" in text
        assert "Contactmomenten" in text
    assert "Mechelen" in text
    assert "Totaal" in text
    _no_person(text)


# --- made by a platform admin, through the services, audited --------------------------


def test_a_platform_admin_makes_a_city_and_gives_staff_the_role(world):
    admin = user_with(Role.PLATFORM_ADMIN)
    city = organisation_save(
        actor=admin,
        organisation=City(),
        fields={"name": "Stad Mechelen", "municipality": Municipality.objects.get(pk=MECHELEN)},
    )
    assert city.kind == OrganisationKind.CITY
    assert AuditEvent.objects.filter(
        action=AuditAction.ORGANISATION_CREATE, actor=admin, object_id=str(city.uuid)
    ).exists()
    staff = UserFactory()
    membership = membership_grant(actor=admin, user=staff, organisation=city, role=Role.CITY_STAFF)
    assert AuditEvent.objects.filter(
        action=AuditAction.MEMBERSHIP_GRANT, actor=admin, object_id=str(membership.pk)
    ).exists()
    assert policy.city_municipality_codes(staff) == {MECHELEN}
    # One city per municipality; only platform admins make one.
    with pytest.raises(ValidationError):
        organisation_save(
            actor=admin,
            organisation=City(),
            fields={"name": "Nog een", "municipality": Municipality.objects.get(pk=MECHELEN)},
        )
    with pytest.raises(PermissionDenied):
        organisation_save(
            actor=staff,
            organisation=City(),
            fields={"name": "Stad Gent", "municipality": Municipality.objects.get(pk=GENT)},
        )
    # The role belongs to a city, nowhere else.
    with pytest.raises(ValidationError):
        membership_grant(
            actor=admin, user=UserFactory(), organisation=world.p1, role=Role.CITY_STAFF
        )
    assert not Membership.objects.filter(role=Role.CITY_STAFF, organisation=world.p1).exists()


def test_the_form_names_the_municipality_in_dutch(world):
    from buddywerk.reports.forms import ReportForm

    with translation.override("nl-be"):
        form = ReportForm(user=city_staff())
        assert [str(label) for _value, label in form.fields["area"].choices] == [
            "Mechelen (gemeente)"
        ]
