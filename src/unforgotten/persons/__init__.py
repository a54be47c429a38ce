"""persons domain."""

__all__: list[str] = []
