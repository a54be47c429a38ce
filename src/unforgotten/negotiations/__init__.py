"""negotiations domain."""

__all__: list[str] = []
