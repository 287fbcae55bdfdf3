"""Media in S3-compatible object storage (issue 13, decision 0035), against moto's S3 server.

The server runs in this process on a free local port (no network). Each test gets its own
buckets and ``settings.STORAGES`` built by ``storages_from_environment`` as production builds it.
"""

import hashlib
import io
import itertools
import json
import os
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

try:
    import boto3
    import httpx
    from moto.server import ThreadedMotoServer

    from rongmei.media.storage import public_media_origins, storages_from_environment
except ImportError as missing:  # pragma: no cover - only without the dev dependencies
    if os.environ.get("CI"):
        raise
    pytest.skip(
        f"object storage tests need moto[server] and django-storages[s3] ({missing}); "
        "install them with pip install -e '.[dev]' (in CI they always run)",
        allow_module_level=True,
    )

from rongmei.core.storage import private_file_response
from rongmei.media.models import NewsImage, NewsImageRendition
from rongmei.media.static_media import LONG_CACHE, is_content_named
from rongmei.testing import fresh, login, publish_outside_review

pytestmark = pytest.mark.django_db

KEY_ID, SECRET = "rongmei-test-key", "rongmei-test-secret"
REGION = "us-east-1"
_numbers = itertools.count()


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings, tmp_path, monkeypatch):
    """Fresh buckets, STORAGES for them, and MEDIA_ROOT/PRIVATE_ROOT that must stay empty."""
    from django.core.cache import cache

    number = next(_numbers)
    bucket, private_bucket = f"rongmei-media-{number}", f"rongmei-private-{number}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    for name in (bucket, private_bucket):
        client.create_bucket(Bucket=name)
    env = {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_PRIVATE_BUCKET": private_bucket,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET,
        "S3_PUBLIC_URL": f"{s3_server}/{bucket}/",
        "S3_ADDRESSING_STYLE": "path",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    settings.PUBLIC_PAGE_CACHE_ENABLED = False

    def configure(**changes):
        # The setting_changed signal empties django's `storages` and `default_storage`.
        settings.STORAGES = storages_from_environment({**env, **changes})
        # Wagtail resolves the rendition field's storage once, when the model loads.
        monkeypatch.setattr(NewsImageRendition._meta.get_field("file"), "storage", storages["renditions"])

    configure()
    cache.clear()  # renditions Wagtail remembered from other tests
    yield SimpleNamespace(
        configure=configure,
        client=client,
        bucket=bucket,
        private_bucket=private_bucket,
        endpoint=s3_server,
        public_url=f"{s3_server}/{bucket}",
        media_root=tmp_path / "media",
        private_root=tmp_path / "private",
    )
    cache.clear()


def keys(s3, bucket=None) -> list:
    answer = s3.client.list_objects_v2(Bucket=bucket or s3.bucket)
    return sorted(entry["Key"] for entry in answer.get("Contents", []))


def anonymous_get(s3, bucket, key) -> httpx.Response:
    return httpx.get(f"{s3.endpoint}/{bucket}/{key}")


def public_grant(s3, bucket, key) -> bool:
    grants = s3.client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return any(grant["Grantee"].get("URI", "").endswith("/global/AllUsers") for grant in grants)


def files_on_disk(*roots) -> list:
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def jpeg(size=(640, 480), colour=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def upload_image(client, name="site.jpg", title="工地现场") -> NewsImage:
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": title, "file": SimpleUploadedFile(name, jpeg(), content_type="image/jpeg")},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return NewsImage.objects.get(title=title)


# --- settings ----------------------------------------------------------------------------------
LOCAL_BACKENDS = {
    "default": "rongmei.core.storage.LocalStorage",
    "private": "rongmei.core.storage.PrivateFileSystemStorage",
    "renditions": "rongmei.media.static_media.RenditionStorage",
    "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": "rongmei-media",
    "S3_ACCESS_KEY_ID": "k",
    "S3_SECRET_ACCESS_KEY": "s",
    "S3_PUBLIC_URL": "https://img.example.cn",
}


@pytest.mark.parametrize("env", [{}, {"MEDIA_STORAGE": "local"}, {"MEDIA_STORAGE": "", "S3_BUCKET": "x"}])
def test_local_disk_unless_s3_is_chosen(env):
    configured = storages_from_environment(env)
    assert {alias: entry["BACKEND"] for alias, entry in configured.items()} == LOCAL_BACKENDS
    assert not any("OPTIONS" in entry for entry in configured.values())


def test_staticfiles_storage_follows_its_variable_in_both_modes():
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert storages_from_environment({"STATICFILES_STORAGE": plain})["staticfiles"]["BACKEND"] == plain


def test_s3_without_its_settings_names_each_missing_one_in_chinese_and_english():
    with pytest.raises(ImproperlyConfigured) as refused:
        storages_from_environment({"MEDIA_STORAGE": "s3", "S3_BUCKET": "rongmei-media"})
    message = str(refused.value)
    assert "缺少设置" in message and "is missing" in message
    for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PUBLIC_URL"):
        assert name in message
    assert "S3_BUCKET," not in message and not message.startswith("S3_BUCKET")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"MEDIA_STORAGE": "oss"}, ["只能是 local 或 s3", "must be local or s3"]),
        ({"S3_PUBLIC_URL": "img.example.cn"}, ["S3_PUBLIC_URL 应为", "must be an http"]),
        ({"S3_ENDPOINT_URL": "ftp://minio:9000"}, ["S3_ENDPOINT_URL 应为", "must be an http"]),
        ({"S3_SIGNED_URL_SECONDS": "soon"}, ["S3_SIGNED_URL_SECONDS 应为", "must be a number"]),
        ({"S3_ADDRESSING_STYLE": "dns"}, ["S3_ADDRESSING_STYLE 只能是", "must be path"]),
        ({"S3_OBJECT_ACLS": "maybe"}, ["S3_OBJECT_ACLS 只能是", "must be 1 or 0"]),
        (
            {"S3_PUBLIC_BUCKET": "rongmei-images", "S3_PRIVATE_BUCKET": "rongmei-images"},
            ["S3_PRIVATE_BUCKET 不能与公开的 S3_PUBLIC_BUCKET 相同", "must not be the public"],
        ),
        (
            {"S3_PRIVATE_PREFIX": "images/private"},
            ["S3_PRIVATE_PREFIX 不能在公开的 images/ 下", "must not be under"],
        ),
    ],
)
def test_malformed_s3_settings_are_refused_with_the_reason(change, words):
    with pytest.raises(ImproperlyConfigured) as refused:
        storages_from_environment({**S3_ENV, **change})
    assert all(word in str(refused.value) for word in words), str(refused.value)


def test_private_files_share_the_main_bucket_only_under_their_prefix():
    shared = storages_from_environment(S3_ENV)["private"]["OPTIONS"]
    assert (shared["bucket_name"], shared["location"]) == ("rongmei-media", "private")
    own = storages_from_environment({**S3_ENV, "S3_PRIVATE_BUCKET": "rongmei-private"})["private"]["OPTIONS"]
    assert (own["bucket_name"], own["location"]) == ("rongmei-private", "")


def test_object_acls_private_and_public_read_unless_the_store_has_none():
    acls = {
        alias: entry["OPTIONS"]["default_acl"]
        for alias, entry in storages_from_environment(S3_ENV).items()
        if "OPTIONS" in entry
    }
    assert acls == {"default": "private", "renditions": "public-read", "private": "private"}
    without = storages_from_environment({**S3_ENV, "S3_OBJECT_ACLS": "0"})
    assert all(entry["OPTIONS"]["default_acl"] is None for entry in without.values() if "OPTIONS" in entry)


def test_pages_may_load_renditions_from_the_public_address_only_with_s3():
    env = {"S3_PUBLIC_URL": "https://img.example.cn/rongmei-media/"}
    assert public_media_origins({**env, "MEDIA_STORAGE": "s3"}) == ["https://img.example.cn"]
    assert public_media_origins(env) == []
    assert public_media_origins({**env, "MEDIA_STORAGE": "local"}) == []


# --- against the S3 server ---------------------------------------------------------------------
def test_an_image_uploaded_in_the_admin_lands_in_the_bucket_and_stays_private(client, newsroom, s3):
    login(client, newsroom.reporter)
    image = upload_image(client)

    assert image.file.name in keys(s3)
    assert image.file.name.startswith("original_images/")
    assert not files_on_disk(s3.media_root, s3.private_root)
    assert not public_grant(s3, s3.bucket, image.file.name)
    assert anonymous_get(s3, s3.bucket, image.file.name).status_code == 403
    # Where Django needs a URL for it, the URL is signed and expires.
    assert "X-Amz-Signature=" in image.file.url and "X-Amz-Expires=600" in image.file.url
    assert (image.width, image.height) == (640, 480)
    # The admin's own pages show it through public renditions.
    for page in (reverse("wagtailimages:index"), reverse("wagtailimages:edit", args=[image.pk])):
        html = client.get(page).content.decode()
        assert f'src="{s3.public_url}/images/' in html
        assert "X-Amz-Signature" not in html


def test_two_uploads_under_one_name_are_two_objects(s3):
    first = default_storage.save("documents/report.pdf", ContentFile(b"%PDF-1.4 first"))
    second = default_storage.save("documents/report.pdf", ContentFile(b"%PDF-1.4 second"))
    assert first != second
    assert default_storage.open(first).read() == b"%PDF-1.4 first"
    assert default_storage.open(second).read() == b"%PDF-1.4 second"


def test_renditions_are_public_under_the_public_url_and_named_by_their_bytes(client, newsroom, s3):
    login(client, newsroom.reporter)
    image = upload_image(client)
    rendition = image.get_rendition("fill-160x90")

    assert rendition.url == f"{s3.public_url}/{rendition.file.name}"
    assert rendition.file.name.startswith("images/") and is_content_named(rendition.file.name)
    served = anonymous_get(s3, s3.bucket, rendition.file.name)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Cache-Control"] == LONG_CACHE
    assert PILImage.open(io.BytesIO(served.content)).size == (160, 90)
    # The digits in the name are the hash of exactly these bytes.
    assert "." + hashlib.sha256(served.content).hexdigest()[:16] + "." in rendition.file.name
    assert public_grant(s3, s3.bucket, rendition.file.name)
    assert not files_on_disk(s3.media_root)


def test_deleting_an_image_deletes_its_objects(client, newsroom, s3, on_commit):
    login(client, newsroom.reporter)
    image = upload_image(client)
    rendition = image.get_rendition("fill-160x90")
    assert {image.file.name, rendition.file.name} <= set(keys(s3))

    with on_commit():  # Wagtail deletes the files once the rows' deletion commits
        response = client.post(reverse("wagtailimages:delete", args=[image.pk]))
    assert response.status_code == 302
    assert not NewsImage.objects.filter(pk=image.pk).exists()
    assert image.file.name not in keys(s3) and rendition.file.name not in keys(s3)


def test_without_object_acls_a_bucket_policy_opens_the_renditions_only(client, newsroom, s3):
    """Stores without object ACLs (MinIO, AWS "bucket owner enforced"): docs/object-storage.md's policy."""
    s3.configure(S3_OBJECT_ACLS="0")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{s3.bucket}/images/*", f"arn:aws:s3:::{s3.bucket}/video/*"],
            }
        ],
    }
    s3.client.put_bucket_policy(Bucket=s3.bucket, Policy=json.dumps(policy))
    login(client, newsroom.reporter)
    image = upload_image(client)
    rendition = image.get_rendition("fill-160x90")

    assert not public_grant(s3, s3.bucket, rendition.file.name)
    assert anonymous_get(s3, s3.bucket, rendition.file.name).status_code == 200
    assert anonymous_get(s3, s3.bucket, image.file.name).status_code == 403


def test_a_published_story_shows_renditions_from_the_public_url_and_never_the_original(client, newsroom, s3):
    login(client, newsroom.reporter)
    cover = upload_image(client, name="cover.jpg", title="封面")
    story = newsroom.add_story(title="新区开工", cover_image=cover)
    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)

    reader = Client()
    page = reader.get(fresh(story).url)  # publishing gives it its dated slug
    assert page.status_code == 200
    html = page.content.decode()
    api = reader.get("/api/v1/items").content.decode()
    for answer in (html, api):
        assert f"{s3.public_url}/images/" in answer
        assert "original_images/" not in answer and "X-Amz-Signature" not in answer
    shown = [key for key in keys(s3) if key.startswith("images/") and key in html]
    assert shown and all(anonymous_get(s3, s3.bucket, key).status_code == 200 for key in shown)


def test_private_files_round_trip_in_their_bucket_without_a_url(s3):
    private = storages["private"]
    name = private.save("monitoring/reports/2026/12/舆情日报.pdf", ContentFile(b"%PDF-1.7 client report"))

    assert keys(s3, s3.private_bucket) == [name]
    assert keys(s3) == []
    assert not files_on_disk(s3.media_root, s3.private_root)
    assert not public_grant(s3, s3.private_bucket, name)
    assert anonymous_get(s3, s3.private_bucket, name).status_code == 403
    with pytest.raises(NotImplementedError):
        private.url(name)
    response = private_file_response(SimpleNamespace(storage=private, name=name), "report.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 client report"
    assert response["Cache-Control"] == "private, no-store"
    private.delete(name)
    assert keys(s3, s3.private_bucket) == []


def test_a_document_downloads_through_wagtails_serve_view_from_the_bucket(client, newsroom, s3):
    from wagtail.documents.models import Document

    content = b"%PDF-1.4 " + os.urandom(200_000)  # more than one chunk
    login(client, newsroom.reporter)
    response = client.post(
        reverse("wagtaildocs:add"), {"title": "通报", "file": SimpleUploadedFile("notice.pdf", content)}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name in keys(s3)
    assert anonymous_get(s3, s3.bucket, document.file.name).status_code == 403

    served = Client().get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == content
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert not files_on_disk(s3.media_root)
