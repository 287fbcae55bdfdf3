"""Who may upload, edit and choose video and audio: the one place views, menus and services ask.

A role gets the video app's own model permissions (``video.add_videoasset`` …); until the roles carry
them, whoever may upload and change documents (where a story's video lived before the library) may
do the same here.
"""

UPLOAD = ("video.add_videoasset", "video.add_audioasset", "wagtaildocs.add_document")
CHANGE_ANY = ("video.change_videoasset", "video.change_audioasset")
CHANGE_OWN = ("wagtaildocs.change_document",)
CHOOSE = ("wagtaildocs.choose_document",)


def _is_active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _any(user, permissions) -> bool:
    return any(user.has_perm(permission) for permission in permissions)


def may_upload(user) -> bool:
    return _is_active(user) and (user.is_superuser or _any(user, UPLOAD))


def may_see_library(user) -> bool:
    return _is_active(user) and (user.is_superuser or _any(user, UPLOAD + CHANGE_ANY + CHOOSE))


def may_edit(user, asset) -> bool:
    """Change an asset's title and metadata, transcode it again, delete it: its uploader, or staff
    who may change any."""
    if not _is_active(user):
        return False
    if user.is_superuser or _any(user, CHANGE_ANY):
        return True
    return asset.uploaded_by_user_id == user.pk and _any(user, UPLOAD + CHANGE_OWN)
