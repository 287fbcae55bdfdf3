"""Local contract servers: stand-ins for the platforms' HTTP APIs that check what the real APIs
check (token, required fields, limits, error codes) and can be told to fail. The tests run the
adapters against them; ``make demo`` starts them so the demo publishes "everywhere" offline.

One module per platform, each with a ``ContractServer`` subclass; see ``base.py``.
"""
