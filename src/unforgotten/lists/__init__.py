"""lists domain."""

__all__: list[str] = []
