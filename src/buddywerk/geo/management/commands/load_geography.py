from django.core.management.base import BaseCommand

from buddywerk.geo.loader import load_geography
from buddywerk.geo.models import Municipality, Postcode, Province
from buddywerk.geo.places import gazetteer_forget


class Command(BaseCommand):
    help = "Load or refresh provinces, municipalities and postcodes from data/."

    def handle(self, *args: object, **options: object) -> None:
        counts = load_geography(Province, Municipality, Postcode)
        # This process's place lookups must see the refreshed tables.
        gazetteer_forget()
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()))
