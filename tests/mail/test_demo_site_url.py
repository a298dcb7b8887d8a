"""`buddywerk demo --port 8001`: the links in the demo's mails point at the demo itself
(SITE_URL follows --port), in the demo process and in the worker and scheduler it starts."""

import os

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from buddywerk.demo.management.commands import demo
from buddywerk.mail.models import OutgoingMail
from buddywerk.organisations import services
from tests.factories import postcode

pytestmark = pytest.mark.django_db


def test_the_demo_mails_links_to_its_own_port(settings, monkeypatch, tmp_path, capsys):
    settings.SITE_URL = "http://127.0.0.1:8000"  # through the fixture: restored afterwards
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")  # restored afterwards too
    monkeypatch.setattr(demo, "require_demo_database", lambda: tmp_path / "demo.sqlite3")

    def a_world_that_mails():
        """Stands in for the demo world: one real service that writes a mail with a link."""
        school = services.school_register(
            actor=None,
            school_number="012345",
            name="Demo school",
            level="primary",
            street="Kerkstraat 1",
            postcode=postcode("2800"),
            registrant_name="Zita Zorg",
            registrant_email="zita@example.org",
        )
        services.school_confirm(actor=None, school=school)

    monkeypatch.setattr(demo, "build_world", a_world_that_mails)
    # The stand-in world has no demo school for the printed API token (tests/demo/ checks it).
    monkeypatch.setattr(demo, "api_token", lambda: ("zita@example.org", "bw_...", "-"))
    call_command("demo", "--no-serve", "--port", "8001")
    assert "http://127.0.0.1:8001/" in capsys.readouterr().out
    assert django_settings.SITE_URL == "http://127.0.0.1:8001"
    # The task worker and the scheduler are started with this environment.
    assert os.environ["SITE_URL"] == "http://127.0.0.1:8001"
    invitation = OutgoingMail.objects.get(kind="organisations.invitation")
    assert "http://127.0.0.1:8001/accounts/" in invitation.body
    assert "8000" not in invitation.body
