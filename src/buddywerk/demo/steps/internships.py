"""Step: a teacher-training institution follows its students (issue 20, points 1 and 5)."""

from buddywerk.internships.models import HoursAttestation, InstitutionPartnership
from buddywerk.internships.selectors import hours_per_school_year
from buddywerk.internships.services import (
    attestation_issue,
    partnership_save,
    sharing_consent_give,
    supervisor_invite,
)
from buddywerk.organisations.models import Programme, TrainingInstitution

from .. import dates
from ..people import account, existing, person, sign_in_ready

STUDENTS = ("buddy.stagiair", "buddy.student")


def internships() -> None:
    """Griet (`stage.thomasmore`), internship supervisor and contact of Thomas More
    (campus Mechelen), was invited by the platform admin (`supervisor_invite`). Sara
    (`buddy.stagiair`) and Samir (`buddy.student`) study there and agreed to share their
    internship file with it (`sharing_consent_give`): under "My students" Griet opens
    their files (hours, meetings held and cancelled, intervisions, modules, kijkwijzers,
    evaluations, certificates; never a pupil's name) and downloads them as a PDF. The
    coordinator of Buddy Mechelen recorded the partnership with Thomas More
    (`partnership_save`; "Partnerships"), which the funder's report counts. Sara
    downloaded an attestation of this school year's hours (`attestation_issue`; "My
    hours"); its code checks on the public page."""
    institution = TrainingInstitution.objects.get(name="Thomas More", campus="Mechelen")
    spec = account("stage.thomasmore")
    supervisor = existing(spec.local)
    if supervisor is None:
        membership = supervisor_invite(
            actor=person("admin"),
            institution=institution,
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_contact=True,
        )
        supervisor = sign_in_ready(membership.user)
    for local in STUDENTS:
        # Idempotent: the same consent is returned, nothing written.
        sharing_consent_give(actor=person(local), institution=institution)
    programme = Programme.objects.get(name="Buddy Mechelen")
    if not InstitutionPartnership.objects.filter(
        institution=institution, programme=programme
    ).exists():
        start = dates.school_year_start()
        partnership_save(
            actor=person("coordinator.mechelen"),
            institution=institution,
            programme=programme,
            since=start.replace(year=start.year - 1),
            contact=supervisor,
            student_count=len(STUDENTS),
        )
    sara = person("buddy.stagiair")
    if not HoursAttestation.objects.filter(buddy__user=sara).exists():
        years = [y for y in hours_per_school_year(sara.buddy) if y.minutes]
        if years:
            attestation_issue(actor=sara, school_year=years[0].school_year)
