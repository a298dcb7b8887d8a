"""The one signal of the buddies app.

`buddies_written` is sent, with `buddy_ids`, after buddies were written without `save()`
(the importer's bulk writes, a queryset update): Django sends no post_save for those rows,
and a cache of buddies (matching's engine input) would not hear of them.
"""

from django.dispatch import Signal

buddies_written = Signal()
