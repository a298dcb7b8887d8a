from django.core.management.base import BaseCommand

from buddywerk.geo.loader import load_geography
from buddywerk.geo.models import Municipality, Postcode, Province


class Command(BaseCommand):
    help = "Load or refresh provinces, municipalities and postcodes from data/."

    def handle(self, *args: object, **options: object) -> None:
        counts = load_geography(Province, Municipality, Postcode)
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()))
