"""What kind of picture a file holds, from its first bytes (not its name or the type a client claims)."""


def picture_kind(data: bytes) -> str:
    """ "jpeg", "png", "gif", "bmp", or "" for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return ""
