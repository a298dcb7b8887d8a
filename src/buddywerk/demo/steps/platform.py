"""Step: the platform and its first platform admin."""

from buddywerk.access.services import membership_grant, user_create
from buddywerk.organisations.models import Organisation, OrganisationKind

from ..people import account, existing, sign_in_ready


def platform() -> None:
    """You find the umbrella organisation "Buddywerk vzw" and its platform admin,
    admin@demo.buddywerk.be (two-factor authentication pre-enrolled), who sets up the
    other organisations in the next steps.

    The umbrella organisation is the one row made directly: `organisation_save` needs a
    platform admin, and a platform admin is a member of this organisation. A real install
    starts the same way, with `buddywerk createsuperuser` (docs/deployment.md)."""
    spec = account("admin")
    umbrella = Organisation.objects.filter(name=spec.organisation).first()
    if umbrella is None:
        umbrella = Organisation.objects.create(
            name=spec.organisation, kind=OrganisationKind.UMBRELLA
        )
    if existing("admin") is not None:
        return
    admin = user_create(
        actor=None,
        email=spec.email,
        password=None,
        first_name=spec.first_name,
        last_name=spec.last_name,
    )
    membership_grant(actor=None, user=admin, organisation=umbrella, role=spec.role)
    sign_in_ready(admin)
