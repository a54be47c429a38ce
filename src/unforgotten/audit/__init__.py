"""audit domain."""

__all__: list[str] = []
