"""allauth's sign-in and reset forms, with the email length of our User model.

Django's form EmailField accepts 320 characters, but an address longer than 254 characters
cannot be delivered (RFC 5321) and cannot belong to an account here (User.email is 254
long). Refusing it with a clear message beats sending a reset mail nobody can receive.
"""

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.core.validators import MaxLengthValidator

from .models import User

EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length or 254


def _limit(field: forms.Field) -> None:
    field.max_length = EMAIL_MAX_LENGTH  # type: ignore[attr-defined]
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self.fields["login"])


class ResetPasswordForm(AllauthResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self.fields["email"])
