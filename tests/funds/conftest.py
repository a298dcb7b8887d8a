import pytest


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(settings, tmp_path):
    """Receipts are files: each test stores them in its own folder."""
    settings.MEDIA_ROOT = tmp_path
