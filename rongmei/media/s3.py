"""The storage classes of S3-compatible object storage (``MEDIA_STORAGE=s3``; rongmei.media.storage
builds the settings that name them, decision 0035)."""

import posixpath

from storages.backends.s3 import S3Storage

from rongmei.media.static_media import (
    LONG_CACHE,
    RENDITION_TYPES,
    SHORT_CACHE,
    ContentHashNames,
    is_content_named,
)


class S3PrivateStorage(S3Storage):
    """Private files (``STORAGES["private"]``) in the bucket: no URL, like the disk's."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Private files have no URL; serve them from a view that checks the permission "
            "(rongmei.core.storage.private_file_response)."
        )


class S3RenditionStorage(ContentHashNames, S3Storage):
    """Public image renditions in the bucket, named by their bytes as on disk (decision 0028)."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        content_type = RENDITION_TYPES.get(posixpath.splitext(name)[1].lower())
        if content_type:  # our table: the machine's mimetypes may lack WebP/AVIF
            parameters.setdefault("ContentType", content_type)
        # What the disk's RenditionFiles sends; the CDN in front adds nosniff and the CSP.
        parameters.setdefault("CacheControl", LONG_CACHE if is_content_named(name) else SHORT_CACHE)
        return parameters
