"""Property tests (Hypothesis) for what the public tips form (爆料) takes from anyone: the typed
fields and the uploaded files.

Properties: any form data is accepted or refused with messages (never an exception); kept text is
plain (no tags); an upload is prepared or refused with a ``TipError`` message whatever its bytes;
a photo never keeps its GPS block."""

import struct
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from rongmei.media.exif import GPS_IFD
from rongmei.tips.forms import PublicTipForm
from rongmei.tips.models import TipsSettings
from rongmei.tips.services import TipError, plain_text, prepare_upload

FAST = settings(
    max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

typed = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ["<script>alert(1)</script>", "<b>火灾</b>", "&lt;x&gt;", "\x00\x1b", "+86 138-0000-0000", ""]
    ),
)


@FAST
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "text": typed,
            "location": typed,
            "event_time": typed,
            "contact_name": typed,
            "contact_phone": typed,
            "consent_to_contact": st.sampled_from(["on", "", "1"]),
            "homepage": typed,
        },
    )
)
def test_any_form_data_is_taken_or_refused_with_messages(data):
    form = PublicTipForm(data=data, files={}, config=TipsSettings())
    if form.is_valid():
        assert plain_text(form.cleaned_data["text"])
    else:
        assert all(message.strip() for messages in form.errors.values() for message in messages)


letters = st.text(st.characters(categories=["Lo", "Nd"]), max_size=20)


@FAST
@given(letters, letters, st.sampled_from(["<b>", "<i>", "", "<a href='javascript:x'>"]))
def test_kept_text_is_plain(hidden, shown, tag):
    kept = plain_text(f"<script>{hidden}</script>{tag}{shown}\x00\x1b")
    assert kept == shown.strip()


MAGIC = st.sampled_from(
    [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\x00\x00\x00\x18ftypmp42", b"RIFF"]
)


@FAST
@given(MAGIC, st.binary(max_size=300))
def test_any_upload_is_prepared_or_refused_with_a_message(magic, rest):
    upload = SimpleUploadedFile("现场.jpg", magic + rest)
    try:
        prepared = prepare_upload(upload, TipsSettings())
    except TipError as error:
        assert str(error.message).strip()
    else:
        assert prepared.name == "现场.jpg"


def _jpeg_with_gps(tags):
    picture = Image.new("RGB", (16, 12), "blue")
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[tag] = value
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (118.0, 3.0, 0.0)})
    out = BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@FAST
@given(st.dictionaries(st.sampled_from([0x010F, 0x0110, 0x0132, 0x010E]), st.text(max_size=20), max_size=4))
def test_a_photo_never_keeps_its_gps(tags):
    try:
        data = _jpeg_with_gps(tags)
    except (TypeError, ValueError, OSError, UnicodeError, struct.error):
        return  # Pillow cannot write this EXIF: no such upload
    prepared = prepare_upload(SimpleUploadedFile("现场.jpg", data), TipsSettings())
    assert prepared.gps_removed
    assert GPS_IFD not in Image.open(BytesIO(prepared.content)).getexif()
