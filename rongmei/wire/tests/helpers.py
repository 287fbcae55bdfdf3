from rongmei.wire.models import WireSource

SECRET = "s3cret-shared-with-the-partner-0123456789"


def make_source(kind=WireSource.Kind.NINJS, url="", **fields):
    source = WireSource(name=fields.pop("name", "新华社"), kind=kind, url=url, **fields)
    if kind == WireSource.Kind.PUSH:
        source.set_secret(fields.pop("secret", SECRET))
    source.save()
    return source


def ninjs_item(uri="urn:partner:x:1", version="1", headline="合作方稿件", **extra):
    item = {
        "uri": uri,
        "version": version,
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>正文第一段。</p>"}],
        "by": "通讯员 赵强",
    }
    item.update(extra)
    return item
