"""Clients (舆情客户): the customers whose watch rules, alerts, cases and reports the other features keep."""
