"""The upload door: refused before sign-in, bounded per session in files and bytes, the body never read when
refused (hand-built app around the middleware; the live app in tests/test_session_binding.py)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from server.uploads import MAX_FILES_PER_SESSION, UploadGuard

READ: list[int] = []


async def _upload(request: Request) -> Response:
    READ.append(len(await request.body()))
    return Response(status_code=204)


def _client(*, signed_in: bool, files: int = 0, held: int = 0, max_bytes: int = 1000) -> TestClient:
    inner = Starlette(routes=[Route("/_stcore/upload_file/{sid}/{fid}", _upload, methods=["PUT"])])
    guard = UploadGuard(inner, max_bytes=max_bytes, stored=lambda sid: (files, held), signed_in=lambda r: signed_in)
    return TestClient(guard)


def test_an_upload_before_sign_in_is_refused_without_reading_it():
    READ.clear()
    answer = _client(signed_in=False).put("/_stcore/upload_file/s1/f1", content=b"x" * 500)
    assert answer.status_code == 403 and answer.json() == {"error": "upload_not_signed_in"} and READ == []


def test_uploads_are_bounded_per_session_in_files_and_bytes():
    READ.clear()
    assert _client(signed_in=True, held=400).put("/_stcore/upload_file/s1/f1", content=b"x" * 600).status_code == 204
    assert READ == [600]
    over = _client(signed_in=True, held=401).put("/_stcore/upload_file/s1/f2", content=b"x" * 600)
    assert over.status_code == 413 and over.json() == {"error": "upload_session_full"}
    full = _client(signed_in=True, files=MAX_FILES_PER_SESSION).put("/_stcore/upload_file/s1/f3", content=b"x")
    assert full.status_code == 413 and READ == [600]


def test_other_paths_pass_untouched():
    inner = Starlette(routes=[Route("/other", lambda r: Response("ok"), methods=["GET", "PUT"])])
    client = TestClient(UploadGuard(inner, max_bytes=1, stored=lambda s: (99, 99), signed_in=lambda r: False))
    assert client.put("/other", content=b"x" * 10).text == "ok"
