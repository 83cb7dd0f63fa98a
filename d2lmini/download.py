"""Fetch *The Time Machine* once, verify it, and cache it."""
import hashlib
import os
import pathlib
import tempfile
import urllib.request

from ._checks import fail

URL = "https://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt"
SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"
FILENAME = "timemachine.txt"
ENV_VAR = "D2LMINI_DATA"


def sha1_of(path):
    """Hex SHA-1 of a file's bytes."""
    return hashlib.sha1(pathlib.Path(path).read_bytes()).hexdigest()


def cache_dir():
    """Where downloads are kept: ``$XDG_CACHE_HOME/d2lmini`` or ``~/.cache/d2lmini``."""
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "d2lmini"


def fetch(url, timeout=30):
    """Download ``url`` and return its bytes (kept separate so tests can fake it)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _local_copy(root, where):
    """The verified file inside a directory the user pointed at, or a clear error."""
    path = pathlib.Path(root).expanduser() / FILENAME
    if not path.is_file():
        fail(f"{where} points at {root}, but {path} does not exist. Put {FILENAME} there "
             f"(download it from {URL}) or unset it to download into the cache.",
             f"{where}이(가) {root}를 가리키지만 {path} 파일이 없습니다. {URL}에서 받은 "
             f"{FILENAME} 파일을 그곳에 두거나, 설정을 지워 캐시로 내려받게 하세요.", FileNotFoundError)
    if sha1_of(path) != SHA1:
        fail(f"{path} is not the expected file (its SHA-1 is not {SHA1}). Replace it with a "
             f"fresh copy from {URL}.",
             f"{path}가 기대한 파일이 아닙니다(SHA-1이 {SHA1}과 다름). {URL}에서 새로 받아 "
             f"바꿔 주세요.")
    return path


def timemachine_path(root=None):
    """Path to a verified ``timemachine.txt``.

    Looks in ``root`` if given, else in the directory named by ``$D2LMINI_DATA``, else in
    the cache; a missing or corrupt cached copy is (re-)downloaded, checked against its
    SHA-1 and written atomically.
    """
    if root is not None:
        return _local_copy(root, "root=")
    if os.environ.get(ENV_VAR):
        return _local_copy(os.environ[ENV_VAR], f"${ENV_VAR}")
    path = cache_dir() / FILENAME
    if path.is_file() and sha1_of(path) == SHA1:
        return path
    try:
        data = fetch(URL)
    except OSError as err:
        fail(f"Could not download {FILENAME} from {URL} ({err}). Connect to the internet and "
             f"retry, or download the file by other means and set {ENV_VAR} to the directory "
             f"that holds it (or pass root=...).",
             f"{URL}에서 {FILENAME} 파일을 내려받지 못했습니다({err}). 인터넷에 연결한 뒤 다시 "
             f"시도하거나, 파일을 직접 받아 그 폴더를 환경 변수 {ENV_VAR}(또는 root=...)로 "
             f"지정하세요.", ConnectionError)
    digest = hashlib.sha1(data).hexdigest()
    if digest != SHA1:
        fail(f"The download from {URL} has SHA-1 {digest}, expected {SHA1}; nothing was "
             f"saved. Retry later or set {ENV_VAR} to a directory with a good copy.",
             f"{URL}에서 받은 파일의 SHA-1이 {digest}로, 기대값 {SHA1}과 다릅니다. 저장하지 "
             f"않았습니다. 나중에 다시 시도하거나 {ENV_VAR}로 올바른 사본을 지정하세요.")
    _write_atomically(path, data)
    return path


def read_timemachine(root=None):
    """The text of *The Time Machine*, read as UTF-8."""
    return timemachine_path(root).read_text(encoding="utf-8")
