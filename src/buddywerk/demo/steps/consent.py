"""Demo step: consent texts and a withdrawal of consent (issue 15, point 1)."""

import datetime as dt

from buddywerk.organisations.models import Programme
from buddywerk.referrals.consent_services import consent_text_publish, consent_withdraw
from buddywerk.referrals.enums import ReferralStatus
from buddywerk.referrals.models import ConsentText, ConsentWithdrawal, Pupil

from .. import dates
from ..people import person
from .referrals import DemoPupil, refer_pupil

MECHELEN_TEXT = (
    "Je geeft toestemming dat de school je kind aanmeldt bij Buddy Mechelen. Buddy Mechelen "
    "krijgt de gegevens uit de aanmelding en zoekt een buddy: een student of een "
    "gepensioneerde leerkracht. De buddy ziet alleen de voornaam en wat nodig is om te "
    "helpen. De buddy en de school noteren de contactmomenten en het welbevinden. Vanaf 13 "
    "jaar mag je kind zelf toestemming geven. Je kunt je toestemming altijd intrekken via "
    "de zorgcoördinator van de school."
)
WITHDRAWN = DemoPupil("Sara", "Wouters", "900002", 7, ["nl"], ReferralStatus.ACCEPTED, 20)


def consent() -> None:
    """Buddy Mechelen's coordinator (coordinator.mechelen) finds two versions of the
    programme's consent text under Referrals -> Consent texts: the standard wording the
    first referrals were given on (version 1) and the programme's own (version 2). The care
    coordinator of Busleyden (zorg.busleyden) referred Sara, the programme accepted her,
    and two days ago her parents withdrew their consent: her referral shows the withdrawal,
    its date of erasure, and a history that ends in "Consent withdrawn"."""
    programme = Programme.objects.get(name="Buddy Mechelen")
    if not ConsentText.objects.filter(programme=programme, version__gte=2).exists():
        consent_text_publish(
            actor=person("coordinator.mechelen"),
            programme=programme,
            text=MECHELEN_TEXT,
            pupil_may_consent=True,
            erasure_grace_days=30,
        )
    referral = refer_pupil(WITHDRAWN, 3)
    if referral is None:  # a second run: Sara was referred already
        pupil = Pupil.objects.get(first_name=WITHDRAWN.first_name, last_name=WITHDRAWN.last_name)
        referral = pupil.referrals.get()
    if not ConsentWithdrawal.objects.filter(referral=referral).exists():
        consent_withdraw(
            actor=person("zorg.busleyden"),
            referral=referral,
            withdrawn_by="parent",
            method="paper",
            withdrawn_on=dates.today() - dt.timedelta(days=2),
            now=dates.days_ago(2),
        )
