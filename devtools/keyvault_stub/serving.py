"""How the stubs run their HTTP servers: from a daemon thread (shared helper), over TLS behind a throw-away CA."""

from __future__ import annotations

import logging
import shutil
import ssl
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from devtools.keyvault_stub.tls import TlsFiles, make_tls_files
from shared.runtime.http_serving import ServerThread, ThreadedHTTPServer

log = logging.getLogger(__name__)


class StubServer(ThreadedHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # Failed handshakes (a client that does not trust the CA) are expected in tests; keep stderr clean.
        log.debug("stub server: connection from %s failed", client_address, exc_info=True)


class TlsHandler(BaseHTTPRequestHandler):
    def setup(self) -> None:
        # The handshake runs in the handler thread, so a client that stalls cannot block the accept loop.
        self.request.do_handshake()
        super().setup()


class StubRunner:
    """One stub's server while it runs; `start` returns its base URL."""

    def __init__(self, tmp_prefix: str) -> None:
        self._prefix = tmp_prefix
        self._running: ServerThread | None = None
        self._tmpdir: Path | None = None
        self._tls: TlsFiles | None = None

    @property
    def ca_cert(self) -> Path | None:
        return self._tls.ca_cert if self._tls else None

    def start(self, server: StubServer, *, tls: bool) -> str:
        if tls:
            self._tmpdir = Path(tempfile.mkdtemp(prefix=self._prefix))
            self._tls = make_tls_files(self._tmpdir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_cert_chain(self._tls.server_cert, self._tls.server_key)
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        self._running = ServerThread(server, self._prefix.rstrip("-"), "https" if tls else "http")
        return self._running.start()

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()
            self._running = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        self._tls = None
