"""The public form's uploads, refused while they arrive: a file past its limit (by what its first
bytes say it is) is skipped at once, so a 500 MB video never fills the server's disk, and the form
says which file and what the limit is."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from . import services


class TipUploadLimit(FileUploadHandler):
    """First in the request's upload handlers (before Django's own, which keep the bytes)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.refused: list[str] = []
        self._config = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._received = 0
        self._limit = None

    def receive_data_chunk(self, raw_data, start):
        if self._limit is None:
            self._config = self._config or services.tips_settings()
            kind, _container = services.sniff(raw_data[:64])
            # Not a photo or video: the form refuses it by content; it may be no larger than a photo.
            self._kind = kind or "image"
            self._limit = services.limit_for(self._kind, self._config)
        self._received += len(raw_data)
        if self._received > self._limit:
            self.refused.append(services.too_large_message(self.file_name, self._kind, self._limit))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
