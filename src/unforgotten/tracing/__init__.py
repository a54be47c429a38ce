"""tracing domain: requests per child, hand-overs with deadlines, responses, reunions (docs/tracing.md)."""

__all__: list[str] = []
