# English: the same order as the Dutch (day first), with English month names:
# "2 December 2026" in text, "2/12/2026" in tables.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j/n/Y"
SHORT_DATETIME_FORMAT = "j/n/Y H:i"
