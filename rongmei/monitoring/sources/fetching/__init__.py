"""The mechanics of fetching: a polite HTTP client, charset decoding, parsers per source type and
article extraction. No business rules here; `rongmei.monitoring.sources.services` uses these."""
