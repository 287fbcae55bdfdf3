from django.core.management.base import BaseCommand

from rongmei.video.services import forget_stale_uploads


class Command(BaseCommand):
    help = "Forget chunked uploads nobody continued for a while (their chunks and unfinished assets)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48)

    def handle(self, *args, hours=48, **options):
        self.stdout.write(f"forgotten={forget_stale_uploads(hours)}")
