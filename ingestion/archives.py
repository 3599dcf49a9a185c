"""ZIP archives of exports (Zoho's and Fxiaoke's "export as zip"), unpacked safely before their
members load like any other file.

Refused, naming the archive and the member: absolute paths and ``..`` (a member must stay
inside the folder it is unpacked to), links, encrypted members, archives inside the archive,
and sizes that look like a zip bomb — more than ``SALESDW_MAX_UNZIPPED_BYTES`` (default 4 GB)
unpacked in all, or a member more than ``MAX_RATIO`` times its compressed size. Member names
written by Windows tools in GBK without the UTF-8 flag are read as GBK, so 商机.xlsx keeps its
name (the name decides the entity when headers fit several).
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from ingestion.errors import RejectedFile

MAX_RATIO = 200
DEFAULT_MAX_BYTES = 4 << 30
UTF8_FLAG = 0x800


def max_unzipped_bytes() -> int:
    return int(os.environ.get("SALESDW_MAX_UNZIPPED_BYTES", DEFAULT_MAX_BYTES))


def _name(member: zipfile.ZipInfo) -> str:
    if member.flag_bits & UTF8_FLAG:
        return member.filename
    raw = member.filename.encode("cp437")  # how zipfile decoded a name without the flag
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return member.filename


def _check(member: zipfile.ZipInfo, name: str) -> None:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (parts and parts[0].endswith(":")) or ".." in parts:
        raise RejectedFile(f"member {name!r} points outside the archive; refused, nothing unpacked")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise RejectedFile(f"member {name!r} is a link; refused, nothing unpacked")
    if member.flag_bits & 0x1:
        raise RejectedFile(f"member {name!r} is encrypted: export it without a password")
    if name.lower().endswith(".zip"):
        raise RejectedFile(f"member {name!r} is an archive inside the archive: unpack it first")
    if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
        raise RejectedFile(f"member {name!r} unpacks to {member.file_size:,} bytes from {member.compress_size:,}"
                           f" (more than {MAX_RATIO}×): refused as a possible zip bomb")


def unpack(archive: Path, into: Path) -> list[Path]:
    """Every file of ``archive`` written under ``into``, in name order; nothing at all when any
    member is refused."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [(m, _name(m)) for m in zf.infolist() if not m.is_dir()]
            for member, name in members:
                _check(member, name)
            total = sum(m.file_size for m, _ in members)
            if total > max_unzipped_bytes():
                raise RejectedFile(f"unpacks to {total:,} bytes, more than SALESDW_MAX_UNZIPPED_BYTES"
                                   f" ({max_unzipped_bytes():,}); refused, nothing unpacked")
            written = []
            for member, name in sorted(members, key=lambda m: m[1]):
                if PurePosixPath(name).name.startswith((".", "~$")) or name.startswith("__MACOSX/"):
                    continue
                target = into / PurePosixPath(name.replace("\\", "/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as source, target.open("wb") as sink:
                    # copy at most the declared size: a member lying about its size stops there
                    shutil.copyfileobj(_bounded(source, member.file_size), sink)
                written.append(target)
            return written
    except zipfile.BadZipFile as exc:
        raise RejectedFile(f"cannot open as ZIP (truncated or corrupt): {exc}") from exc


class _bounded:
    """A reader that fails past ``limit`` bytes."""

    def __init__(self, source, limit: int) -> None:
        self._source, self._left = source, limit

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(1 << 20 if size < 0 else size)
        self._left -= len(chunk)
        if self._left < 0:
            raise RejectedFile("a member holds more than its declared size; refused as a possible zip bomb")
        return chunk
