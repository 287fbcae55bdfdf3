"""Cases (舆情应对): an alert worked by an owner from verification to a published response."""
