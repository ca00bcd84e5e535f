"""The editor's live preview: edited text rendered exactly as the item page renders drafts
(markdown sanitized, anything else escaped), never the browser's own reading of it."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from ..domain.authority import Permission
from . import render
from .access import require
from .forms import PreviewForm

bp = Blueprint("preview", __name__)


@bp.post("/preview")
@require(Permission.WORK_QUEUE)
def preview() -> tuple[Response, int]:
    """The posted text as safe HTML (JSON ``{"html": ...}``); 400 with the field problems."""
    form = PreviewForm()
    if not form.validate_on_submit():
        return jsonify({"errors": form.errors}), 400
    html = render.content_html(form.content.data or "", form.content_type.data or "")
    return jsonify({"html": str(html)}), 200
