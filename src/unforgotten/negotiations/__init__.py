"""negotiations domain: rounds, documents with review deadlines, meetings, action items, the calendar."""

__all__: list[str] = []
