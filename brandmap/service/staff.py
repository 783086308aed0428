"""The staff JSON API as plain functions: drafts, publishing and releases.

Every function first checks the caller's :class:`Credentials` against the role it needs
(:func:`authorize`: no or bad credential → 401, too small a role → 403), then does one
thing through :mod:`brandmap.editorial.publishing` and answers an :class:`ApiResponse`.
Answers are never cached: they depend on who asks and change with every upload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from brandmap.catalog.rows import FILE_SUFFIXES
from brandmap.editorial.publishing import (
    PublishConflict,
    create_draft,
    draft_report,
    publish_draft,
    restore_release,
)
from brandmap.editorial.records import Records
from brandmap.editorial.releases import UnknownRecord, list_releases
from brandmap.editorial.roles import Role
from brandmap.editorial.tokens import verify_token
from brandmap.errors import BrandmapError, StoreError, ValidationError
from brandmap.service.api import ApiResponse, error_response, json_response
from brandmap.store import Snapshot, Store

__all__ = [
    "Actor",
    "Credentials",
    "NotAllowed",
    "NotAuthenticated",
    "authorize",
    "bearer_token",
    "draft",
    "new_draft",
    "publish",
    "releases",
    "restore",
]


@dataclass(frozen=True)
class Credentials:
    """What a request presents: an API token (``Authorization: Bearer``); the browser's
    staff session joins here."""

    bearer: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the audit trail names them, and their role."""

    name: str
    role: Role


class NotAuthenticated(BrandmapError):
    """No credential, or one that is not (or no longer) valid."""


class NotAllowed(BrandmapError):
    """A valid credential whose role does not allow this."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file, saved where the import path can read it, and the draft's mode."""

    filename: str
    path: Path
    mode: str | None = None


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, else None.

    >>> bearer_token("Bearer abc"), bearer_token("Basic abc"), bearer_token(None)
    ('abc', None, None)
    """
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authorize(records: Records, credentials: Credentials, needed: Role) -> Actor:
    """The actor the credentials stand for, if their role includes ``needed``."""
    token = verify_token(records, credentials.bearer) if credentials.bearer else None
    if token is None:
        raise NotAuthenticated("a valid API token is needed (Authorization: Bearer TOKEN)")
    if not token.role.includes(needed):
        raise NotAllowed(f"this needs the role {needed.value}; the token is {token.role.value}")
    return Actor(f"token:{token.name}", token.role)


def new_draft(
    records: Records,
    served: Callable[[], Snapshot],
    credentials: Credentials,
    receive: Callable[[], Upload | None],
) -> ApiResponse:
    """``POST /api/drafts``: check an uploaded product file, keep it as a draft → 201.

    ``receive`` reads the upload, only once the caller may send one; ``served`` gives the
    snapshot being served, whose communes and regions the file is checked against.
    """

    def run() -> ApiResponse:
        actor = authorize(records, credentials, Role.EDITOR)
        upload = receive()
        if upload is None:
            raise ValidationError("send the product file as the multipart field 'file'")
        if Path(upload.filename).suffix.lower() not in FILE_SUFFIXES:
            return error_response(
                415,
                "unsupported_media_type",
                f"a product file is {', '.join(FILE_SUFFIXES)}; got {upload.filename!r}",
            )
        report = create_draft(
            records,
            served(),
            upload.path,
            upload.filename,
            upload.mode or "merge",
            actor=actor.name,
        )
        return _private(report, 201)

    return _guarded(run)


def draft(records: Records, credentials: Credentials, draft_id: int) -> ApiResponse:
    """``GET /api/drafts/<id>``: the draft's report (editor)."""
    return _as(records, credentials, Role.EDITOR, lambda _actor: draft_report(records, draft_id))


def publish(records: Records, store: Store, credentials: Credentials, draft_id: int) -> ApiResponse:
    """``POST /api/drafts/<id>/publish``: the draft becomes the next release (publisher)."""
    return _new_release(records, credentials, partial(publish_draft, records, store, draft_id))


def releases(records: Records, credentials: Credentials) -> ApiResponse:
    """``GET /api/releases``: every release, newest first (editor)."""
    return _as(
        records,
        credentials,
        Role.EDITOR,
        lambda _actor: [asdict(release) for release in list_releases(records)],
    )


def restore(records: Records, store: Store, credentials: Credentials, number: int) -> ApiResponse:
    """``POST /api/releases/<N>/restore``: release N's catalog as a new release (publisher)."""
    return _new_release(records, credentials, partial(restore_release, records, store, number))


def _new_release(
    records: Records, credentials: Credentials, make: Callable[..., int]
) -> ApiResponse:
    """``make(actor=…)`` publishes a release for a publisher; its number as JSON."""
    return _as(
        records, credentials, Role.PUBLISHER, lambda actor: {"release": make(actor=actor.name)}
    )


def _as(
    records: Records, credentials: Credentials, needed: Role, act: Callable[[Actor], object]
) -> ApiResponse:
    """``act`` for the caller, if their role includes ``needed``; its result as JSON."""
    return _guarded(lambda: _private(act(authorize(records, credentials, needed))))


def _guarded(run: Callable[[], ApiResponse]) -> ApiResponse:
    """The answer, or the error it stands for as a JSON status."""
    try:
        return run()
    except NotAuthenticated as exc:
        answer = error_response(401, "unauthorized", str(exc))
        return ApiResponse(401, answer.body, headers={"WWW-Authenticate": "Bearer"})
    except NotAllowed as exc:
        return error_response(403, "forbidden", str(exc))
    except UnknownRecord as exc:
        return error_response(404, "not_found", str(exc))
    except PublishConflict as exc:
        return _private({"error": "conflict", "detail": str(exc), "ids": exc.ids}, 409)
    except ValidationError as exc:
        return error_response(400, "bad_request", str(exc))
    except StoreError as exc:
        return error_response(503, "unavailable", str(exc))


def _private(payload: object, status: int = 200) -> ApiResponse:
    """A JSON answer no cache keeps, validated by its own content."""
    answer = json_response(payload, status)
    etag = hashlib.blake2b(answer.body, digest_size=12).hexdigest()
    return ApiResponse(
        status, answer.body, headers={"Cache-Control": "no-store", "ETag": f'"{etag}"'}
    )
