"""Look up places in the shipped geography."""

from .models import Postcode


def postcode_resolve(code: str) -> Postcode | None:
    """The postcode with its municipality and province, or None if it does not exist."""
    code = code.strip()
    if not (len(code) == 4 and code.isdigit()):
        return None
    return Postcode.objects.select_related("municipality__province").filter(code=code).first()
