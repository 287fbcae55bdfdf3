"""What kind of video or audio a file holds, from its first bytes (never its name or claimed type)."""

VIDEO = "video"
AUDIO = "audio"
# Enough of the start of a file for every check below.
HEAD_BYTES = 16

# QuickTime files may start with one of these atoms instead of ftyp.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}


def media_kind(head: bytes) -> tuple[str, str]:
    """(VIDEO or AUDIO, the container's name), or ("", "") when the bytes are none we take:
    MP4/MOV/M4A (ISO base media), MKV/WebM (EBML), AVI and WAV (RIFF), MP3, ADTS AAC."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        if head[8:12] in _AUDIO_BRANDS:
            return AUDIO, "M4A"
        return VIDEO, "MOV" if head[8:12] == b"qt  " else "MP4"
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return VIDEO, "MOV"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return VIDEO, "MKV/WebM"
    if len(head) >= 12 and head[:4] == b"RIFF":
        if head[8:12] == b"AVI ":
            return VIDEO, "AVI"
        if head[8:12] == b"WAVE":
            return AUDIO, "WAV"
        return "", ""
    if head[:3] == b"ID3":
        return AUDIO, "MP3"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS: sync, layer 00
            return AUDIO, "AAC"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # MPEG audio frame sync, a layer set
            return AUDIO, "MP3"
    return "", ""
