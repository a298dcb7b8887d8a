"""Strings Django itself shows on our pages but does not translate into Dutch yet (new in
Django 6.1). Marked here so that makemessages keeps them in the project catalogue, which
takes precedence over Django's own."""

from django.utils.translation import gettext_noop

# The empty choice of a select built from a model field's choices (BLANK_CHOICE_LABEL).
DJANGO_STRINGS = [gettext_noop("- Select an option -")]
