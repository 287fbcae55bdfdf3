"""Service functions of monitoring: the business rules every caller (tasks, commands, admin) uses."""
