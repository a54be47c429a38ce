"""Printable documents (manifests, tracing letters): PDF with a vendored font that prints Cyrillic anywhere."""

from unforgotten.documents.pdf import (
    FAMILY,
    Column,
    PrintDocument,
    SignatureBlock,
    column_widths,
    font_path,
    page_label,
)

__all__ = ["FAMILY", "Column", "PrintDocument", "SignatureBlock", "column_widths", "font_path", "page_label"]
