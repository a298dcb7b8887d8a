"""Instance files: the format of docs/matching.md, read strictly, nothing guessed."""

import copy
import io
import json
from datetime import date

import pytest

from buddywerk.matching.engine import Weights
from buddywerk.matching.instance import InstanceError, parse_instance, write_pairs


@pytest.fixture(autouse=True)
def _clear_cache():
    """Overrides the project-wide cache reset: instance files need no cache nor database."""
    yield


ISSUE_EXAMPLE = {
    "buddies": [
        {
            "id": "b1",
            "lat": 51.03,
            "lon": 4.48,
            "radius_km": 10,
            "capacity": 2,
            "modes": ["school", "online"],
            "slots": ["mon-after", "wed-pm"],
            "languages": ["nl", "ar"],
            "competences": ["maths", "reading"],
            "level": "junior",
            "screened": True,
        }
    ],
    "referrals": [
        {
            "id": "r1",
            "lat": 51.02,
            "lon": 4.47,
            "modes": ["school"],
            "slots": ["wed-pm"],
            "needs": ["maths"],
            "contact_language": "ar",
            "minor": True,
            "urgency": 2,
            "complexity": "normal",
        }
    ],
}


def example(**changes):
    data = copy.deepcopy(ISSUE_EXAMPLE)
    for path, value in changes.items():
        kind, field = path.split("__")
        if value is DELETE:
            del data[kind][0][field]
        else:
            data[kind][0][field] = value
    return json.dumps(data)


DELETE = object()


def test_the_issue_example_reads_with_documented_defaults():
    instance = parse_instance(example())
    (buddy,) = instance.buddies
    (referral,) = instance.referrals
    assert buddy.modes == {"school", "online"} and buddy.capacity == 2
    assert (buddy.approved, buddy.available, buddy.active) == (True, True, 0)
    assert (buddy.available_from, buddy.available_until) == (None, None)
    assert referral.contact_language == "ar" and referral.home_languages == frozenset()
    assert (referral.start, referral.end) == (None, None)
    assert instance.weights == Weights()
    batch = instance.problem().solve()
    assert [(a.referral, a.buddy) for a in batch.assignments] == [("r1", "b1")]


def test_unknown_fields_are_ignored_and_optional_fields_are_read():
    data = json.loads(example(referrals__grade=5, buddies__nickname="Bo"))
    data["meta"] = {"generator": "another-solver", "version": 3}
    data["buddies"][0].update(
        approved=False, available_from="2026-02-01", available_until=None, active=1
    )
    data["referrals"][0].update(
        home_languages=["ar", "fr"], start="2026-03-01", end="2026-06-30", contact_language=None
    )
    data["weights"] = {"distance": 400, "slots": 50, "urgency_percent": 20, "colour": "red"}
    instance = parse_instance(json.dumps(data))
    buddy, referral = instance.buddies[0], instance.referrals[0]
    assert (buddy.approved, buddy.available_from, buddy.active) == (False, date(2026, 2, 1), 1)
    assert referral.home_languages == {"ar", "fr"} and referral.contact_language is None
    assert (referral.start, referral.end) == (date(2026, 3, 1), date(2026, 6, 30))
    assert instance.weights == Weights(distance=400, slots=50, urgency_percent=20)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"buddies__lat": DELETE}, 'buddies[0] (id "b1"): missing required field "lat"'),
        (
            {"buddies__lat": "51.03"},
            'buddies[0] (id "b1"): field "lat" must be a number from -90 to 90, got "51.03"',
        ),
        ({"buddies__lat": 91}, 'field "lat" must be a number from -90 to 90, got 91'),
        ({"buddies__radius_km": -1}, 'field "radius_km" must be a number >= 0 (km), got -1'),
        ({"buddies__capacity": 1.5}, 'field "capacity" must be a whole number >= 0, got 1.5'),
        ({"buddies__capacity": True}, 'field "capacity" must be a whole number >= 0, got true'),
        ({"buddies__modes": []}, 'field "modes" must be a non-empty list of school, home'),
        ({"buddies__modes": ["bus"]}, 'field "modes" must be a non-empty list of school'),
        ({"buddies__slots": "wed-pm"}, 'field "slots" must be a list of non-empty strings'),
        ({"buddies__languages": [""]}, 'field "languages" must be a list of non-empty strings'),
        ({"buddies__level": "senior"}, 'field "level" must be "junior" or "expert"'),
        ({"buddies__screened": "yes"}, 'field "screened" must be true or false, got "yes"'),
        ({"buddies__available_from": "1/2/2026"}, 'field "available_from" must be a date'),
        ({"buddies__id": 7}, 'buddies[0]: field "id" must be a non-empty string, got 7'),
        ({"referrals__needs": []}, 'referrals[0] (id "r1"): field "needs" must be a non-empty'),
        ({"referrals__urgency": 4}, 'field "urgency" must be 1, 2 or 3, got 4'),
        ({"referrals__complexity": "hard"}, 'field "complexity" must be "low", "normal", "high"'),
        ({"referrals__minor": DELETE}, 'referrals[0] (id "r1"): missing required field "minor"'),
        ({"referrals__contact_language": 3}, 'field "contact_language" must be a non-empty'),
        (
            {"referrals__start": "2026-06-01", "referrals__end": "2026-03-01"},
            'referrals[0] (id "r1"): "start" is after "end"',
        ),
    ],
)
def test_malformed_fields_name_the_record_and_the_field(changes, message):
    with pytest.raises(InstanceError) as error:
        parse_instance(example(**changes))
    assert len(error.value.errors) == 1
    assert message in error.value.errors[0]
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", 'one JSON object with "buddies" and "referrals"'),
        ('{"buddies": []}', 'instance: missing required field "referrals"'),
        ('{"buddies": {}, "referrals": []}', 'field "buddies" must be a list'),
        ('{"buddies": [1], "referrals": []}', "buddies[0]: must be an object, got 1"),
        ('{"buddies": [], "referrals": [], "weights": {"fit": 900}}', "add up to 1000"),
        ('{"buddies": [], "referrals": [], "weights": {"fit": "x"}}', '"fit" must be a whole'),
    ],
)
def test_malformed_files(text, message):
    with pytest.raises(InstanceError, match="invalid instance") as error:
        parse_instance(text)
    assert message in error.value.errors[0]


def test_nan_is_not_a_number():
    with pytest.raises(InstanceError, match="NaN is not a number"):
        parse_instance(example().replace("51.03", "NaN"))


def test_duplicate_ids_and_many_errors():
    data = json.loads(example())
    data["buddies"].append(dict(data["buddies"][0]))
    with pytest.raises(InstanceError) as error:
        parse_instance(json.dumps(data))
    assert error.value.errors == [
        'buddies[1] (id "b1"): duplicate id "b1" (also buddies[0] (id "b1"))'
    ]
    data["referrals"] = [{"id": f"r{i}"} for i in range(30)]
    with pytest.raises(InstanceError) as error:
        parse_instance(json.dumps(data))
    assert len(error.value.errors) == 20
    assert "stopped after 20 errors" in str(error.value)


def test_pairs_csv_quotes_awkward_ids():
    data = json.loads(example(referrals__id='r,1 "x"'))
    problem = parse_instance(json.dumps(data)).problem()
    out = io.StringIO()
    assert write_pairs(problem, out) == 1
    assert out.getvalue() == 'referral,buddy,score\n"r,1 ""x""",b1,740\n'


def test_regions_are_read_and_split_into_independent_instances():
    data = copy.deepcopy(ISSUE_EXAMPLE)
    data["buddies"][0]["region"] = "VAN"
    data["buddies"].append({**data["buddies"][0], "id": "b2", "region": "VOV"})
    data["referrals"][0]["region"] = "VOV"
    instance = parse_instance(json.dumps(data))
    assert instance.buddy_regions == ["VAN", "VOV"]
    assert instance.referral_regions == ["VOV"]
    parts = instance.by_region()
    assert [
        (name, [b.id for b in part.buddies], [r.id for r in part.referrals]) for name, part in parts
    ] == [
        ("VAN", ["b1"], []),
        ("VOV", ["b2"], ["r1"]),
    ]
    assert all(part.weights == instance.weights for _, part in parts)


def test_a_region_is_optional_but_must_be_text_and_splitting_needs_one_everywhere():
    with pytest.raises(InstanceError) as caught:
        parse_instance(example(referrals__region=7))
    assert (
        'referrals[0] (id "r1"): field "region" must be a non-empty string or null, got 7'
        in str(caught.value)
    )
    instance = parse_instance(example(buddies__region="VAN"))
    assert instance.referral_regions == [None]
    with pytest.raises(InstanceError, match=r'referrals\[0\] \(id "r1"\): missing field "region"'):
        instance.by_region()
