"""HTTP adapters for the staff JSON API: read the credential and the upload, call one
function of :mod:`brandmap.service.staff`, send its answer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, request

from brandmap.editorial import Records
from brandmap.errors import StoreError
from brandmap.service import staff
from brandmap.service.web import served
from brandmap.service.web.adapter import refuse_unreadable_query, send
from brandmap.store import Snapshot

__all__ = ["bp", "records"]

bp = Blueprint("staff", __name__)
bp.before_request(refuse_unreadable_query)


def records() -> Records:
    """The editorial records beside the served store, opened on first use."""
    return current_app.extensions["brandmap.records"]()


def credentials() -> staff.Credentials:
    """What the request presents; the staff session will join the bearer token here."""
    return staff.Credentials(bearer=staff.bearer_token(request.headers.get("Authorization")))


@bp.post("/api/drafts")
def new_draft() -> Response:
    with tempfile.TemporaryDirectory(prefix="brandmap-upload-") as folder:

        def receive() -> staff.Upload | None:
            upload = request.files.get("file")
            if upload is None:
                return None
            name = Path(upload.filename or "upload").name
            target = Path(folder) / f"upload{Path(name).suffix.lower()}"
            upload.save(target)
            return staff.Upload(name, target, request.form.get("mode"))

        return send(staff.new_draft(records(), _served_snapshot, credentials(), receive))


@bp.get("/api/drafts/<int:draft_id>")
def draft(draft_id: int) -> Response:
    return send(staff.draft(records(), credentials(), draft_id))


@bp.post("/api/drafts/<int:draft_id>/publish")
def publish(draft_id: int) -> Response:
    return send(staff.publish(records(), served().store, credentials(), draft_id))


@bp.get("/api/releases")
def releases() -> Response:
    return send(staff.releases(records(), credentials()))


@bp.post("/api/releases/<int:number>/restore")
def restore(number: int) -> Response:
    return send(staff.restore(records(), served().store, credentials(), number))


def _served_snapshot() -> Snapshot:
    """The snapshot being served, which uploads are checked against."""
    dataset = served().current()
    if dataset is None:
        raise StoreError(served().problem or "no store can be read")
    return dataset.snapshot
