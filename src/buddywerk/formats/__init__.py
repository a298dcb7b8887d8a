"""Date formats per language (FORMAT_MODULE_PATH), one per context (issue 16 point 9).

DATE_FORMAT / DATETIME_FORMAT are for running text ("2 december 2026"), SHORT_DATE_FORMAT /
SHORT_DATETIME_FORMAT for tables ("2/12/2026"). Templates and code reach them only through
buddywerk.common.dates (the filters date_text and date_table); ISO dates are for files meant
for machines only. Input formats are Django's own for the language.
"""
