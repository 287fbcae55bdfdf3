from ...messages import render_message


class FetchError(Exception):
    """A fetch that cannot go on, with a stable code (see `messages.MESSAGES`) and its parameters."""

    def __init__(self, code, *, debug="", **params):
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}
        self.debug = str(debug)[:1000]
        super().__init__(f"{code}: {self.params} {self.debug}".strip())

    @property
    def message(self):
        return render_message(self.code, self.params)
