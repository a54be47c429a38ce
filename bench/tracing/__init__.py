"""Tracing bench (issue 14 item 3): children's tracing requests against the other side's records."""
