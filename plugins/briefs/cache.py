"""The build cache: one SQLite file under CACHE_PATH, safe to delete.

Two kinds of entries, both keyed so that a stale one cannot be found:
- reads: a brief's `SourceRead` (record, problems, rendered body) under the
  hash of its bytes, its path and the settings and code it was read with;
- outputs: for each output folder, the files the last build wrote there,
  each with the fingerprint of everything its page showed (pages.py), the
  file's size and modification time, and the links it contains. A file is
  reused only when its fingerprint is unchanged *and* the file on disk still
  has that size and time, so an edited or deleted output file is remade.

Every entry carries a checksum of its bytes. A cache that cannot be read
(truncated, corrupted, written by another version) is reported in one line
and replaced by an empty one: the build then starts from scratch.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
import sqlite3
import zlib
from datetime import datetime
from pathlib import Path

import lz4.block
from markupsafe import Markup
from pelican.utils import SafeDatetime

logger = logging.getLogger(__name__)

FILE_NAME = "briefs-cache.sqlite3"
FORMAT = 11  # bump when the stored shapes change
PAGE_SIZE = 65536  # bytes, for a new file (Cache._connect)
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS reads (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS outputs"
    " (folder TEXT PRIMARY KEY, inputs TEXT, value BLOB);"
    "CREATE TABLE IF NOT EXISTS links (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS texts (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS search (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS terms (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS data (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS states (key TEXT PRIMARY KEY, value BLOB);"
)


class CacheUnusable(Exception):
    """The cache file is damaged; the build continues without it."""


class Pickled(bytes):
    """A value kept pickled and compressed (what a build holds by the
    thousand, e.g. each page's links: 3.9 KB pickled, 1.6 KB compressed);
    stored as it is. LZ4: 3 us a page each way, where zlib's fastest level
    took 25 us to compress (in the workers) and 9 us to read back (in the
    link check, at the end of the build, on one core), for 1.1 KB."""

    @classmethod
    def of(cls, value) -> Pickled:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(lz4.block.compress(data))

    def value(self):
        return pickle.loads(lz4.block.decompress(self))


DIGEST_SIZE = 16  # bytes (digest_of)


def digest_of(data: bytes) -> str:
    """The project's one digest of bytes (blake2b, 128 bits, as hex): of a
    file the manifest keeps, a rendered body, a job's inputs."""
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).hexdigest()


def digester():
    """digest_of's hash, fed in pieces (a file copied a chunk at a time)."""
    return hashlib.blake2b(digest_size=DIGEST_SIZE)


def fingerprint(value) -> str:
    """A stable digest of a picklable value (the pages' inputs).

    A tuple of plain values (text, numbers, dates) is digested by its repr,
    which tells any two apart and costs a fifth of pickling them: a brief's
    own fields, tens of thousands of times a build. Anything else is
    pickled, with the pickler's memo off ("fast" mode): with it, two equal
    strings pickle differently depending on whether they are one object or
    two, and a value read from the cache would not match the same value
    read afresh.
    """
    if type(value) is tuple and _EXACT_REPR.issuperset(map(type, value)):
        return digest_of(b"repr\n" + repr(value).encode())
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return digest_of(buffer.getvalue())


# The types whose repr is exact (a date's shows its zone as the zone's own
# repr, as pickle names it): two values of them with one repr are equal.
_EXACT_REPR = frozenset(
    {str, Markup, int, float, bool, type(None), datetime, SafeDatetime}
)


# What an entry's bytes are, after its checksum: a pickle, or a Pickled
# (compressed, as a worker made it: stored as it came).
_PICKLE, _COMPRESSED = b"p", b"l"
# Each entry's checksum: CRC-32, which catches the damage a cache meets (a
# truncated or overwritten file) at a fifth of blake2b's time over the
# 170 MB a build from nothing stores at 5,000 briefs.
_CHECKSUM = 4  # bytes


def _pack(value) -> bytes:
    if isinstance(value, Pickled):
        kind, data = _COMPRESSED, value
    else:
        kind, data = _PICKLE, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    checksum = zlib.crc32(data, zlib.crc32(kind))
    return b"".join((checksum.to_bytes(_CHECKSUM, "big"), kind, data))


def _unpack(blob: bytes):
    entry = memoryview(blob)  # (read in place: no copy of the entry's bytes)
    stored, body = entry[:_CHECKSUM], entry[_CHECKSUM:]
    if zlib.crc32(body).to_bytes(_CHECKSUM, "big") != stored:
        raise CacheUnusable("an entry does not match its checksum")
    kind, data = body[:1], body[1:]
    try:
        return pickle.loads(lz4.block.decompress(data) if kind == _COMPRESSED else data)
    except Exception as exc:  # any damage: never trust a partial entry
        raise CacheUnusable(f"an entry cannot be read ({exc})") from None


class Cache:
    """Reads and output manifests of earlier builds; `None` path: no cache.

    A damaged cache is replaced by an empty one, unless `repair` is false
    (a helper process beside the build, which must never delete the cache
    the build is using): it then raises CacheUnusable."""

    def __init__(self, folder: Path | None, repair: bool = True):
        self.path = Path(folder) / FILE_NAME if folder else None
        self.repair = repair
        self._db: sqlite3.Connection | None = None
        if self.path is not None:
            self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connect()
            row = self._db.execute(
                "SELECT value FROM meta WHERE key='format'"
            ).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('format', ?)", (str(FORMAT),)
                )
            elif row[0] != str(FORMAT):
                raise CacheUnusable(f"it was written by cache format {row[0]}")
        except (sqlite3.DatabaseError, CacheUnusable, OSError) as exc:
            self._discard(exc)

    def _connect(self) -> None:
        """Open the file, made with the tables when new. Its pages are 64 KB
        (set before anything is written; SQLite's default is 4 KB): a build
        from nothing writes some 180 MB of entries, and each page is a write
        to the log, then to the file, so 4 KB pages cost 160,000 system calls
        and a quarter of a second."""
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
            + SCHEMA
        )

    def _discard(self, reason) -> None:
        """Start again with an empty cache; say so once."""
        if not self.repair:
            raise CacheUnusable(str(reason))
        logger.warning(
            "build cache %s could not be used (%s); building from scratch",
            self.path,
            reason,
        )
        if self._db is not None:
            self._db.close()
            self._db = None
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._connect()
            self._db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
        except (sqlite3.DatabaseError, OSError) as exc:
            logger.warning("build cache disabled: %s", exc)
            self._db = None

    # -- keyed entries: reads, bodies, links ------------------------------------

    @property
    def available(self) -> bool:
        """Whether entries put now can be got back (no damage so far)."""
        return self._db is not None

    def get(self, table: str, keys) -> dict[str, object]:
        """The entries of `table` among `keys` (damaged ones: none at all)."""
        keys = list(keys)
        if self._db is None or not keys:
            return {}
        found: dict[str, object] = {}
        try:
            rows = self._among(keys, f"SELECT t.key, t.value FROM {table} AS t")
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        damaged = 0
        for key, blob in rows:
            try:
                found[key] = _unpack(blob)
            except CacheUnusable:
                if not self.repair:
                    raise
                damaged += 1  # left out: made again from the source
        if damaged:
            logger.warning(
                "build cache %s: %d damaged %s entries ignored (made again)",
                self.path,
                damaged,
                table,
            )
        return found

    def keys(self, table: str, keys) -> set[str]:
        """Which of `keys` `table` holds (their values are not read)."""
        keys = list(keys)
        if self._db is None or not keys:
            return set()
        try:
            return {
                key for (key,) in self._among(keys, f"SELECT t.key FROM {table} AS t")
            }
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return set()

    def size(self, table: str, key: str) -> int:
        """The size in bytes of the entry `key` of `table` (0: none)."""
        if self._db is None:
            return 0
        try:
            row = self._db.execute(
                f"SELECT length(value) FROM {table} WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return 0
        return row[0] if row else 0

    def _among(self, keys: list[str], select: str) -> list[tuple]:
        """The rows of `select` (from a table named t) whose key is one of
        `keys`, joined with a temporary table of them: filled in one
        transaction (one per row, as autocommit would, costs 0.1 s for
        5,000 keys)."""
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT)")
        db.execute("BEGIN")
        try:
            db.execute("DELETE FROM wanted")
            db.executemany("INSERT INTO wanted VALUES (?)", ((k,) for k in keys))
            rows = db.execute(f"{select} JOIN wanted USING (key)").fetchall()
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return rows

    def put(self, table: str, entries: dict[str, object]) -> None:
        if self._db is None or not entries:
            return
        try:
            with self._transaction():
                self._db.executemany(
                    f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                    ((key, _pack(value)) for key, value in entries.items()),
                )
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def keep_only(self, table: str, keep: set[str]) -> None:
        """Drop the entries no current file needs (the cache stays the size
        of the collection, not of its history)."""
        if self._db is None:
            return
        try:
            keys = [k for (k,) in self._db.execute(f"SELECT key FROM {table}")]
            stale = [(k,) for k in keys if k not in keep]
            if stale:
                with self._transaction():
                    self._db.executemany(f"DELETE FROM {table} WHERE key = ?", stale)
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    # -- output manifests ------------------------------------------------------

    def manifest(self, folder: Path) -> dict:
        if self._db is None:
            return {}
        try:
            row = self._db.execute(
                "SELECT value FROM outputs WHERE folder = ?", (str(folder),)
            ).fetchone()
            return _unpack(row[0]) if row else {}
        except (sqlite3.DatabaseError, CacheUnusable) as exc:
            self._discard(exc)
            return {}

    def manifest_inputs(self, folder: Path) -> str | None:
        """The `inputs` of the manifest of `folder`, without reading the
        rest (a file list of the whole site: most builds need only this)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT inputs FROM outputs WHERE folder = ?", (str(folder),)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return None
        return row[0] if row else None

    def store_manifest(self, folder: Path, manifest: dict) -> None:
        if self._db is None:
            return
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                    (str(folder), manifest.get("inputs"), _pack(manifest)),
                )
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def _transaction(self):
        db = self._db

        class _Transaction:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind, value, traceback):
                db.execute("COMMIT" if kind is None else "ROLLBACK")

        return _Transaction()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the file now, while the build waits
        for its workers, rather than when it closes the cache at its end
        (a tenth of a second after a build from nothing)."""
        if self._db is None:
            return
        try:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
