"""A partner's feed server for the tests: the contract servers' frame serving ninjs, RSS and Atom
documents that a test sets per path (and can change between two fetches)."""

from pathlib import Path

from rongmei.distribution.contract.base import ContractServer, Response

FIXTURES = Path(__file__).parent / "fixtures"

CONTENT_TYPES = {
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class PartnerFeedServer(ContractServer):
    def __init__(self):
        super().__init__()
        self.documents: dict[str, Response] = {}

    def serve(self, path: str, body, content_type: str = "application/json; charset=utf-8", **headers):
        with self.lock:
            self.documents[path] = Response(200, body, content_type, headers)

    def serve_fixture(self, path: str, name: str):
        self.serve(path, fixture(name), CONTENT_TYPES[Path(name).suffix])

    def url(self, path: str) -> str:
        return self.base_url + path

    def not_found(self, request):
        with self.lock:
            document = self.documents.get(request.path)
        if document is None or request.method != "GET":
            return super().not_found(request)
        etag = document.headers.get("ETag")
        if etag and request.headers.get("if-none-match") == etag:
            return Response(304, b"", document.content_type, {"ETag": etag})
        return document
