"""The PDFs of the internships app (WeasyPrint, as the certificate and the reports)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
