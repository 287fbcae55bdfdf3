"""Files and tips the tips tests share."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rongmei.media.exif import GPS_IFD


def jpeg_with_gps(name="现场.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A real JPEG whose EXIF holds a GPS position (北纬36.8°, 东经118.0°) and a camera."""
    picture = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[GPS_IFD] = {1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (118.0, 3.0, 0.0)}
    out = BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def mp4(name="clip.mp4", size=4096) -> SimpleUploadedFile:
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return SimpleUploadedFile(name, head + b"\x00" * (size - len(head)), content_type="video/mp4")


def exe(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500, content_type="image/jpeg")


def receive(text="幸福路与民生街路口的井盖丢失，已有电动车摔倒。", **fields):
    from rongmei.tips import services

    fields.setdefault("location", "张店区幸福路")
    fields.setdefault("contact_name", "张先生")
    fields.setdefault("contact_phone", "13800001234")
    fields.setdefault("consent_to_contact", True)
    return services.receive_tip(text=text, **fields)
