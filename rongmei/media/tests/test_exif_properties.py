"""Property tests (Hypothesis) for uploads' metadata: EXIF read from any uploaded bytes never
raises (a picture Pillow cannot read has no EXIF to give), and a public rendition never keeps the
GPS block, whatever else the EXIF holds."""

import struct
from io import BytesIO

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from rongmei.media.exif import GPS_IFD, read_exif, upright, without_gps

FAST = settings(
    max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

exif_text = st.text(max_size=30)
exif_values = st.one_of(exif_text, st.integers(0, 65535), st.binary(max_size=20))


def _jpeg(fields, gps):
    picture = Image.new("RGB", (8, 6), "red")
    exif = Image.Exif()
    for tag, value in fields.items():
        exif[tag] = value
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (118.0, 3.0, 0.0)})
    out = BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


# Orientation, Make, Model, DateTime and a few others, with any values an upload may carry.
fields = st.dictionaries(
    st.sampled_from([0x0112, 0x010F, 0x0110, 0x0132, 0x010E, 0x013B]), exif_values, max_size=6
)


@FAST
@given(fields, st.booleans())
def test_exif_of_any_jpeg_is_read_without_error(tags, gps):
    try:
        data = _jpeg(tags, gps)
    except (TypeError, ValueError, OSError, UnicodeError, struct.error):
        return  # Pillow cannot write this EXIF: nothing to upload
    found = read_exif(BytesIO(data))
    assert isinstance(found["camera"], str) and len(found["camera"]) <= 100
    assert found["taken_at"] is None or found["taken_at"].tzinfo is not None
    upright(BytesIO(data), found["orientation"])


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_give_empty_metadata_not_an_error(data):
    found = read_exif(BytesIO(b"\xff\xd8\xff\xe1" + data))
    assert set(found) == {"taken_at", "camera", "orientation"}
    found = read_exif(BytesIO(data))
    assert set(found) == {"taken_at", "camera", "orientation"}


@FAST
@given(fields)
def test_a_rendition_never_keeps_gps(tags):
    try:
        data = _jpeg(tags, gps=True)
    except (TypeError, ValueError, OSError, UnicodeError, struct.error):
        return
    picture = Image.open(BytesIO(data))
    assert GPS_IFD in picture.getexif()
    cleaned = without_gps(picture)
    out = BytesIO()
    cleaned.save(out, "JPEG", exif=cleaned.info.get("exif", b""))
    assert GPS_IFD not in Image.open(BytesIO(out.getvalue())).getexif()
