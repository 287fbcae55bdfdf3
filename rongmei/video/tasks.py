from django_tasks import task


@task()
def transcode_video(asset_id: int) -> str:
    """Probe a video's original and make its renditions (services.transcode_video); never raises."""
    from . import services

    return services.transcode_video(asset_id)


@task()
def transcode_audio(asset_id: int) -> str:
    from . import services

    return services.transcode_audio(asset_id)


@task()
def forget_stale_uploads() -> str:
    """The scheduler's hourly sweep: chunked uploads nobody continued for two days (their chunks on
    disk and their unfinished assets) are forgotten, so abandoned uploads do not fill the disk."""
    from . import services

    return f"forgotten={services.forget_stale_uploads(48)}"
