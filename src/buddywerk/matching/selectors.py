"""Reads of matching, scoped by the access policy; the engine's results joined to the rows
the pages show (candidates.py reads them in a constant number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from buddywerk.access import policy
from buddywerk.buddies.models import Buddy
from buddywerk.common.audit import Seen, audit_view_many, seen
from buddywerk.common.vocabulary import Competence
from buddywerk.organisations.models import Programme
from buddywerk.referrals.models import Referral

from . import candidates, engine
from .enums import OPEN_STATUSES, ProposalStatus
from .models import Proposal


@dataclass(frozen=True)
class Row:
    """One line of a page: the engine's verdict with the database rows it is about."""

    referral: dict[str, Any]
    buddy: dict[str, Any] | None
    score: int = 0
    parts: tuple[engine.Part, ...] = ()
    constraint: str = ""
    reason: str = ""
    distance_km: float | None = None
    earlier_no: bool = False  # this buddy declined (or missed) this referral before


def participant_name(row: dict[str, Any]) -> str:
    if row.get("pupil_id"):
        return f"{row['pupil__first_name']} {row['pupil__last_name']}"
    return str(row.get("family__contact_name") or "")


def buddy_name(row: dict[str, Any]) -> str:
    return f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__email"]


def programmes_with_queue(ids: set[int]) -> QuerySet[Programme]:
    """The programmes with how many referrals wait for a proposal (one query)."""
    waiting = (
        candidates.matchable_referrals()
        .filter(programme_id=OuterRef("pk"))
        .order_by()
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Programme.objects.filter(pk__in=ids)
        .annotate(waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), 0))
        .order_by("name")
    )


def proposals_for(*, user: Any) -> QuerySet[Proposal]:
    """Proposals the user may see, with everything a list or the detail shows."""
    return policy.proposals_visible_to(user, Proposal.objects.all()).select_related(
        "programme",
        "buddy__user",
        "referral__pupil__school",
        "referral__family__postcode__municipality",
        "referral__referrer",
    )


def open_proposals(*, user: Any) -> QuerySet[Proposal]:
    return proposals_for(user=user).filter(status__in=OPEN_STATUSES).order_by("due_at", "id")


def seen_in_proposal(proposal: Proposal) -> Seen:
    """The proposal's pupil or family, the target of a view of it (common/audit.py)."""
    referral = proposal.referral
    return seen(referral.participant, referral=referral.uuid, proposal=proposal.uuid)


def proposal_rows(*, user: Any, proposals: Any) -> list[Proposal]:
    """Proposals a page lists by participant: each participant is audited as viewed, in
    one INSERT (`proposals_for` reads the participants in the same query)."""
    rows = list(proposals)
    audit_view_many(actor=user, targets=[seen_in_proposal(p) for p in rows])
    return rows


def my_proposals(*, user: Any) -> dict[str, Any]:
    """The buddy's own proposals, and those for the referrals of the user's schools."""
    visible = proposals_for(user=user)
    schools = policy.referrer_organisation_ids(user)
    return {
        "as_buddy": list(visible.filter(buddy__user_id=user.pk)[:100])
        if policy.can_see_proposals_as_buddy(user)
        else [],
        "as_school": list(visible.filter(referral__referrer_id__in=schools)[:100])
        if schools
        else [],
    }


_NO = (ProposalStatus.DECLINED, ProposalStatus.REFUSED, ProposalStatus.EXPIRED)


def earlier_no(programme: Programme) -> set[tuple[str, str]]:
    """(referral uuid, buddy uuid) pairs whose proposal ended without a yes: the engine
    does not know them, so the pages flag them and a batch leaves them unticked."""
    rows = Proposal.objects.filter(
        programme=programme,
        status__in=_NO,
    ).values_list("referral__uuid", "buddy__uuid")
    return {(str(r), str(b)) for r, b in rows}


def needs_labels(referral: Referral) -> list[str]:
    names = dict(Competence.choices)
    return [str(names.get(code, code)) for code in referral.needs]


def referral_suggestions(*, referral: Referral, texts: engine.Texts) -> dict[str, Any]:
    """Top 10 feasible buddies and the nearly-fitting ones for one referral: the cached
    engine input (one version query on a hit, one more for a referral outside the queue)
    and one query for the referral's proposals (its open one, and the buddies whose
    earlier proposal got no yes)."""
    open_proposal, before = None, set()
    for proposal in Proposal.objects.filter(referral=referral).select_related("buddy__user"):
        if proposal.status in OPEN_STATUSES:
            open_proposal = proposal
        elif proposal.status in _NO:
            before.add(str(proposal.buddy.uuid))
    # every referral's page shares the programme's cached input with the batch page; one
    # outside the queue (or a change that skipped save()) faces the same buddies alone
    queued = open_proposal is None and referral.status == candidates.MATCHABLE_STATUS
    data = candidates.cached_programme_input(referral.programme)
    if not queued or str(referral.uuid) not in data.referral_rows:
        data = candidates.facing(data, referral.pk)
    found = data.problem.suggest_buddies(str(referral.uuid), texts=texts)
    return {
        "suggestions": found,
        "feasible": [(c, data.buddy_rows[c.id], c.id in before) for c in found.feasible],
        "blocked": [(b, data.buddy_rows[b.id]) for b in found.blocked],
        "buddy_count": len(data.buddies),
        "open_proposal": open_proposal,
        "can_propose": queued,
    }


def buddy_suggestions(*, programme: Programme, buddy: Buddy, texts: engine.Texts) -> dict[str, Any]:
    """The referrals of the programme's queue that fit one buddy best."""
    data = candidates.cached_programme_input(programme)
    key = str(buddy.uuid)
    if key not in data.buddy_rows or not data.referrals:
        return {"rows": [], "blocked": [], "suggestions": None}
    found = data.problem.suggest_referrals(key, texts=texts)
    return {
        "suggestions": found,
        "rows": [
            Row(referral=data.referral_rows[c.id], buddy=None, score=c.score, parts=c.parts)
            for c in found.feasible
        ],
        "blocked": [
            Row(
                referral=data.referral_rows[b.id],
                buddy=None,
                score=b.score,
                constraint=b.constraint,
                reason=b.reason,
            )
            for b in found.blocked
        ],
    }


def batch_preview(*, programme: Programme, texts: engine.Texts) -> dict[str, Any]:
    """The optimal batch for the programme's queue, its reasons, and the greedy figures.

    Solved once per input version and language: the preview hangs on the cached engine
    input (candidates.cached_programme_input), so reloading the page, or coming back after
    a refused confirmation, shows the same result without solving again, and any change to
    the programme's buddies, queue, proposals, duos or weights gives a fresh one. What the
    coordinator ticks is checked again under row locks by services.proposals_create."""
    data = candidates.cached_programme_input(programme)
    with data.lock:
        preview = data.previews.get(texts.lang)
    if preview is None:
        preview = _solve_preview(data, texts)
        with data.lock:
            data.previews[texts.lang] = preview
    return preview


def _solve_preview(data: candidates.MatchingInput, texts: engine.Texts) -> dict[str, Any]:
    programme = data.programme
    if not data.referrals or not data.buddies:
        return {"rows": [], "unmatched": [], "figures": None, "greedy": None, "empty": True}
    problem = data.problem
    before = earlier_no(programme)
    best = problem.solve(texts)
    greedy = problem.greedy(texts)
    rows = []
    for a in best.assignments:
        candidate = problem.explain(a.referral, a.buddy, texts)
        rows.append(
            Row(
                referral=data.referral_rows[a.referral],
                buddy=data.buddy_rows[a.buddy],
                score=a.score,
                parts=candidate.parts,
                distance_km=round(a.distance_m / 1000, 1),
                earlier_no=(a.referral, a.buddy) in before,
            )
        )
    unmatched = [
        Row(
            referral=data.referral_rows[u.referral],
            buddy=None,
            constraint=u.constraint,
            reason=u.reason,
        )
        for u in best.unmatched
    ]
    return {
        "rows": rows,
        "unmatched": unmatched,
        "figures": best.figures,
        "greedy": greedy.figures,
        "empty": False,
    }


def region_preview(codes: set[str]) -> dict[str, Any]:
    """Per programme of the provinces: the batch figures and the greedy figures (None for a
    programme without referrals or buddies to match)."""
    rows: list[tuple[Programme, engine.Figures | None, engine.Figures | None]] = []
    for data in candidates.region_inputs(codes):
        if data.referrals and data.buddies:
            rows.append(
                (data.programme, data.problem.solve().figures, data.problem.greedy().figures)
            )
        else:
            rows.append((data.programme, None, None))
    return {"rows": rows}
