"""Strings Django or allauth show on our pages whose Dutch we replace. Marked here so that
makemessages keeps them in the project catalogue, which takes precedence over Django's and
allauth's own (LOCALE_PATHS come first).

- Django 6.1's new strings that it does not translate into Dutch yet.
- Django's and allauth's Dutch that says "u" or "a.u.b." (formal), or is wrong: Buddywerk
  speaks to everyone with "je" (issue 16 point 9). The password rules show as help text
  and as errors on the password pages.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# The empty choice of a select built from a model field's choices (BLANK_CHOICE_LABEL).
DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),
    # django.contrib.auth.password_validation
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    # allauth: the password reset pages and the verification pages
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to "
        "finalize the signup process. If you do not see the verification email in your main "
        "inbox, check your spam folder. Please contact us if you do not receive the "
        "verification email within a few minutes."
    ),
    gettext_noop(
        "We have sent an email to you for\nverification. Please click on the link inside "
        "that email. If you do not see the verification email in your main inbox, check your "
        "spam folder. Otherwise\ncontact us if you do not receive it within a few minutes."
    ),
]
