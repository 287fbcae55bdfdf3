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
