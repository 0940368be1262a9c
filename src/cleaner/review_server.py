"""``cleaner review serve OUT``: the review page on 127.0.0.1, saving decisions to ``OUT/review.jsonl``.

The page works as a plain file too (decisions in the browser's storage, exported by hand); served,
its script also sends every change here. The server answers three requests: the page (its
Content-Security-Policy widened from ``connect-src 'none'`` to ``'self'``, nothing else),
``GET /review.jsonl`` and ``POST /review.jsonl`` (the page's whole set of decisions, replacing
the file). A POST must come from the page itself: JSON (which a form of another site cannot
send without a CORS preflight this server never answers) and an ``Origin`` of this server.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import UsageError
from .report_page import served_page
from .review import decisions_from
from .writers import atomic_write_text, dumps

MAX_BODY = 64 * 1024 * 1024
DECISIONS = "review.jsonl"


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, out: Path, port: int) -> None:
        self.out = out
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    @property
    def origins(self) -> set[str]:
        port = self.server_address[1]
        return {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}


def make_server(out: Path, port: int = 0) -> ReviewServer:
    return ReviewServer(out, port)


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer

    def do_GET(self) -> None:
        out = self.server.out
        if self.path in ("/", "/report.html"):
            page = served_page((out / "report.html").read_text(encoding="utf-8"))
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")
        elif self.path == "/" + DECISIONS:
            path = out / DECISIONS
            self._send(HTTPStatus.OK, path.read_bytes() if path.exists() else b"", "application/x-ndjson")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

    def do_POST(self) -> None:
        if self.path != "/" + DECISIONS:
            return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
        if self.headers.get("Origin") not in self.server.origins:
            return self._send(HTTPStatus.FORBIDDEN, b"only the page this server serves may save", "text/plain")
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            return self._send(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, b"send application/json", "text/plain")
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            return self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"bad length", "text/plain")
        try:
            data: Any = json.loads(self.rfile.read(length))
            items = data["decisions"]
            decisions_from(items, "the page's decisions")  # every one valid, or the file is not replaced
            lines = "".join(dumps(item) + "\n" for item in items)
        except (ValueError, KeyError, TypeError, UsageError) as e:
            return self._send(HTTPStatus.BAD_REQUEST, str(e).encode("utf-8"), "text/plain")
        atomic_write_text(self.server.out / DECISIONS, lines)
        return self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def _send(self, status: HTTPStatus, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return
