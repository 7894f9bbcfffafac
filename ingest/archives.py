"""Zip archives from untrusted bytes: member names checked, every byte actually inflated counted and capped."""

from __future__ import annotations

import bz2
import io
import lzma
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gis.errors import ReadError, UnsafeArchiveError
from gis.settings import SETTINGS

MB = 1024 * 1024
#: Size of the pieces a member is inflated in (and the most one read can exceed a limit by).
CHUNK = 256 * 1024
#: Below this many inflated bytes a member's compression ratio is not judged (tiny members compress oddly).
RATIO_FLOOR = MB
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature .. extra length: 30 bytes
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    """What one archive may hold and inflate to.

    Attributes
    ----------
    max_members : int
        Members (files and folders) in the archive.
    max_total_bytes : int
        Bytes inflated from the whole archive, counted as they come out of the decompressor (bytes).
    max_ratio : float
        Inflated bytes per compressed byte of one member, judged once the member is past 1 MB.
    """

    max_members: int = SETTINGS.max_zip_members
    max_total_bytes: int = int(SETTINGS.max_unzipped_mb * MB)
    max_ratio: float = SETTINGS.max_zip_ratio


def _mb(n: float) -> str:
    return f"{n / MB:,.1f}"


class SafeZip:
    """A zip archive held in memory, checked before any member is read.

    Refused at once (:class:`UnsafeArchiveError`): more members than allowed, a member name that is
    absolute, has a drive letter or ``..``, control characters, or repeats another; symbolic links;
    members whose stored data overlap (the "overlapping files" zip bomb); declared sizes over the
    limits. Refused while reading: a member that inflates to more than it declares, more than
    ``max_ratio`` times its compressed size, or an archive that inflates to more than
    ``max_total_bytes`` in all. Damaged or encrypted archives raise :class:`ReadError`.

    Member names are only ever compared and shown, never used as paths on this machine.

    Parameters
    ----------
    data : bytes
        The archive.
    filename : str
        The name shown in messages (the user's file name).
    limits : ZipLimits
    """

    def __init__(self, data: bytes, *, filename: str, limits: ZipLimits = ZipLimits()) -> None:
        self.filename = filename
        self.limits = limits
        self._data = memoryview(data)
        try:
            self._zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zf.infolist()
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            struct.error,
            UnicodeDecodeError,
        ) as exc:
            raise ReadError("imp_zip_unreadable", file=filename) from exc
        if len(infos) > limits.max_members:
            raise UnsafeArchiveError("imp_zip_members", file=filename, count=len(infos), limit=limits.max_members)
        seen: set[str] = set()
        for info in infos:
            self._check_name(info)
            key = info.filename.replace("\\", "/").rstrip("/").lower()
            if key in seen:
                raise UnsafeArchiveError("imp_zip_duplicate", file=filename, member=info.filename)
            seen.add(key)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise UnsafeArchiveError("imp_zip_link", file=filename, member=info.filename)
            if info.flag_bits & 0x1:
                raise ReadError("imp_zip_encrypted", file=filename, member=info.filename)
        self._files = [i for i in infos if not i.is_dir()]
        self._check_overlaps()
        declared = sum(i.file_size for i in self._files)
        if declared > limits.max_total_bytes:
            raise UnsafeArchiveError(
                "imp_zip_total", file=filename, size_mb=_mb(declared), limit_mb=_mb(limits.max_total_bytes)
            )
        for info in self._files:
            if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise UnsafeArchiveError(
                    "imp_zip_ratio",
                    file=filename,
                    member=info.filename,
                    ratio=round(info.file_size / max(info.compress_size, 1)),
                    limit=round(limits.max_ratio),
                )
        self.inflated = 0

    # --- checks on the central directory --------------------------------------------------------------
    def _check_name(self, info: zipfile.ZipInfo) -> None:
        raw = info.filename
        path = PurePosixPath(raw.replace("\\", "/"))
        bad = (
            path.is_absolute()
            or ".." in path.parts
            or _DRIVE.match(raw)
            or raw.startswith("\\")
            or any(ord(c) < 32 for c in raw)
        )
        if bad:
            raise UnsafeArchiveError("imp_zip_path", file=self.filename, member=raw.encode("unicode_escape").decode())

    def _check_overlaps(self) -> None:
        def name_bytes(i: zipfile.ZipInfo) -> int:
            return len(i.orig_filename.encode("utf-8" if i.flag_bits & 0x800 else "cp437", "replace"))

        spans = sorted(
            (i.header_offset, i.header_offset + _LOCAL_HEADER.size + name_bytes(i) + i.compress_size, i.filename)
            for i in self._files
        )
        for (start, end, name), (next_start, _, _) in zip(spans, spans[1:]):
            if next_start < end or next_start == start:
                raise UnsafeArchiveError("imp_zip_overlap", file=self.filename, member=name)

    # --- members ----------------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Names of the files in the archive (folders left out), in archive order."""
        return [i.filename for i in self._files]

    def info(self, name: str) -> zipfile.ZipInfo:
        return self._zf.getinfo(name)

    def stream(self, name: str, *, limit_bytes: int | None = None) -> Iterator[bytes]:
        """The member's bytes in pieces of at most 256 KB, counted as they are inflated.

        Parameters
        ----------
        limit_bytes : int, optional
            A tighter cap for this member (bytes); the archive-wide caps always apply.
        """
        info = self._zf.getinfo(name)
        produced = 0
        crc = 0
        for piece in self._inflate(info):
            produced += len(piece)
            self.inflated += len(piece)
            self._check_counts(info, produced, limit_bytes)
            crc = zlib.crc32(piece, crc)
            yield piece
        if produced != info.file_size:
            raise UnsafeArchiveError(
                "imp_zip_size_lie", file=self.filename, member=name, declared=info.file_size, actual=produced
            )
        if crc != info.CRC:
            raise ReadError("imp_zip_member_damaged", file=self.filename, member=name)

    def read(self, name: str, *, limit_bytes: int | None = None) -> bytes:
        """The whole member in memory (counted like :meth:`stream`)."""
        return b"".join(self.stream(name, limit_bytes=limit_bytes))

    def extract(
        self, name: str, dest: Path, *, limit_bytes: int | None = None, inspect: Callable[[bytes], None] | None = None
    ) -> int:
        """Write the member to ``dest`` (a path the caller chose, never the member's name); bytes written.

        ``inspect`` sees every piece as it goes by (e.g. to look for XML entity declarations).
        """
        written = 0
        with open(dest, "wb") as out:
            for piece in self.stream(name, limit_bytes=limit_bytes):
                if inspect is not None:
                    inspect(piece)
                out.write(piece)
                written += len(piece)
        return written

    def check_all(self, *, inspect: Callable[[str, bytes], None] | None = None) -> None:
        """Inflate every member once, counting (nothing kept): proves the archive is what it declares."""
        for name in self.names:
            for piece in self.stream(name):
                if inspect is not None:
                    inspect(name, piece)

    def _check_counts(self, info: zipfile.ZipInfo, produced: int, limit_bytes: int | None) -> None:
        if produced > info.file_size:
            raise UnsafeArchiveError(
                "imp_zip_size_lie", file=self.filename, member=info.filename, declared=info.file_size, actual=produced
            )
        if limit_bytes is not None and produced > limit_bytes:
            raise UnsafeArchiveError(
                "imp_zip_member_total", file=self.filename, member=info.filename, limit_mb=_mb(limit_bytes)
            )
        if self.inflated > self.limits.max_total_bytes:
            raise UnsafeArchiveError(
                "imp_zip_total",
                file=self.filename,
                size_mb=_mb(self.inflated),
                limit_mb=_mb(self.limits.max_total_bytes),
            )
        if produced > RATIO_FLOOR and produced > self.limits.max_ratio * max(info.compress_size, 1):
            raise UnsafeArchiveError(
                "imp_zip_ratio",
                file=self.filename,
                member=info.filename,
                ratio=round(produced / max(info.compress_size, 1)),
                limit=round(self.limits.max_ratio),
            )

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            yield from self._inflate_raw(info)
            return
        # any other method (AES, Deflate64, PPMd …) cannot be inflated in counted pieces here: refused
        raise ReadError("imp_zip_method", file=self.filename, member=info.filename, method=info.compress_type)

    def _inflate_raw(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """Stored or deflated data read straight from the archive, ignoring the declared sizes."""
        start = info.header_offset
        header = bytes(self._data[start : start + _LOCAL_HEADER.size])
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise ReadError("imp_zip_member_damaged", file=self.filename, member=info.filename)
        fields = _LOCAL_HEADER.unpack(header)
        name_len, extra_len = fields[-2], fields[-1]
        begin = start + _LOCAL_HEADER.size + name_len + extra_len
        raw = self._data[begin : begin + info.compress_size]
        if len(raw) < info.compress_size:
            raise ReadError("imp_zip_member_damaged", file=self.filename, member=info.filename)
        if info.compress_type == zipfile.ZIP_STORED:
            for i in range(0, len(raw), CHUNK):
                yield bytes(raw[i : i + CHUNK])
            return
        if info.compress_type in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            yield from self._inflate_bounded(info, raw)
            return
        inflater = zlib.decompressobj(-15)
        try:
            for i in range(0, len(raw), 64 * 1024):
                piece = inflater.decompress(raw[i : i + 64 * 1024], CHUNK)
                while True:
                    if piece:
                        yield piece
                    if not inflater.unconsumed_tail:
                        break
                    piece = inflater.decompress(inflater.unconsumed_tail, CHUNK)
                if inflater.eof:
                    break
            tail = inflater.flush()
            if tail:
                yield tail
        except zlib.error as exc:
            raise ReadError("imp_zip_member_damaged", file=self.filename, member=info.filename) from exc
        if not inflater.eof:
            raise ReadError("imp_zip_member_damaged", file=self.filename, member=info.filename)

    def _inflate_bounded(self, info: zipfile.ZipInfo, raw: memoryview) -> Iterator[bytes]:
        """bzip2 or LZMA data inflated at most 256 KB at a time (``max_length``), so a block that inflates to
        gigabytes is counted and stopped like any other member (:mod:`zipfile` would inflate it whole)."""
        try:
            if info.compress_type == zipfile.ZIP_BZIP2:
                inflater: bz2.BZ2Decompressor | lzma.LZMADecompressor = bz2.BZ2Decompressor()
                data = bytes(raw)
            else:  # zip's LZMA: version (2 bytes), properties size (2 bytes), properties, then raw LZMA1 data
                if len(raw) < 4:
                    raise lzma.LZMAError("short header")
                (props_size,) = struct.unpack("<H", raw[2:4])
                props = bytes(raw[4 : 4 + props_size])
                inflater = lzma.LZMADecompressor(
                    lzma.FORMAT_RAW,
                    filters=[lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)],  # type: ignore[attr-defined]
                )
                data = bytes(raw[4 + props_size :])
            piece = inflater.decompress(data, CHUNK)
            while True:
                if piece:
                    yield piece
                if inflater.eof or (inflater.needs_input and not piece):
                    break
                piece = inflater.decompress(b"", CHUNK)
        except (OSError, EOFError, ValueError, lzma.LZMAError, struct.error) as exc:
            raise ReadError("imp_zip_member_damaged", file=self.filename, member=info.filename) from exc
