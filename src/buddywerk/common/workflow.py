"""The one state-machine kernel (ARCHITECTURE.md 4).

Every status in Buddywerk is a TextChoices field plus one `Workflow`: a table of named
`Transition`s, each with the states it leaves from, the state it leads to, the policy
predicate that says who may take it and the audit action it records. The tables live in
each app's `workflow.py`, so a reader finds every arrow of a state machine in one place.

`transition_apply` is the only code that changes a status. In one transaction it locks the
row (`select_for_update`), checks the policy predicate and the source state, runs the
service's own check, sets the status and whatever the service changes with it, writes the
transition log row (who, when, from, to, which transition, why) and the audit event.
`actor=None` is the system (scheduled jobs, cascades, demo data): it takes any transition,
while a person needs the predicate's yes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import AuditAction, audit_record

if TYPE_CHECKING:
    import datetime as dt

    from .models import TransitionLog

# (user, object) -> may this person take the transition on this object?
Predicate = Callable[[Any, Any], bool]


# Called inside the transition's transaction with (workflow, changed object, log row), after
# the log and the audit: another app follows status changes (the API's webhooks queue an
# event in the same transaction) without the owning app knowing of it.
TransitionListener = Callable[["Workflow", Any, "TransitionLog"], None]
_listeners: list[TransitionListener] = []


def transition_listen(listener: TransitionListener) -> TransitionListener:
    """Register `listener` for every transition of every workflow (from an AppConfig.ready;
    registering the same function twice adds it once)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


class TransitionNotAllowed(ValidationError):
    """The workflow has no such arrow from the object's current state."""


@dataclass(frozen=True)
class Transition:
    """One named arrow of a state machine.

    `allowed` is a predicate of `access/policy.py`; None means only the system takes it.
    `reason_required` refuses the transition without a reason the other side can read.
    """

    name: str
    sources: frozenset[str]
    target: str
    action: AuditAction
    allowed: Predicate | None = None
    reason_required: bool = False


def transition(
    name: str,
    sources: Iterable[str],
    target: str,
    *,
    action: AuditAction,
    allowed: Predicate | None = None,
    reason_required: bool = False,
) -> Transition:
    """A `Transition` with its sources given as any iterable (tables read better so)."""
    return Transition(
        name=name,
        sources=frozenset(str(s) for s in sources),
        target=str(target),
        action=action,
        allowed=allowed,
        reason_required=reason_required,
    )


@dataclass(frozen=True)
class Workflow:
    """A model's status field and the table of its named transitions.

    `log_model` is the app's concrete `TransitionLog`, whose foreign key to the model is
    `log_field`. `states` are the status choices, in the order they are shown.
    """

    model: type[models.Model]
    log_model: type[TransitionLog]
    log_field: str
    states: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    status_field: str = "status"
    _by_name: Mapping[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Transition] = {}
        valid = set(self.states.values)
        for t in self.transitions:
            if t.name in by_name:
                raise ValueError(f"{self.model.__name__}: transition {t.name!r} twice")
            unknown = (t.sources | {t.target}) - valid
            if unknown:
                raise ValueError(f"{self.model.__name__}.{t.name}: unknown states {unknown}")
            by_name[t.name] = t
        object.__setattr__(self, "_by_name", by_name)

    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def targets_from(self, state: str) -> frozenset[str]:
        """Every state one transition leads to from `state`."""
        return frozenset(t.target for t in self.transitions if state in t.sources)

    def can_move(self, source: str, target: str) -> bool:
        """Whether some transition leads from `source` to `target`."""
        return target in self.targets_from(source)

    @property
    def open_states(self) -> frozenset[str]:
        """States with a way out: the object is still in progress."""
        return frozenset(s for s in self.states.values if self.targets_from(s))

    @property
    def final_states(self) -> frozenset[str]:
        return frozenset(self.states.values) - self.open_states

    def allows(self, user: Any, obj: models.Model, name: str) -> bool:
        """Whether `user` may take transition `name` on `obj` now (for pages: show the
        button only when the service would accept it)."""
        t = self._by_name[name]
        state = getattr(obj, self.status_field)
        return (
            state in t.sources
            and t.allowed is not None
            and user.is_authenticated
            and t.allowed(user, obj)
        )

    def path(self, source: str, target: str) -> list[Transition]:
        """The shortest chain of transitions from `source` to `target` (demo data and test
        factories walk it to build a real history instead of setting a status)."""
        paths: dict[str, list[Transition]] = {source: []}
        frontier = [source]
        while frontier:
            current = frontier.pop(0)
            for t in self.transitions:
                if current in t.sources and t.target not in paths:
                    paths[t.target] = [*paths[current], t]
                    frontier.append(t.target)
        if target not in paths:
            raise ValueError(f"{self.model.__name__}: no path from {source} to {target}")
        return paths[target]

    def state_label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def log_start(
        self,
        obj: models.Model,
        *,
        actor: Any,
        reason: str = "",
        at: dt.datetime | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> TransitionLog:
        """Log the state an object was created in (the first row of its history)."""
        return self._log(
            obj, from_state="", name="", actor=actor, reason=reason, at=at, extra=extra
        )

    def _log(
        self,
        obj: models.Model,
        *,
        from_state: str,
        name: str,
        actor: Any,
        reason: str,
        at: dt.datetime | None,
        extra: Mapping[str, Any] | None = None,
    ) -> TransitionLog:
        row = self.log_model(
            **{self.log_field: obj},
            **(extra or {}),
            from_status=from_state,
            to_status=getattr(obj, self.status_field),
            transition=name,
            actor=actor if actor is not None and actor.is_authenticated else None,
            at=at or timezone.now(),
            reason=reason.strip(),
        )
        row.full_clean(exclude=[self.log_field])
        row.save(force_insert=True)
        return row


def transition_apply(
    workflow: Workflow,
    name: str,
    *,
    obj: models.Model,
    actor: Any,
    reason: str = "",
    check: Callable[[Any], None] | None = None,
    update: Callable[[Any, dt.datetime], Iterable[str]] | None = None,
    lock_first: Callable[[], None] | None = None,
    detail: Mapping[str, Any] | None = None,
    log_extra: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    clean: bool = True,
) -> Any:
    """Take transition `name` on `obj` for `actor`; return the locked, changed row.

    - `lock_first` locks other rows before this one (always in the same order, so two
      transitions never wait on each other);
    - `check(locked)` raises ValidationError for a rule the table cannot state;
    - `update(locked, now)` sets the fields that change with the status and returns their
      names;
    - `detail` goes into the audit event, `log_extra` into the log row's own fields.
    The caller's `obj` is refreshed from the database, so it shows the new state too.
    """
    t = workflow[name]
    moment = now or timezone.now()
    with transaction.atomic():
        if lock_first is not None:
            lock_first()
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if actor is not None and (t.allowed is None or not t.allowed(actor, locked)):
            raise PermissionDenied
        from_state = getattr(locked, workflow.status_field)
        if from_state not in t.sources:
            raise TransitionNotAllowed(
                _("%(object)s: '%(from)s' cannot become '%(to)s'.")
                % {
                    "object": str(locked._meta.verbose_name).capitalize(),
                    "from": workflow.state_label(from_state),
                    "to": workflow.state_label(t.target),
                },
                code="transition_not_allowed",
            )
        if t.reason_required and not reason.strip():
            raise ValidationError({"reason": [_("Give a short reason.")]})
        if check is not None:
            check(locked)
        setattr(locked, workflow.status_field, t.target)
        fields = {workflow.status_field}
        if update is not None:
            fields.update(update(locked, moment))
        if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
            fields.add("updated_at")
        if clean:
            locked.full_clean()
        locked.save(update_fields=sorted(fields))
        log_row = workflow._log(
            locked,
            from_state=from_state,
            name=t.name,
            actor=actor,
            reason=reason,
            at=moment,
            extra=log_extra,
        )
        audit_record(
            actor=actor,
            action=t.action,
            target=locked,
            detail={"from": from_state, "to": t.target, "transition": t.name, **(detail or {})},
        )
        for listener in _listeners:
            listener(workflow, locked, log_row)
    if obj is not locked:
        obj.refresh_from_db()
    return locked
