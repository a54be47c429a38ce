"""tracing domain: requests per child, hand-overs with deadlines, responses, reunions."""

__all__: list[str] = []
