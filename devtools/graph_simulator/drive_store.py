"""Simulated OneDrive: files by path per user, and resumable upload sessions (see api-samples/msgraph.md §2-3)."""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.graph_simulator.errors import GraphError

SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024
FRAGMENT_UNIT = 327_680
MAX_FRAGMENT = 60 * 1024 * 1024
SESSION_LIFETIME = timedelta(hours=1)
BEHAVIOURS = ("fail", "replace", "rename")


@dataclass
class DriveFile:
    id: str
    name: str
    folder: str
    content: bytes
    created: datetime
    modified: datetime
    version: int = 1


@dataclass
class UploadSession:
    id: str
    user: str
    path: str
    total: int | None
    behaviour: str
    expires: datetime
    data: bytearray = field(default_factory=bytearray)


@dataclass
class ChunkFault:
    remaining: int
    stored: bool  # True: the bytes are kept but the answer is lost (the client then meets a 416)


class DriveStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._files: dict[tuple[str, str], DriveFile] = {}
        self._sessions: dict[str, UploadSession] = {}
        self._chunk_fault: ChunkFault | None = None
        self._full: set[str] = set()

    # --- faults -------------------------------------------------------------------------------------------
    def lose_chunks(self, count: int = 1, *, stored: bool = False) -> None:
        """The next `count` fragments fail with a 500: dropped, or (`stored`) kept with the answer lost."""
        with self._lock:
            self._chunk_fault = ChunkFault(count, stored)

    # --- files --------------------------------------------------------------------------------------------
    def fill_quota(self, user: str) -> None:
        """The mailbox's OneDrive is full: every write answers 507 quotaLimitReached, as the service does."""
        with self._lock:
            self._full.add(user.lower())

    def file(self, user: str, path: str) -> DriveFile | None:
        with self._lock:
            return self._files.get((user.lower(), _norm(path)))

    def files(self, user: str) -> list[DriveFile]:
        with self._lock:
            return [f for (owner, _), f in self._files.items() if owner == user.lower()]

    def put(self, user: str, path: str, content: bytes, behaviour: str) -> tuple[DriveFile, bool]:
        """(the file, created?) under the conflict behaviour; `fail` on an existing name is a 409."""
        if behaviour not in BEHAVIOURS:
            raise GraphError(400, "invalidRequest", f"Invalid conflict behavior '{behaviour}'.")
        now = datetime.now(UTC)
        with self._lock:
            if user.lower() in self._full:
                raise GraphError(507, "quotaLimitReached", "Insufficient Space Available.")
            key = (user.lower(), _norm(path))
            existing = self._files.get(key)
            if existing is not None and behaviour == "fail":
                raise GraphError(409, "nameAlreadyExists", "The specified item name already exists.")
            if existing is not None and behaviour == "rename":
                path = self._free_name(user, path)
                key, existing = (user.lower(), _norm(path)), None
            folder, _, name = path.strip("/").rpartition("/")
            if existing is not None:
                existing.content, existing.modified, existing.version = content, now, existing.version + 1
                return existing, False
            created = DriveFile(id=_item_id(), name=name, folder=folder, content=content, created=now, modified=now)
            self._files[key] = created
            return created, True

    def _free_name(self, user: str, path: str) -> str:
        stem, dot, extension = path.rpartition(".")
        if not dot:
            stem, extension = path, ""
        for n in range(1, 10_000):
            candidate = f"{stem} {n}{dot}{extension}"
            if (user.lower(), _norm(candidate)) not in self._files:
                return candidate
        raise GraphError(409, "nameAlreadyExists", "No free name.")

    # --- upload sessions ----------------------------------------------------------------------------------
    def open_session(self, user: str, path: str, total: int | None, behaviour: str) -> UploadSession:
        if behaviour not in BEHAVIOURS:
            raise GraphError(400, "invalidRequest", f"Invalid conflict behavior '{behaviour}'.")
        with self._lock:
            if behaviour == "fail" and self.file(user, path) is not None:
                raise GraphError(409, "nameAlreadyExists", "The specified item name already exists.")
            session = UploadSession(uuid.uuid4().hex, user, path, total, behaviour,
                                    datetime.now(UTC) + SESSION_LIFETIME)
            self._sessions[session.id] = session
            return session

    def session(self, session_id: str) -> UploadSession:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or session.expires < datetime.now(UTC):
                raise GraphError(404, "itemNotFound", "The upload session was not found.")
            return session

    def cancel(self, session_id: str) -> None:
        with self._lock:
            self.session(session_id)
            del self._sessions[session_id]

    def receive(
        self, session_id: str, content_range: str | None, chunk: bytes
    ) -> tuple[UploadSession, DriveFile | None]:
        """Store one fragment; returns the finished file after the last one."""
        with self._lock:
            session = self.session(session_id)
            start, end, total = _parse_range(content_range, len(chunk))
            if session.total is None:
                session.total = total
            if total != session.total:
                raise GraphError(400, "invalidRange", "The total size does not match the session.")
            if len(chunk) > MAX_FRAGMENT:
                raise GraphError(413, "RequestEntityTooLarge", "The fragment is larger than 60 MiB.")
            if end + 1 < total and len(chunk) % FRAGMENT_UNIT:
                raise GraphError(400, "invalidRange", "Fragments must be multiples of 320 KiB, except the last.")
            if start < len(session.data):
                raise GraphError(416, "invalidRange", "Uploaded fragment overlaps with existing data.")
            if start > len(session.data):
                raise GraphError(416, "invalidRange", f"Expected the fragment starting at {len(session.data)}.")
            fault = self._chunk_fault
            if fault is not None and fault.remaining > 0:
                fault.remaining -= 1
                if fault.stored:
                    session.data.extend(chunk)
                raise GraphError(500, "generalException", "The fragment was lost.")
            session.data.extend(chunk)
            if len(session.data) < total:
                return session, None
            done, _ = self.put(session.user, session.path, bytes(session.data), session.behaviour)
            del self._sessions[session_id]
            return session, done


def next_expected(session: UploadSession) -> list[str]:
    return [f"{len(session.data)}-"]


def drive_item(user: str, item: DriveFile, base_url: str, web_root: str) -> dict[str, Any]:
    stamp = item.modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    path = f"{item.folder}/{item.name}" if item.folder else item.name
    return {
        "@odata.context": f"{base_url}/$metadata#users('{user}')/drive/root/$entity",
        "id": item.id,
        "name": item.name,
        "size": len(item.content),
        "webUrl": f"{web_root}/personal/{user.replace('@', '_').replace('.', '_')}/Documents/{path}",
        "eTag": f'"{{{item.id}}},{item.version}"',
        "cTag": f'"c:{{{item.id}}},{item.version}"',
        "createdDateTime": item.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lastModifiedDateTime": stamp,
        "parentReference": {"driveType": "business", "path": f"/drive/root:/{item.folder}".rstrip("/")},
        "file": {"mimeType": _mime(item.name),
                 "hashes": {"sha256Hash": hashlib.sha256(item.content).hexdigest().upper()}},
        "fileSystemInfo": {"createdDateTime": item.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "lastModifiedDateTime": stamp},
    }


def _parse_range(header: str | None, length: int) -> tuple[int, int, int]:
    try:
        unit, _, rest = (header or "").partition(" ")
        span, _, total = rest.partition("/")
        first, _, last = span.partition("-")
        start, end, size = int(first), int(last), int(total)
    except ValueError:
        raise GraphError(400, "invalidRange", "A valid Content-Range header is required.") from None
    if unit != "bytes" or end < start or end - start + 1 != length or end >= size:
        raise GraphError(400, "invalidRange", "The Content-Range does not match the fragment.")
    return start, end, size


def _norm(path: str) -> str:
    return path.strip("/").lower()


def _item_id() -> str:
    return "01" + base64.b32encode(uuid.uuid4().bytes).decode().rstrip("=")[:32]


def _mime(name: str) -> str:
    return {"pdf": "application/pdf", "csv": "text/csv"}.get(name.rpartition(".")[2].lower(),
                                                              "application/octet-stream")
