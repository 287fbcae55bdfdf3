"""Demo pictures drawn with Pillow: simple landscape-like compositions, no downloads, no fonts.

Each picture is a scene (skyline, fields, mountains …) whose colours and shapes are seeded by the
image key, so the same key always gives the same JPEG and different keys look different.
"""

import colorsys
import io
import math
import random
import zlib

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 800


def _jitter(rng: random.Random, rgb: tuple[int, int, int], hue: float, light: float = 0.06):
    """Shift a colour's hue by ``hue`` (0–1) and its lightness a little."""
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    h = (h + hue) % 1.0
    lightness = min(1.0, max(0.0, lightness + rng.uniform(-light, light)))
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, lightness, s))


def _gradient(size, top, bottom) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _ridge(draw, rng, base_y, amplitude, colour, roughness=3):
    phases = [rng.uniform(0, math.tau) for _ in range(roughness)]
    freqs = [rng.uniform(0.5, 1.5) * (i + 1) for i in range(roughness)]
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + 20, 20):
        t = x / WIDTH * math.tau
        y = base_y - amplitude * sum(
            math.sin(f * t + p) / (i + 1) for i, (f, p) in enumerate(zip(freqs, phases, strict=True))
        )
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=colour)


def _buildings(draw, rng, base_y, colour, window, lit=0.35, tall=(120, 420)):
    x = rng.randint(-40, 0)
    while x < WIDTH:
        w = rng.randint(50, 130)
        h = rng.randint(*tall)
        draw.rectangle([x, base_y - h, x + w, base_y], fill=colour)
        if rng.random() < 0.3:
            draw.polygon(
                [(x, base_y - h), (x + w // 2, base_y - h - rng.randint(20, 50)), (x + w, base_y - h)],
                fill=colour,
            )
        for wy in range(base_y - h + 14, base_y - 14, 22):
            for wx in range(x + 8, x + w - 12, 18):
                if rng.random() < lit:
                    draw.rectangle([wx, wy, wx + 8, wy + 10], fill=window)
        x += w + rng.randint(4, 24)


def _glow(img, rng, count, colours, radius=(10, 60), area=(0, 0, WIDTH, HEIGHT), alpha=(60, 150)):
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(count):
        r = rng.randint(*radius)
        x = rng.randint(area[0], area[2])
        y = rng.randint(area[1], area[3])
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*rng.choice(colours), rng.randint(*alpha)))
    overlay = overlay.filter(ImageFilter.GaussianBlur(6))
    return Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")


def _sun(draw, x, y, r, colour):
    draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def scene_skyline(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (110, 170, 225), hue), _jitter(rng, (225, 235, 245), hue))
    d = ImageDraw.Draw(img)
    _sun(d, rng.randint(150, 1050), rng.randint(80, 200), 50, (255, 244, 214))
    _buildings(d, rng, 600, _jitter(rng, (150, 165, 185), hue), (210, 225, 240), lit=0.25, tall=(200, 430))
    _buildings(d, rng, 650, _jitter(rng, (85, 95, 115), hue), (240, 230, 190), lit=0.2, tall=(90, 260))
    d.rectangle([0, 650, WIDTH, HEIGHT], fill=_jitter(rng, (90, 95, 100), 0))
    for x in range(0, WIDTH, 90):
        d.rectangle([x, 720, x + 50, 728], fill=(235, 235, 220))
    return img


def scene_night_city(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (15, 20, 60), hue), _jitter(rng, (70, 40, 110), hue))
    d = ImageDraw.Draw(img)
    for _ in range(80):
        x, y = rng.randint(0, WIDTH), rng.randint(0, 300)
        d.point((x, y), fill=(255, 255, 230))
    _buildings(d, rng, 640, (25, 28, 50), (255, 214, 120), lit=0.45, tall=(220, 480))
    _buildings(d, rng, 700, (12, 14, 28), (255, 190, 90), lit=0.35, tall=(100, 260))
    d.rectangle([0, 700, WIDTH, HEIGHT], fill=(10, 10, 20))
    return _glow(
        img, rng, 40, [(255, 180, 80), (255, 90, 120), (120, 200, 255)], area=(0, 560, WIDTH, HEIGHT)
    )


def scene_river(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (150, 200, 235), hue), _jitter(rng, (235, 240, 230), hue))
    d = ImageDraw.Draw(img)
    _ridge(d, rng, 380, 40, _jitter(rng, (120, 150, 130), hue))
    _ridge(d, rng, 440, 25, _jitter(rng, (70, 120, 70), hue / 2))
    water = _gradient(
        (WIDTH, HEIGHT - 470), _jitter(rng, (110, 160, 190), hue), _jitter(rng, (60, 100, 140), hue)
    )
    img.paste(water, (0, 470))
    d = ImageDraw.Draw(img)
    for _ in range(60):
        y = rng.randint(480, HEIGHT)
        x = rng.randint(0, WIDTH)
        d.line([(x, y), (x + rng.randint(30, 120), y)], fill=(200, 225, 240), width=2)
    for _ in range(25):
        x = rng.randint(0, WIDTH)
        h = rng.randint(40, 110)
        d.line(
            [(x, 480), (x + rng.randint(-10, 10), 480 - h)],
            fill=_jitter(rng, (150, 140, 80), hue / 3),
            width=3,
        )
    return img


def scene_fields(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (120, 180, 235), hue / 2), (240, 240, 225))
    d = ImageDraw.Draw(img)
    horizon = rng.randint(300, 380)
    _ridge(d, rng, horizon, 18, _jitter(rng, (110, 150, 110), hue / 2))
    colours = [(214, 180, 70), (190, 160, 60), (120, 170, 70), (160, 190, 80), (200, 170, 90)]
    vanish = (rng.randint(400, 800), horizon - 20)
    for i in range(-12, 14):
        x0 = WIDTH / 2 + i * 160
        x1 = WIDTH / 2 + (i + 1) * 160
        colour = _jitter(rng, colours[(i + 12) % len(colours)], hue / 4)
        d.polygon([vanish, (x0, HEIGHT), (x1, HEIGHT)], fill=colour)
    for _ in range(rng.randint(2, 5)):
        x = rng.randint(0, WIDTH)
        d.ellipse([x - 40, horizon - 60, x + 40, horizon + 10], fill=_jitter(rng, (60, 110, 60), hue / 3))
    return img


def scene_orchard(rng, hue):
    img = scene_fields(rng, hue)
    d = ImageDraw.Draw(img)
    for row in range(4):
        y = 480 + row * 90
        r = 40 + row * 18
        for x in range(-60 + row * 30, WIDTH + 80, 2 * r + 30):
            d.rectangle([x - 5, y, x + 5, y + r], fill=(90, 60, 40))
            d.ellipse([x - r, y - r * 1.4, x + r, y + r * 0.3], fill=_jitter(rng, (60, 130, 60), 0))
            for _ in range(6):
                ax = x + rng.randint(-r + 8, r - 8)
                ay = y - rng.randint(0, int(r * 1.1))
                d.ellipse([ax - 6, ay - 6, ax + 6, ay + 6], fill=(220, 40, 40))
    return img


def scene_mountains(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (170, 200, 230), hue), _jitter(rng, (245, 225, 200), hue))
    d = ImageDraw.Draw(img)
    _sun(d, rng.randint(200, 1000), rng.randint(120, 220), 40, (255, 240, 210))
    base = [(140, 160, 190), (100, 130, 150), (70, 100, 100), (45, 70, 60)]
    for i, colour in enumerate(base):
        _ridge(d, rng, 330 + i * 110, 90 - i * 12, _jitter(rng, colour, hue / 2), roughness=4)
    return img.filter(ImageFilter.SMOOTH)


def scene_factory(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (180, 190, 200), hue), _jitter(rng, (240, 215, 180), hue))
    d = ImageDraw.Draw(img)
    base = 620
    metal = _jitter(rng, (90, 100, 115), hue / 3)
    for _ in range(rng.randint(3, 6)):
        x = rng.randint(50, 1100)
        h = rng.randint(220, 420)
        d.rectangle([x, base - h, x + 28, base], fill=metal)
        d.rectangle([x, base - h + 20, x + 28, base - h + 34], fill=(200, 60, 50))
    for _ in range(rng.randint(2, 4)):
        x = rng.randint(0, 1000)
        w = rng.randint(90, 160)
        h = rng.randint(140, 260)
        d.rounded_rectangle(
            [x, base - h, x + w, base], radius=w // 2, fill=_jitter(rng, (170, 175, 180), hue / 3)
        )
    x = 0
    while x < WIDTH:
        w = rng.randint(160, 300)
        h = rng.randint(90, 160)
        d.polygon(
            [(x, base), (x, base - h), (x + w / 2, base - h - 40), (x + w, base - h), (x + w, base)],
            fill=metal,
        )
        x += w + rng.randint(10, 40)
    d.rectangle([0, base, WIDTH, HEIGHT], fill=_jitter(rng, (120, 120, 115), 0))
    return _glow(
        img,
        rng,
        14,
        [(245, 245, 245), (220, 220, 225)],
        radius=(40, 90),
        area=(0, 60, WIDTH, 300),
        alpha=(60, 110),
    )


def scene_night_market(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (20, 15, 40), hue), _jitter(rng, (90, 40, 40), hue / 2))
    d = ImageDraw.Draw(img)
    for i in range(7):
        x = i * 180 + rng.randint(-20, 20)
        d.rectangle([x, 430, x + 150, 560], fill=_jitter(rng, (150, 60, 40), hue / 4))
        d.polygon([(x - 10, 430), (x + 75, 380), (x + 160, 430)], fill=_jitter(rng, (200, 50, 50), hue / 4))
    d.rectangle([0, 560, WIDTH, HEIGHT], fill=(40, 30, 30))
    for x in range(0, WIDTH, 60):
        d.line([(x, 300), (x + 60, 320)], fill=(80, 70, 60), width=2)
        d.ellipse([x + 20, 305, x + 44, 335], fill=(255, 70, 50))
    img = _glow(img, rng, 70, [(255, 200, 90), (255, 120, 60), (255, 230, 160)], area=(0, 380, WIDTH, HEIGHT))
    return _glow(
        img,
        rng,
        30,
        [(255, 255, 255), (200, 200, 210)],
        radius=(30, 70),
        area=(0, 300, WIDTH, 520),
        alpha=(20, 60),
    )


def scene_old_town(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (160, 200, 230), hue / 2), (245, 235, 215))
    d = ImageDraw.Draw(img)
    wall = _jitter(rng, (170, 150, 130), hue / 4)
    roof = _jitter(rng, (70, 70, 80), hue / 4)
    x = -30
    while x < WIDTH:
        w = rng.randint(140, 220)
        top = rng.randint(360, 440)
        d.rectangle([x, top, x + w, 640], fill=wall)
        d.polygon([(x - 25, top), (x + w / 2, top - 70), (x + w + 25, top)], fill=roof)
        d.line([(x - 25, top), (x - 35, top - 12)], fill=roof, width=6)
        d.line([(x + w + 25, top), (x + w + 35, top - 12)], fill=roof, width=6)
        d.rectangle([x + w / 2 - 22, 560, x + w / 2 + 22, 640], fill=(90, 50, 40))
        for wx in (x + 20, x + w - 50):
            d.rectangle([wx, top + 40, wx + 30, top + 80], fill=(110, 70, 50))
        x += w + 8
    d.rectangle([0, 640, WIDTH, HEIGHT], fill=_jitter(rng, (150, 140, 125), 0))
    for y in range(650, HEIGHT, 24):
        for xx in range((y // 24 % 2) * 30, WIDTH, 60):
            d.rectangle([xx, y, xx + 56, y + 20], outline=(125, 115, 100))
    return _glow(img, rng, 12, [(230, 50, 40)], radius=(14, 20), area=(0, 380, WIDTH, 470), alpha=(200, 240))


def scene_track(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (100, 170, 230), hue / 3), (230, 240, 250))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 300, WIDTH, 420], fill=_jitter(rng, (90, 90, 110), hue))
    for _ in range(300):
        x, y = rng.randint(0, WIDTH), rng.randint(305, 415)
        d.ellipse(
            [x - 5, y - 5, x + 5, y + 5],
            fill=_jitter(rng, rng.choice([(230, 60, 60), (60, 90, 200), (240, 200, 60), (240, 240, 240)]), 0),
        )
    track = _jitter(rng, (190, 80, 60), hue / 6)
    d.rectangle([0, 420, WIDTH, HEIGHT], fill=track)
    for i in range(9):
        y = 430 + i * 42
        d.line([(0, y), (WIDTH, y + 20)], fill=(245, 245, 245), width=4)
    for i in range(rng.randint(3, 6)):
        x = 150 + i * rng.randint(150, 190)
        y = 500 + (i % 3) * 70
        colour = _jitter(rng, (40, 90, 200), rng.random())
        d.ellipse([x - 16, y - 120, x + 16, y - 88], fill=(90, 60, 45))
        d.rectangle([x - 20, y - 88, x + 20, y - 30], fill=colour)
        d.line([(x - 10, y - 30), (x - 35, y + 20)], fill=(90, 60, 45), width=12)
        d.line([(x + 10, y - 30), (x + 30, y + 15)], fill=(90, 60, 45), width=12)
    return img


def scene_pitch(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (90, 140, 210), hue / 3), (210, 225, 240))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 260, WIDTH, HEIGHT], fill=_jitter(rng, (60, 150, 70), 0))
    for i in range(0, WIDTH, 120):
        d.rectangle([i, 260, i + 60, HEIGHT], fill=_jitter(rng, (70, 165, 80), 0, 0.02))
    d.line([(0, 300), (WIDTH, 300)], fill=(245, 245, 245), width=5)
    d.line([(WIDTH / 2, 300), (WIDTH / 2, HEIGHT)], fill=(245, 245, 245), width=5)
    d.ellipse([WIDTH / 2 - 150, 480, WIDTH / 2 + 150, 640], outline=(245, 245, 245), width=5)
    for _ in range(10):
        x, y = rng.randint(60, 1140), rng.randint(360, 760)
        colour = rng.choice([(220, 40, 40), (30, 60, 180)])
        d.ellipse([x - 10, y - 60, x + 10, y - 40], fill=(90, 60, 45))
        d.rectangle([x - 14, y - 40, x + 14, y], fill=colour)
    d.ellipse([600, 560, 616, 576], fill=(250, 250, 250))
    return img


def scene_road(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (130, 180, 225), hue / 2), (240, 235, 225))
    d = ImageDraw.Draw(img)
    _ridge(d, rng, 400, 70, _jitter(rng, (120, 150, 120), hue / 3))
    _ridge(d, rng, 470, 30, _jitter(rng, (90, 130, 90), hue / 3))
    vx = rng.randint(450, 750)
    d.polygon([(vx - 20, 420), (vx + 20, 420), (WIDTH + 200, HEIGHT), (-200, HEIGHT)], fill=(80, 80, 85))
    for i in range(12):
        t0, t1 = i / 12, (i + 0.5) / 12
        y0, y1 = 420 + (HEIGHT - 420) * t0**1.6, 420 + (HEIGHT - 420) * t1**1.6
        d.polygon(
            [(vx - 2 - 10 * t0, y0), (vx + 2 + 10 * t0, y0), (vx + 2 + 10 * t1, y1), (vx - 2 - 10 * t1, y1)],
            fill=(250, 220, 90),
        )
    for _ in range(rng.randint(3, 7)):
        t = rng.uniform(0.2, 0.9)
        y = 420 + (HEIGHT - 420) * t
        side = rng.choice((-1, 1))
        x = vx + side * (60 + 500 * t) * rng.uniform(0.3, 0.8)
        w = 40 + 140 * t
        d.rounded_rectangle(
            [x - w / 2, y - w * 0.45, x + w / 2, y], radius=8, fill=_jitter(rng, (200, 40, 40), rng.random())
        )
    return img


def scene_snow(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (190, 200, 215), hue / 4), (245, 248, 252))
    d = ImageDraw.Draw(img)
    _buildings(
        d, rng, 600, _jitter(rng, (150, 155, 170), hue / 4), (230, 230, 210), lit=0.15, tall=(150, 380)
    )
    d.rectangle([0, 600, WIDTH, HEIGHT], fill=(246, 248, 252))
    for _ in range(8):
        x = rng.randint(0, WIDTH)
        d.polygon([(x, 560), (x - 40, 680), (x + 40, 680)], fill=(40, 80, 60))
        d.polygon([(x, 560), (x - 25, 620), (x + 25, 620)], fill=(250, 250, 252))
    return _glow(img, rng, 400, [(255, 255, 255)], radius=(2, 6), alpha=(150, 230))


def scene_sunset(rng, hue):
    img = _gradient(
        (WIDTH, HEIGHT), _jitter(rng, (60, 50, 120), hue / 3), _jitter(rng, (250, 150, 80), hue / 5)
    )
    d = ImageDraw.Draw(img)
    _sun(d, rng.randint(300, 900), 500, 80, (255, 210, 120))
    _ridge(d, rng, 560, 40, (60, 40, 60))
    _buildings(d, rng, 700, (30, 25, 40), (255, 200, 120), lit=0.1, tall=(60, 200))
    return _glow(
        img,
        rng,
        20,
        [(255, 120, 90), (255, 180, 120)],
        radius=(50, 110),
        area=(0, 50, WIDTH, 350),
        alpha=(40, 90),
    )


def scene_solar(rng, hue):
    img = scene_mountains(rng, hue)
    d = ImageDraw.Draw(img)
    for row in range(5):
        y = 520 + row * 55
        for x in range(-40 + row * 20, WIDTH, 110):
            d.polygon([(x, y), (x + 90, y), (x + 100, y + 38), (x + 10, y + 38)], fill=(30, 50, 110))
            d.line([(x + 45, y), (x + 55, y + 38)], fill=(150, 170, 210), width=2)
    return img


def scene_studio(rng, hue):
    img = _gradient((WIDTH, HEIGHT), _jitter(rng, (20, 40, 90), hue), _jitter(rng, (10, 15, 35), hue))
    d = ImageDraw.Draw(img)
    for i in range(6):
        x = 120 + i * 190
        d.rectangle([x, 160, x + 160, 250], fill=_jitter(rng, (40, 110, 200), hue))
    d.rounded_rectangle([330, 480, 870, 620], radius=30, fill=_jitter(rng, (200, 205, 215), 0))
    d.rectangle([0, 620, WIDTH, HEIGHT], fill=(25, 25, 35))
    for x in (480, 720):
        d.ellipse([x - 30, 340, x + 30, 400], fill=(120, 85, 65))
        d.rounded_rectangle([x - 55, 400, x + 55, 500], radius=20, fill=(40, 40, 60))
    return _glow(
        img,
        rng,
        16,
        [(120, 180, 255), (255, 255, 255)],
        radius=(30, 80),
        area=(0, 0, WIDTH, 200),
        alpha=(40, 100),
    )


SCENES = {name.removeprefix("scene_"): func for name, func in globals().items() if name.startswith("scene_")}


def render_jpeg(key: str, scene: str) -> bytes:
    """The JPEG bytes of picture ``key`` drawn as ``scene``; the same arguments give the same bytes."""
    try:
        draw_scene = SCENES[scene]
    except KeyError:
        raise ValueError(f"Unknown demo image scene {scene!r}; choose one of {sorted(SCENES)}.")
    rng = random.Random(zlib.crc32(key.encode()))
    hue = rng.uniform(-0.08, 0.08)
    img = draw_scene(rng, hue)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()
