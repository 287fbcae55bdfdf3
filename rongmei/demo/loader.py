"""The demo newsroom: organisation, users, sections, regions and stories. Idempotent."""

DEMO_PASSWORD = "rongmei-demo-2026"
DEMO_USERS = [
    ("reporter", "记者 reporter"),
    ("editor", "初审编辑 first-level editor"),
    ("editor2", "初审编辑 second first-level editor"),
    ("director", "复审主任 department director"),
    ("chief", "终审总编 chief editor"),
    ("newmedia", "新媒体编辑 new-media editor"),
    ("admin", "管理员 administrator"),
]


def load_demo_data(stdout=None) -> str:
    return "no demo data yet"
