"""Sources (监测来源): polite fetching of feeds, list pages, sitemaps and ninjs APIs, import, health."""
