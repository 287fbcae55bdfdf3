from django_tasks import task


@task()
def anonymise_old_tips() -> str:
    """The scheduler's hourly sweep: tips older than the settings' days lose the tipster's contact
    (services.anonymise_old_tips)."""
    from . import services

    return f"anonymised={services.anonymise_old_tips()}"
