"""Load provinces, municipalities and postcodes from data/*.csv (see data/SOURCES.md).

Idempotent: rows are matched on their codes and updated in place, so running it again
(a migration on a new database, or `manage.py load_geography` after a data update)
never duplicates anything.
"""

import csv
from pathlib import Path
from typing import Any

from django.conf import settings

# The NIS province code -> region, from municipalities.csv's region_code column.
MUNICIPALITIES_CSV = "municipalities.csv"
POSTCODES_CSV = "postcodes.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_geography(
    province_model: Any,
    municipality_model: Any,
    postcode_model: Any,
    data_dir: Path | None = None,
) -> dict[str, int]:
    """Load the three tables; models are passed in so a migration can use historical ones."""
    data_dir = data_dir or Path(settings.DATA_DIR)
    municipalities = _rows(data_dir / MUNICIPALITIES_CSV)
    postcodes = _rows(data_dir / POSTCODES_CSV)

    provinces = {
        row["province_code"]: province_model(
            code=row["province_code"], name=row["province"], region=row["region_code"]
        )
        for row in municipalities
    }
    province_model.objects.bulk_create(
        provinces.values(),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region"],
    )
    municipality_model.objects.bulk_create(
        [
            municipality_model(
                nis_code=row["nis_code"],
                name=row["municipality_nl"],
                name_fr=row["municipality_fr"],
                province_id=row["province_code"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                language_regime=row["language_regime"],
            )
            for row in municipalities
        ],
        update_conflicts=True,
        unique_fields=["nis_code"],
        update_fields=["name", "name_fr", "province", "lat", "lon", "language_regime"],
        batch_size=500,
    )
    postcode_model.objects.bulk_create(
        [
            postcode_model(
                code=row["postcode"],
                municipality_id=row["nis_code"],
                localities=row["localities"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in postcodes
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["municipality", "localities", "lat", "lon"],
        batch_size=500,
    )
    return {
        "provinces": len(provinces),
        "municipalities": len(municipalities),
        "postcodes": len(postcodes),
    }
