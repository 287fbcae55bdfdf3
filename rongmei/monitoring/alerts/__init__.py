"""Alerts (舆情预警): alert rules, their evaluation and delivery (admin, e-mail, bots via the outbox)."""
