"""Download faults, served by a local fake server on
127.0.0.1 (no other address is used)."""

import http.server
import os
import threading
import time

import pytest

from d2lmini import download
from robust_helpers import clean_error, is_clean


class Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/missing":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if self.path == "/cut":  # the connection breaks off halfway through the body
            self.wfile.write(self.body[: len(self.body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/trickle":  # one byte every 50 ms, forever as far as we care
            try:
                for b in self.body[:200]:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up: good
                pass
        else:
            self.wfile.write(self.body)


@pytest.fixture(scope="module")
def server(data_dir):
    Handler.body = (data_dir / download.FILENAME).read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.delenv(download.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(
        download,
        "fallback_path",
        lambda filename=download.FILENAME: tmp_path / "tmp" / filename,
    )
    return tmp_path / "cache" / "d2lmini" / download.FILENAME


def test_a_good_server_gives_the_verified_file(server, cache, monkeypatch):
    monkeypatch.setattr(download, "URL", server + "/full")
    assert download.timemachine_path() == cache
    assert download.sha1_of(cache) == download.SHA1


@pytest.mark.parametrize(
    "path, words",
    [
        ("/cut", ("connection broke off", "IncompleteRead")),
        ("/trickle", ("longer than",)),
        ("/missing", ("404",)),
    ],
)
def test_network_faults_end_in_a_clear_error_and_save_nothing(
    server, cache, monkeypatch, path, words
):
    monkeypatch.setattr(download, "URL", server + path)
    monkeypatch.setattr(download, "DEADLINE", 0.5)
    start = time.monotonic()
    with clean_error(ConnectionError, download.ENV_VAR, *words):
        download.timemachine_path()
    assert time.monotonic() - start < 5
    assert not cache.exists() and not list(cache.parent.glob("*.part"))


def test_unwritable_cache_keeps_the_bytes_in_a_fallback(cache, data_dir, monkeypatch):
    real = (data_dir / download.FILENAME).read_bytes()
    monkeypatch.setattr(download, "fetch", lambda url: real)
    original = download._write_atomically

    def refuse_cache(path, data):
        if path == cache:
            raise PermissionError(13, "Permission denied", str(path))
        original(path, data)

    monkeypatch.setattr(download, "_write_atomically", refuse_cache)
    with pytest.warns(UserWarning, match=download.ENV_VAR) as rec:
        path = download.timemachine_path()
    assert path == download.fallback_path() and path.read_bytes() == real
    assert is_clean(rec[0].message)
    monkeypatch.setattr(download, "fetch", lambda url: pytest.fail("fetched twice"))
    assert download.timemachine_path() == path  # found again without a download


def test_no_writable_place_is_a_clear_permission_error(cache, monkeypatch):
    monkeypatch.setattr(download, "fetch", lambda url: b"x")
    monkeypatch.setattr(download, "SHA1", __import__("hashlib").sha1(b"x").hexdigest())

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(download, "_write_atomically", refuse)
    with clean_error(PermissionError, download.ENV_VAR, "Permission denied"):
        download.timemachine_path()


def test_stale_part_files_are_removed_fresh_ones_kept(cache, data_dir, monkeypatch):
    cache.parent.mkdir(parents=True)
    stale, fresh = (
        cache.parent / f"{download.FILENAME}.{n}.part" for n in ("old", "new")
    )
    stale.write_bytes(b"left by a killed process")
    fresh.write_bytes(b"another download, still running")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    real = (data_dir / download.FILENAME).read_bytes()
    monkeypatch.setattr(download, "fetch", lambda url: real)
    download.timemachine_path()
    assert not stale.exists() and fresh.exists()


def test_a_folder_named_like_the_file_is_reported_as_a_folder(tmp_path, monkeypatch):
    (tmp_path / download.FILENAME).mkdir()
    monkeypatch.setenv(download.ENV_VAR, str(tmp_path))
    with clean_error(IsADirectoryError, "is a folder"):
        download.timemachine_path()


def test_a_folder_in_the_cache_is_reported(cache, monkeypatch):
    cache.mkdir(parents=True)
    with clean_error(IsADirectoryError, "is a folder"):
        download.timemachine_path()


def test_root_pointing_at_the_file_itself_says_use_its_folder(data_dir):
    with clean_error(ValueError, "use its folder"):
        download.timemachine_path(root=data_dir / download.FILENAME)


@pytest.mark.parametrize("root", [123, ["a"]])
def test_root_of_the_wrong_kind(root):
    with clean_error(TypeError, "root="):
        download.timemachine_path(root=root)


@pytest.fixture(scope="module")  # read before `cache` unsets D2LMINI_DATA
def constitution_bytes():
    return download.constitution_path().read_bytes()


def test_unwritable_cache_warning_points_at_the_caller(
    cache, constitution_bytes, monkeypatch
):
    monkeypatch.setattr(download, "fetch", lambda url: constitution_bytes)

    def refuse(path, data):
        if path.parent == cache.parent:
            raise PermissionError(13, "Permission denied", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr(download, "_write_atomically", refuse)
    with pytest.warns(UserWarning, match=download.CONSTITUTION_FILENAME) as rec:
        path = download.constitution_path()
    assert path == download.fallback_path(download.CONSTITUTION_FILENAME)
    assert path.read_bytes() == constitution_bytes
    assert rec[0].filename == __file__  # this test's line, not d2lmini's
