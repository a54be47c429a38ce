"""agreements domain."""

__all__: list[str] = []
