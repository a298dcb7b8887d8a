"""Every log line the test suite writes is checked for personal data and secrets (issue 17,
point 2: "no log line ever holds a pupil's name, an email body or a token").

A handler on the root logger formats each record exactly as production does (the JSON
formatter and the context filter, traceback included). While the suite runs, signal
receivers note what must never be logged: the names of every pupil and family saved (the
demo's among them whenever a test builds the demo world), each line of every mail body
stored in the outbox, the secret links and keys those mails carry, and every token or key
field saved. After each test, the lines that test logged are compared with everything
noted so far; a hit fails the test (tests/conftest.py).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models.signals import post_save

from buddywerk.common.logs import ContextFilter, logging_config

_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"https?://\S+")
# Parts of names that are ordinary words in log lines, not a person.
_NOT_A_NAME = {"familie", "family", "van", "de", "der", "den", "het", "le", "la", "el", "al"}
_MIN_LINE = 24  # a mail line shorter than this is boilerplate ("Hallo,", "Groeten,")
_MIN_SECRET = 12


@dataclass
class Guard:
    names: set[str] = field(default_factory=set)
    lines: set[str] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    formatted: list[str] = field(default_factory=list)

    # -- what must not be logged

    def note_name(self, *values: str) -> None:
        for value in values:
            for word in _WORD.findall(value or ""):
                if len(word) >= 3 and word.lower() not in _NOT_A_NAME and not word.isdigit():
                    self.names.add(word.lower())

    def note_body(self, body: str) -> None:
        for line in (body or "").splitlines():
            line = line.strip()
            if len(line) >= _MIN_LINE:
                self.lines.add(line)
            for url in _URL.findall(line):
                # the secret part of a link is its longest path segment (a key, a token)
                segment = max(url.rstrip("/").split("/"), key=len)
                if len(segment) >= _MIN_SECRET:
                    self.secrets.add(segment)

    def note_secret(self, value: str) -> None:
        if value and len(value) >= _MIN_SECRET:
            self.secrets.add(value)

    # -- what was logged

    def leaks(self) -> list[str]:
        found = []
        for text in self.formatted:
            words = {w.lower() for w in _WORD.findall(text)}
            hits = sorted(words & self.names)
            hits += [f"mail line {line[:40]!r}" for line in self.lines if line in text]
            hits += ["a secret key or token" for secret in self.secrets if secret in text]
            if hits:
                found.append(f"{text[:300]}\n      holds: {', '.join(hits)}")
        return found

    def clear_lines(self) -> None:
        self.formatted.clear()


class _Handler(logging.Handler):
    def __init__(self, guard: Guard) -> None:
        super().__init__(level=logging.NOTSET)
        self.guard = guard
        self.addFilter(ContextFilter())
        config = logging_config(fmt="json", level="INFO")["formatters"]["json"]
        from pythonjsonlogger.json import JsonFormatter

        self.setFormatter(
            JsonFormatter(
                config["fmt"],
                rename_fields=config["rename_fields"],
                timestamp=True,
                json_ensure_ascii=config["json_ensure_ascii"],
            )
        )

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a record that cannot be formatted is a bug of its own
            self.handleError(record)
            return
        # The line as written, and its values decoded (JSON escapes quotes and newlines).
        values = " | ".join(str(value) for value in json.loads(line).values())
        self.guard.formatted.append(f"{line}\n{values}")


GUARD = Guard()
_HANDLER = _Handler(GUARD)


def _on_save(sender, instance, **kwargs) -> None:
    label = sender._meta.label
    if label == "referrals.Pupil":
        GUARD.note_name(instance.first_name, instance.last_name)
    elif label == "referrals.Family":
        GUARD.note_name(instance.contact_name)
    elif label == "mail.OutgoingMail":
        GUARD.note_body(instance.body)
    for name in ("token", "key", "secret"):
        value = getattr(instance, name, None)
        if isinstance(value, str):
            GUARD.note_secret(value)


def install() -> Guard:
    """Attach the handler (again, if a test reconfigured logging) and the receivers."""
    root = logging.getLogger()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)
    watched = {"referrals.Pupil", "referrals.Family", "mail.OutgoingMail"}
    for model in apps.get_models():
        has_secret = any(
            f.name in ("token", "key", "secret") and f.get_internal_type() == "CharField"
            for f in model._meta.get_fields()
            if hasattr(f, "get_internal_type")
        )
        if model._meta.label in watched or has_secret:
            post_save.connect(
                _on_save, sender=model, weak=False, dispatch_uid=f"log-guard-{model._meta.label}"
            )
    return GUARD
