from django.core.management.base import BaseCommand

from rongmei.demo.loader import load_demo_data


class Command(BaseCommand):
    help = "Load the demo newsroom (users, sections, regions, pictures, stories); safe to run again."

    def handle(self, *args, **options):
        summary = load_demo_data(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(summary))
