"""Where uploaded files live: local disk by default, S3-compatible object storage when configured.

``settings.STORAGES = storages_from_environment(os.environ)`` (decision 0035,
docs/object-storage.md). With ``MEDIA_STORAGE`` unset (or ``local``) the dict is the one the
project always had: originals and documents in MEDIA_ROOT, private files in PRIVATE_ROOT,
renditions in MEDIA_ROOT with content-hashed names. With ``MEDIA_STORAGE=s3``:

``default``: django-storages' ``S3Storage``
    Originals (``original_images/``) and documents. Written with the ``private`` ACL; its URLs
    are signed and short-lived (readers never get one: the site shows renditions, documents go
    through Wagtail's serve view, which streams from the bucket).
``renditions``: ``S3RenditionStorage`` (``rongmei.media.s3``)
    Image renditions, public: ``public-read`` (or a bucket policy on ``images/``), read by
    readers at ``S3_PUBLIC_URL`` (a CDN or the bucket's public address), with the same
    content-hash names and cache lifetimes as on disk.
``private``: ``S3PrivateStorage`` (``rongmei.media.s3``)
    Clients' reports, 内参 and the like: a bucket of their own (``S3_PRIVATE_BUCKET``) or a
    prefix of the main one, private ACL, no URL at all.

The settings import this module, so it names the storage classes by path only: boto3 is imported
when an S3 storage is first used, not by every process on local disk.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
S3 = "s3"
REQUIRED_FOR_S3 = ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PUBLIC_URL")
DEFAULT_PRIVATE_PREFIX = "private"
DEFAULT_SIGNED_URL_SECONDS = 600
# A file read from the bucket is held in memory up to this size, then in a temporary file
# (FILE_UPLOAD_TEMP_DIR): django-storages' default of 0 keeps a whole video in memory.
READ_BUFFER_BYTES = 16 * 1024 * 1024


def storages_from_environment(env) -> dict:
    """``settings.STORAGES`` for the environment ``env`` (``os.environ`` or a dict).

    Raises ImproperlyConfigured, in Chinese and English, for an unknown ``MEDIA_STORAGE`` or
    when S3 is chosen and a required setting is missing or malformed.
    """
    staticfiles = {
        "BACKEND": env.get("STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage")
    }
    kind = (env.get("MEDIA_STORAGE") or LOCAL).strip().lower()
    if kind == LOCAL:
        return {
            # FileSystemStorage that removes what it wrote when the write fails (a full disk).
            "default": {"BACKEND": "rongmei.core.storage.LocalStorage"},
            # Its location is PRIVATE_ROOT (read when first used, so tests may override it).
            "private": {"BACKEND": "rongmei.core.storage.PrivateFileSystemStorage"},
            # MEDIA_ROOT too; a rendition's name carries a hash of its bytes, so it may be cached for good.
            "renditions": {"BACKEND": "rongmei.media.static_media.RenditionStorage"},
            "staticfiles": staticfiles,
        }
    if kind != S3:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE 只能是 local 或 s3，现在是 {kind!r}。"
            f" / MEDIA_STORAGE must be local or s3, not {kind!r}."
        )
    return {**_s3_storages(env), "staticfiles": staticfiles}


def public_media_origins(env) -> list:
    """Origins the pages' Content-Security-Policy must allow for images and media (img-src,
    media-src): the renditions' public address with S3, none on local disk (``'self'``)."""
    if (env.get("MEDIA_STORAGE") or LOCAL).strip().lower() != S3 or not env.get("S3_PUBLIC_URL"):
        return []
    parts = urlsplit(env["S3_PUBLIC_URL"].strip())
    return [f"{parts.scheme}://{parts.netloc}"]


def _s3_storages(env) -> dict:
    value = {name: (env.get(name) or "").strip() for name in env.keys() if name.startswith("S3_")}
    missing = [name for name in REQUIRED_FOR_S3 if not value.get(name)]
    if missing:
        names = ", ".join(missing)
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE=s3（对象存储）缺少设置：{names}。请在环境变量中设置，见 docs/object-storage.md。"
            f" / MEDIA_STORAGE=s3 (object storage) is missing: {names}. Set them in the environment;"
            " see docs/object-storage.md."
        )
    public = _url(value, "S3_PUBLIC_URL")
    endpoint = _url(value, "S3_ENDPOINT_URL") if value.get("S3_ENDPOINT_URL") else None
    seconds = value.get("S3_SIGNED_URL_SECONDS") or str(DEFAULT_SIGNED_URL_SECONDS)
    if not seconds.isdigit() or not 1 <= int(seconds) <= 7 * 24 * 3600:
        raise ImproperlyConfigured(
            f"S3_SIGNED_URL_SECONDS 应为 1 到 604800 之间的秒数，现在是 {seconds!r}。"
            f" / S3_SIGNED_URL_SECONDS must be a number of seconds from 1 to 604800, not {seconds!r}."
        )
    acls = (value.get("S3_OBJECT_ACLS") or "1").lower()
    if acls not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ImproperlyConfigured(
            f"S3_OBJECT_ACLS 只能是 1 或 0，现在是 {acls!r}。 / S3_OBJECT_ACLS must be 1 or 0, not {acls!r}."
        )
    # Off for stores without object ACLs (MinIO; AWS buckets with "bucket owner enforced"): then
    # objects are private by the bucket's default and a bucket policy opens images/ to readers.
    with_acls = acls in ("1", "true", "yes", "on")
    addressing = value.get("S3_ADDRESSING_STYLE") or None
    if addressing not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE 只能是 path、virtual 或 auto，现在是 {addressing!r}。"
            f" / S3_ADDRESSING_STYLE must be path, virtual or auto, not {addressing!r}."
        )
    connection = {
        "access_key": value["S3_ACCESS_KEY_ID"],
        "secret_key": value["S3_SECRET_ACCESS_KEY"],
        "endpoint_url": endpoint,
        "region_name": value.get("S3_REGION") or None,
        "addressing_style": addressing,
        "signature_version": "s3v4",
        "max_memory_size": READ_BUFFER_BYTES,
        # Two uploads named photo.jpg are two files, as on disk (django-storages' default overwrites).
        "file_overwrite": False,
    }
    private_bucket = value.get("S3_PRIVATE_BUCKET") or value["S3_BUCKET"]
    public_bucket = value.get("S3_PUBLIC_BUCKET") or value["S3_BUCKET"]
    if public_bucket != value["S3_BUCKET"] and public_bucket == private_bucket:
        # A bucket of its own for renditions is one whose policy may open all of it.
        raise ImproperlyConfigured(
            f"S3_PRIVATE_BUCKET 不能与公开的 S3_PUBLIC_BUCKET 相同（{public_bucket}）。"
            f" / S3_PRIVATE_BUCKET must not be the public S3_PUBLIC_BUCKET ({public_bucket})."
        )
    private_prefix = value.get("S3_PRIVATE_PREFIX", "").strip("/")
    if not private_prefix and private_bucket == value["S3_BUCKET"]:
        # Sharing a bucket, private files keep to a prefix no other storage writes under.
        private_prefix = DEFAULT_PRIVATE_PREFIX
    if private_bucket == public_bucket and (private_prefix + "/").startswith("images/"):
        raise ImproperlyConfigured(
            f"S3_PRIVATE_PREFIX 不能在公开的 images/ 下（{private_prefix}）。"
            f" / S3_PRIVATE_PREFIX must not be under the public images/ ({private_prefix})."
        )
    public_parts = urlsplit(public)
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **connection,
                "bucket_name": value["S3_BUCKET"],
                "default_acl": "private" if with_acls else None,
                "querystring_auth": True,
                "querystring_expire": int(seconds),
            },
        },
        "renditions": {
            "BACKEND": "rongmei.media.s3.S3RenditionStorage",
            "OPTIONS": {
                **connection,
                "bucket_name": public_bucket,
                "default_acl": "public-read" if with_acls else None,
                "querystring_auth": False,
                "custom_domain": (public_parts.netloc + public_parts.path).rstrip("/"),
                "url_protocol": public_parts.scheme + ":",
            },
        },
        "private": {
            "BACKEND": "rongmei.media.s3.S3PrivateStorage",
            "OPTIONS": {
                **connection,
                "bucket_name": private_bucket,
                "location": private_prefix,
                "default_acl": "private" if with_acls else None,
                "querystring_auth": True,
            },
        },
    }


def _url(value: dict, name: str) -> str:
    url = value[name].rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name} 应为 http:// 或 https:// 开头的地址，现在是 {url!r}。"
            f" / {name} must be an http:// or https:// address, not {url!r}."
        )
    return url
