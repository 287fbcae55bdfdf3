from django.core.management.base import BaseCommand

from rongmei.video.models import AudioAsset, State, VideoAsset
from rongmei.video.services import enqueue_transcode


class Command(BaseCommand):
    help = (
        "Queue every video and audio asset that waits for the worker (e.g. those moved from documents "
        "by newsroom migration 0006); with --failed, the failed ones too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Also try the failed ones again.")

    def handle(self, *args, failed=False, **options):
        from django.db import transaction

        states = [State.WAITING, State.FAILED] if failed else [State.WAITING]
        count = 0
        with transaction.atomic():
            for model in (VideoAsset, AudioAsset):
                for asset in model.objects.filter(state__in=states).exclude(original=""):
                    model.objects.filter(pk=asset.pk).update(state=State.WAITING, failure_message="")
                    enqueue_transcode(asset)
                    count += 1
        self.stdout.write(f"queued={count}")
