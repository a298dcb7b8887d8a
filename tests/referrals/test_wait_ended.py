"""Each referral's end of wait and first match (issue 22): the transition services keep
them in the transition's own transaction, equal to the earliest matching move of the log,
and `buddywerk rollup-rebuild` recomputes them from the log."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from buddywerk.referrals import services
from buddywerk.referrals.models import (
    Referral,
    ReferralCount,
    ReferralMonth,
    ReferralStatus,
    ReferralTransition,
)
from buddywerk.referrals.rollup import counts_forget, counts_from_referrals, waits_from_log
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 10, 1, 10, tzinfo=dt.UTC)


def at(days: int) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def moments(referral) -> tuple:
    referral.refresh_from_db()
    return referral.wait_ended_at, referral.first_matched_at


def accepted():
    referral = ReferralFactory()
    return services.referral_accept(actor=None, referral=referral, now=at(0))


def test_a_submitted_referral_is_still_waiting():
    assert moments(ReferralFactory()) == (None, None)


def test_the_first_match_ends_the_wait_and_a_rematch_keeps_it():
    referral = accepted()
    services.referral_match(actor=None, referral=referral, now=at(5))
    assert moments(referral) == (at(5), at(5))
    services.referral_requeue(actor=None, referral=referral, reason="Rematch", now=at(9))
    services.referral_match(actor=None, referral=referral, now=at(12))
    assert moments(referral) == (at(5), at(5))


def test_declined_and_withdrawn_end_the_wait_without_a_match():
    declined = ReferralFactory()
    services.referral_decline(actor=None, referral=declined, reason="No room", now=at(3))
    assert moments(declined) == (at(3), None)
    withdrawn = accepted()
    services.referral_withdraw(actor=None, referral=withdrawn, now=at(4))
    assert moments(withdrawn) == (at(4), None)


def test_a_move_dated_earlier_than_the_kept_one_wins():
    # A fake clock may log a move before an earlier-logged one: the minimum of the log.
    referral = accepted()
    services.referral_match(actor=None, referral=referral, now=at(8))
    services.referral_requeue(actor=None, referral=referral, reason="Rematch", now=at(9))
    services.referral_match(actor=None, referral=referral, now=at(2))
    assert moments(referral) == (at(2), at(2))


def test_a_refused_transition_changes_nothing():
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        services.referral_match(actor=None, referral=referral, now=at(1))  # not accepted
    assert moments(referral) == (None, None)


def test_the_rebuild_changes_nothing_after_the_services():
    first, second, third = accepted(), accepted(), ReferralFactory()
    services.referral_match(actor=None, referral=first, now=at(5))
    services.referral_requeue(actor=None, referral=first, reason="Rematch", now=at(6))
    services.referral_withdraw(actor=None, referral=second, now=at(7))
    services.referral_decline(actor=None, referral=third, reason="No room", now=at(8))
    kept = set(Referral.objects.values_list("pk", "wait_ended_at", "first_matched_at"))
    assert kept == waits_from_log()
    kept_months = months()
    assert len(kept_months) == 2
    kept_counts = counts()
    assert kept_counts == rebuilt_counts()
    call_command("rollup_rebuild", stdout=io.StringIO())
    assert set(Referral.objects.values_list("pk", "wait_ended_at", "first_matched_at")) == kept
    assert months() == kept_months
    assert counts() == kept_counts


def months() -> set[tuple]:
    return set(
        ReferralMonth.objects.values_list(
            "referral_id", "programme_id", "month", "matched", "declined"
        )
    )


def counts() -> set[tuple]:
    return set(ReferralCount.objects.values_list("programme_id", "submitted", "wait_ended", "n"))


def rebuilt_counts() -> set[tuple]:
    return {(c.programme_id, c.submitted, c.wait_ended, c.n) for c in counts_from_referrals()}


def test_the_counts_follow_submission_and_end_of_wait():
    """Each referral lies in the count of its programme, month of submission and month its
    wait ended (issue 22); a draft in none; the purge takes a referral out."""
    draft = ReferralFactory(draft=True)
    assert counts() == set()
    services.referral_submit(actor=None, referral=draft, now=at(0))
    october, november = dt.date(2025, 10, 1), dt.date(2025, 11, 1)
    programme = draft.programme_id
    assert counts() == {(programme, october, None, 1)}
    services.referral_accept(actor=None, referral=draft, reason="Ok", now=at(1))
    assert counts() == {(programme, october, None, 1)}
    services.referral_match(actor=None, referral=draft, now=at(40))
    assert counts() == {(programme, october, november, 1)}
    services.referral_requeue(actor=None, referral=draft, reason="Rematch", now=at(41))
    # An earlier end (a fake clock) moves it; the wait does not start again.
    services.referral_match(actor=None, referral=draft, now=at(2))
    assert counts() == {(programme, october, october, 1)} == rebuilt_counts()
    counts_forget([draft.pk])
    assert counts() == set()


def test_a_match_and_a_decline_mark_their_month():
    matched, declined = accepted(), ReferralFactory()
    services.referral_match(actor=None, referral=matched, now=at(5))
    services.referral_requeue(actor=None, referral=matched, reason="Rematch", now=at(40))
    services.referral_match(actor=None, referral=matched, now=at(41))
    services.referral_decline(actor=None, referral=declined, reason="No room", now=at(3))
    october, november = dt.date(2025, 10, 1), dt.date(2025, 11, 1)
    assert months() == {
        (matched.pk, matched.programme_id, october, True, False),
        (matched.pk, matched.programme_id, november, True, False),
        (declined.pk, declined.programme_id, october, False, True),
    }


def test_the_rebuild_follows_history_written_outside_the_services():
    referral = accepted()
    services.referral_match(actor=None, referral=referral, now=at(5))
    # History moved back in time directly (as `buddywerk generate` and fixtures write it).
    ReferralTransition.objects.filter(referral=referral, to_status=ReferralStatus.MATCHED).update(
        at=at(1)
    )
    assert moments(referral) == (at(5), at(5))
    call_command("rollup_rebuild", stdout=io.StringIO())
    assert moments(referral) == (at(1), at(1))
