"""Fetch the course's texts once, verify them, and cache them.

Two texts, handled alike: H. G. Wells' *The Time Machine* (public domain) and
『대한민국헌법』, the Constitution of the Republic of Korea, as KoNLPy ships it
(statutes are not protected works under art. 7 of the Korean Copyright Act).
"""

import hashlib
import http.client
import os
import pathlib
import tempfile
import time
import urllib.request
from typing import NamedTuple

from ._checks import fail, warn

URL = "https://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt"
SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"
FILENAME = "timemachine.txt"
CONSTITUTION_URL = (
    "https://raw.githubusercontent.com/konlpy/konlpy/v0.6.0/"
    "konlpy/data/corpus/kolaw/constitution.txt"
)
CONSTITUTION_SHA1 = "16394356174a78beb8d2da9dde33c25f3dcd286b"
CONSTITUTION_FILENAME = "constitution.txt"
ENV_VAR = "D2LMINI_DATA"
TIMEOUT = 30  # seconds without a byte before a read gives up
DEADLINE = 300  # seconds for the whole download
STALE = 3600  # a .part file older than this was left by a killed process


class Source(NamedTuple):
    """A text file: its name in a data folder, where to download it, its SHA-1.

    Used by the readers of 9.2.
    """

    filename: str
    url: str
    sha1: str


def _novel():
    # read at call time, so tests may point URL and SHA1 elsewhere
    return Source(FILENAME, URL, SHA1)


def _constitution():
    return Source(CONSTITUTION_FILENAME, CONSTITUTION_URL, CONSTITUTION_SHA1)


def sha1_of(path):
    """Hex SHA-1 of a file's bytes.

    Taught in 9.2.
    """
    return hashlib.sha1(pathlib.Path(path).read_bytes()).hexdigest()


def cache_dir():
    """Where downloads are kept: ``$XDG_CACHE_HOME/d2lmini`` or ``~/.cache/d2lmini``.

    Used by the readers of 9.2.
    """
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "d2lmini"


def fallback_path(filename=FILENAME):
    """Where a download goes when the cache cannot be
    written (a per-user temp folder).

    Used by the readers of 9.2.
    """
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return pathlib.Path(tempfile.gettempdir()) / f"d2lmini-{user}" / filename


def fetch(url, timeout=None, deadline=None):
    """Download ``url`` and return its bytes (kept separate so tests can fake it).

    ``timeout`` bounds each read, ``deadline`` the whole download
    (a server that trickles bytes cannot hang it); a cut
    connection or a short body raises ``ConnectionError``.

    Used by the readers of 9.2.
    """
    timeout = TIMEOUT if timeout is None else timeout
    deadline = DEADLINE if deadline is None else deadline
    end, chunks = time.monotonic() + deadline, []
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            while True:
                if time.monotonic() > end:
                    raise TimeoutError(f"the download took longer than {deadline} s")
                chunk = response.read1(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            data, size = b"".join(chunks), response.headers.get("Content-Length")
            if size and size.isdigit() and len(data) != int(size):
                raise http.client.IncompleteRead(data, int(size) - len(data))
            return data
    except http.client.HTTPException as err:  # IncompleteRead and other protocol faults
        raise ConnectionError(
            f"the connection broke off ({type(err).__name__}: {err})"
        ) from err


def _clean_stale_parts(folder, filename=FILENAME, now=None):
    """Remove ``<filename>.*.part`` files left behind by a killed download."""
    now = time.time() if now is None else now
    for part in pathlib.Path(folder).glob(filename + ".*.part"):
        try:
            if now - part.stat().st_mtime > STALE:
                part.unlink()
        except OSError:
            pass


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale_parts(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _save(path, data):
    """Write ``data`` to the cache; if that fails, to
    a temporary folder, with a warning."""
    filename = path.name
    try:
        _write_atomically(path, data)
        return path
    except OSError as err:
        first = err
    fallback = fallback_path(filename)
    try:
        _write_atomically(fallback, data)
    except OSError:
        fail(
            f"{filename} 파일을 내려받았지만 {path.parent}에 "
            f"저장하지 못했습니다({first}). 쓰기 권한이 있는 폴더를 "
            f"{ENV_VAR}(또는 XDG_CACHE_HOME)로 지정하거나, 파일을 "
            f"직접 저장한 뒤 그 폴더를 {ENV_VAR}로 지정하세요.",
            f"Downloaded {filename}, but could not save it in {path.parent} "
            f"({first}). Set {ENV_VAR} (or XDG_CACHE_HOME) to a folder you can write "
            f"to, or save the file there yourself and set {ENV_VAR} to that folder.",
            PermissionError,
        )
    warn(
        f"캐시 {path.parent}에 {filename}을(를) 저장하지 "
        f"못해({first}) 대신 {fallback}에 저장했습니다. 다시 "
        f"쓰려면 {ENV_VAR}={fallback.parent}로 지정하세요.",
        f"Could not save {filename} in the cache {path.parent} ({first}); saved it to "
        f"{fallback} instead. Set {ENV_VAR}={fallback.parent} to reuse it.",
        stacklevel=5,  # the caller of timemachine_path (or constitution_path)
    )
    return fallback


def _local_copy(root, where, source):
    """The verified file inside a directory the user pointed at, or a clear error."""
    filename, url, sha1 = source
    if not isinstance(root, (str, os.PathLike)):
        fail(
            f"{where}은(는) 폴더 경로(문자열)여야 "
            f"합니다. 받은 형식: {type(root).__name__}",
            f"{where} must be a folder path (a string), got {type(root).__name__}.",
            TypeError,
        )
    folder = pathlib.Path(root).expanduser()
    path = folder / filename
    if folder.is_file():
        is_the_file = folder.name == filename
        hint_en = f": use its folder {folder.parent}" if is_the_file else ""
        hint_ko = f" (그 폴더 {folder.parent}를 주세요)" if is_the_file else ""
        fail(
            f"{where}은(는) {filename}이(가) 든 폴더여야 "
            f"하는데 {folder}은(는) 파일입니다{hint_ko}.",
            f"{where} must be the folder that holds "
            f"{filename}, but {folder} is a file{hint_en}.",
        )
    if path.is_dir():
        fail(
            f"{path}은(는) 텍스트 파일이 아니라 폴더입니다. 지우거나 "
            f"이름을 바꾸고 {url}에서 받은 {filename} 파일을 두세요.",
            f"{path} is a folder, not the text file: remove or rename "
            f"it and put the file {filename} (from {url}) there.",
            IsADirectoryError,
        )
    if not path.is_file():
        setting = f"{where}{root}" if where.endswith("=") else f"{where}={root}"
        fail(
            f"지정한 폴더({setting})에 {filename} 파일이 없습니다. "
            f"{url}에서 내려받아 그 폴더에 두세요. "
            f"설정을 지우면 캐시 폴더로 자동으로 내려받습니다.",
            f"{where} points at {root}, but {path} does not exist. Put {filename} "
            f"there (download it from {url}) or unset it to download into the cache.",
            FileNotFoundError,
        )
    if sha1_of(path) != sha1:
        fail(
            f"{path}가 기대한 파일이 아닙니다(SHA-1이 "
            f"{sha1}과 다름). {url}에서 새로 받아 바꿔 주세요.",
            f"{path} is not the expected file (its SHA-1 is not "
            f"{sha1}). Replace it with a fresh copy from {url}.",
        )
    return path


def data_path(source, root=None):
    """Path to the verified file of ``source`` (a ``Source``).

    Looks in ``root`` if given, else in the directory named by
    ``$D2LMINI_DATA``, else in the cache; a missing or corrupt cached copy is
    (re-)downloaded, checked against its SHA-1 and written atomically.

    Used by the readers of 9.2.
    """
    filename, url, sha1 = source
    if root is not None:
        return _local_copy(root, "root=", source)
    if os.environ.get(ENV_VAR):
        return _local_copy(os.environ[ENV_VAR], f"${ENV_VAR}", source)
    path = cache_dir() / filename
    for known in (path, fallback_path(filename)):
        if known.is_file() and sha1_of(known) == sha1:
            return known
    if path.is_dir():
        fail(
            f"{path}은(는) 캐시 파일이 아니라 폴더입니다. "
            f"지우거나 {ENV_VAR}를 지정하세요.",
            f"{path} is a folder, not the cached text "
            f"file: remove it (or set {ENV_VAR}).",
            IsADirectoryError,
        )
    try:
        data = fetch(url)
    except OSError as err:
        fail(
            f"{url}에서 {filename} 파일을 내려받지 못했습니다({err}). "
            "인터넷에 연결한 뒤 다시 시도하거나, 파일을 직접 받아 그 "
            f"폴더를 환경 변수 {ENV_VAR}(또는 root=...)로 지정하세요.",
            f"Could not download {filename} from {url} ({err}). Connect to "
            "the internet and retry, or download the file by other means and "
            f"set {ENV_VAR} to the directory that holds it (or pass root=...).",
            ConnectionError,
        )
    digest = hashlib.sha1(data).hexdigest()
    if digest != sha1:
        fail(
            f"{url}에서 받은 파일의 SHA-1이 {digest}로, 기대값 "
            f"{sha1}과 다릅니다. 저장하지 않았습니다. 나중에 다시 "
            f"시도하거나 {ENV_VAR}로 올바른 사본을 지정하세요.",
            f"The download from {url} has SHA-1 {digest}, expected {sha1}; nothing was "
            f"saved. Retry later or set {ENV_VAR} to a directory with a good copy.",
        )
    return _save(path, data)


def timemachine_path(root=None):
    """Path to a verified ``timemachine.txt`` (see ``data_path``).

    Taught in 9.2.
    """
    return data_path(_novel(), root)


def read_timemachine(root=None):
    """The text of *The Time Machine*, read as UTF-8.

    Taught in 9.2.
    """
    return timemachine_path(root).read_text(encoding="utf-8")


def constitution_path(root=None):
    """Path to a verified ``constitution.txt``, 『대한민국헌법』 (see ``data_path``).

    Taught in 9.2.
    """
    return data_path(_constitution(), root)


def read_constitution(root=None):
    """The text of 『대한민국헌법』, read as UTF-8 (CRLF line ends become ``\n``).

    Taught in 9.2.
    """
    return constitution_path(root).read_text(encoding="utf-8")
