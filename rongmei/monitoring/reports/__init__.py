"""Reports (舆情报告): a client's daily or weekly report as HTML and PDF, stored and e-mailed."""
