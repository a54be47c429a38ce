"""Fault tests (issue 11, item 8): commands killed with SIGKILL mid-way, and PostgreSQL restarted under load."""
