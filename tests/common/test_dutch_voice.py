"""One Dutch voice (issue 16 point 9): informal "je" everywhere, no internal codes (rule
numbers such as "R3") in anything a user reads, no string left untranslated. Scans every
compiled Dutch catalogue of the project and every template and mail; then renders the
sign-in, registration and password pages (allauth's and Django's strings included) and
the password-reset mail, and reads them as a user would."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.common.auth import main_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db  # the autouse cache fixture uses the database cache

SRC = Path(settings.SRC_DIR)
CATALOGUES = sorted(SRC.glob("**/locale/nl_BE/LC_MESSAGES/django.po"))
TEMPLATES = sorted(
    p for p in SRC.rglob("*") if "templates" in p.parts and p.suffix in {".html", ".txt"}
)
# Formal "you" as a word: u, uw, uzelf (and "alstublieft" or "a.u.b.", the formal "please");
# never a letter
# inside a word, a placeholder or a unit.
FORMAL = re.compile(r"(?<![\w%(-])(u|uw|uzelf|uwe|alstublieft)(?![\w-])|a\.u\.b\.", re.IGNORECASE)
RULE_CODE = re.compile(r"(?<![\w-])R\d{1,2}(?!\w)")
# Literal text a template may show untranslated: names, file formats, units.
LITERAL_OK = {"Buddywerk", "Excel", "xlsx", "CSV", "km", "Nederlands", "English"}
# The static error pages are served without the database or the catalogues: bilingual text.
BILINGUAL = {"500.html", "503.html"}


def _catalogue(po: Path) -> dict[str, str]:
    """msgid (the singular) -> every msgstr of the compiled catalogue next to the .po."""
    with po.with_suffix(".mo").open("rb") as handle:
        raw = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    texts: dict[str, str] = {}
    for key, value in raw.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            texts[msgid] = (texts.get(msgid, "") + "\n" + value).strip()
    return texts


def _entries(po: Path) -> list[tuple[str, str, str]]:
    """(flags, msgid, msgstr) for every live entry of a .po (obsolete ones left out)."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        text = "\n".join(lines)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', text, re.M)
        if not msgid:
            continue
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', text, re.M)
        flags = " ".join(line for line in lines if line.startswith("#,"))
        joined = [("".join(re.findall(r'"(.*)"', s))) for s in msgstrs]
        entries.append((flags, "".join(re.findall(r'"(.*)"', msgid.group(1))), "\n".join(joined)))
    return [e for e in entries if e[1]]  # the header has an empty msgid


def _user_text(path: Path) -> str:
    """What a template shows as it stands: tags, variables, comments and markup removed,
    the attributes people read (title, alt, placeholder, aria-label) kept."""
    source = path.read_text(encoding="utf-8")
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    source = re.sub(
        r"{#.*?#}|<!--.*?-->|<script.*?</script>|<style.*?</style>", " ", source, flags=re.S
    )
    # Text inside {% blocktranslate %} is a msgid: checked in the catalogues.
    source = re.sub(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    attributes = re.findall(r'\b(?:title|alt|placeholder|aria-label)="([^"]*)"', source)
    return re.sub(r"<[^>]*>", " ", source, flags=re.S) + " " + " ".join(attributes)


def test_there_are_catalogues_and_templates_to_read():
    assert len(CATALOGUES) >= 10
    assert all(po.with_suffix(".mo").exists() for po in CATALOGUES)
    assert len(TEMPLATES) >= 100


def test_no_formal_you_in_any_dutch_catalogue():
    offenders = [
        f"{po.relative_to(SRC)}: {text!r}"
        for po in CATALOGUES
        for text in _catalogue(po).values()
        if FORMAL.search(text)
    ]
    assert offenders == []


def test_no_rule_codes_in_any_string_a_user_reads():
    """Neither in the Dutch nor in the English (the msgid) of any catalogue entry."""
    offenders = [
        f"{po.relative_to(SRC)}: {msgid!r}"
        for po in CATALOGUES
        for msgid, text in _catalogue(po).items()
        if RULE_CODE.search(msgid) or RULE_CODE.search(text)
    ]
    offenders += [
        str(path.relative_to(SRC))
        for path in TEMPLATES
        if RULE_CODE.search(_user_text(path))
        or any(RULE_CODE.search(s) for s in re.findall(r'translate "([^"]*)"', path.read_text()))
    ]
    assert offenders == []


def test_every_catalogue_entry_is_translated():
    """No empty or fuzzy msgstr, and no longer English sentence copied as its own Dutch."""
    offenders = []
    for po in CATALOGUES:
        for flags, msgid, msgstr in _entries(po):
            copied = msgstr == msgid and len(msgid.split()) > 2
            if "fuzzy" in flags or not msgstr.replace("\n", "") or copied:
                offenders.append(f"{po.relative_to(SRC)}: {msgid!r}")
    assert offenders == []


def test_templates_show_no_untranslated_or_formal_text():
    offenders = []
    for path in TEMPLATES:
        text = _user_text(path)
        if FORMAL.search(text):
            offenders.append(f"{path.relative_to(SRC)}: formal")
        if path.name in BILINGUAL:
            continue
        words = set(re.findall(r"[A-Za-zÀ-ÿ]{2,}", text)) - LITERAL_OK
        if words:
            offenders.append(f"{path.relative_to(SRC)}: untranslated {sorted(words)}")
    assert offenders == []


# The pages anyone reaches without an account, and the password pages.
PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/0-bad/",
    "/buddies/register/",
    "/schools/register/",
    "/programmes/join/",
    "/privacy/",
]


def _formal_words(text: str) -> list[str]:
    return [m.group(0) for m in FORMAL.finditer(text)]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_speak_informal_dutch(path):
    response = Client().get(path, follow=True)
    assert response.status_code == 200
    assert response["Content-Language"] == "nl-be"
    assert _formal_words(main_text(response)) == []


def test_the_password_reset_mail_and_the_new_password_page_speak_informal_dutch(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://buddywerk.test"
    UserFactory(email="reset@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "reset@example.org"})
    (message,) = mail.outbox
    assert _formal_words(message.subject + "\n" + message.body) == []
    link = re.search(r"https://buddywerk\.test(/accounts/password/reset/key/\S+/)", message.body)
    assert link
    form_url = client.get(link.group(1))["Location"]
    page = client.get(form_url)
    assert _formal_words(main_text(page)) == []
    # Django's own password rules, as help text and as errors, speak to "je" too.
    refused = client.post(form_url, {"password1": "12345", "password2": "12345"})
    text = main_text(refused)
    assert "wachtwoord" in text.lower()
    assert _formal_words(text) == []


def test_django_strings_on_our_pages_are_informal():
    from django.contrib.auth.password_validation import (
        CommonPasswordValidator,
        MinimumLengthValidator,
        NumericPasswordValidator,
        UserAttributeSimilarityValidator,
    )

    with translation.override("nl-be"):
        texts = [
            MinimumLengthValidator().get_help_text(),
            CommonPasswordValidator().get_help_text(),
            NumericPasswordValidator().get_help_text(),
            UserAttributeSimilarityValidator().get_help_text(),
        ]
    assert all(texts)
    assert [t for t in texts if FORMAL.search(t)] == []
