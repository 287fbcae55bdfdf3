"""Analysis of fetched items: the pure engine (`engine/`) and its wiring to the database (groups of
copies, watch-rule matches, sentiment)."""
