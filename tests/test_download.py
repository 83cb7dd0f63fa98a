import hashlib

import pytest

from d2lmini import download


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(download.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "d2lmini" / download.FILENAME


@pytest.fixture
def real_bytes(data_dir):
    return (data_dir / download.FILENAME).read_bytes()


def test_env_var_points_at_verified_copy(data_dir):
    assert download.timemachine_path() == data_dir / download.FILENAME
    assert "The Time Machine" in download.read_timemachine()[:200]


def test_download_verifies_and_caches(empty_cache, real_bytes, monkeypatch):
    calls = []
    monkeypatch.setattr(
        download, "fetch", lambda url, timeout=30: calls.append(url) or real_bytes
    )
    assert download.timemachine_path() == empty_cache
    assert empty_cache.read_bytes() == real_bytes
    assert calls == [download.URL]
    download.timemachine_path()  # cached: no second fetch
    assert len(calls) == 1
    assert not list(empty_cache.parent.glob("*.part"))


def test_corrupt_cache_is_refetched(empty_cache, real_bytes, monkeypatch):
    empty_cache.parent.mkdir(parents=True)
    empty_cache.write_bytes(b"truncated")
    monkeypatch.setattr(download, "fetch", lambda url, timeout=30: real_bytes)
    download.timemachine_path()
    assert hashlib.sha1(empty_cache.read_bytes()).hexdigest() == download.SHA1


def test_sha1_mismatch_after_download_saves_nothing(empty_cache, monkeypatch):
    monkeypatch.setattr(download, "fetch", lambda url, timeout=30: b"not the novel")
    with pytest.raises(ValueError, match="SHA-1"):
        download.timemachine_path()
    assert not empty_cache.exists()


def test_offline_without_copy_says_what_to_do(empty_cache, monkeypatch):
    def offline(url, timeout=30):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(download, "fetch", offline)
    with pytest.raises(ConnectionError) as err:
        download.timemachine_path()
    message = str(err.value)
    assert (
        download.URL in message and download.ENV_VAR in message and "root=" in message
    )


def test_env_var_without_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(download.ENV_VAR, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        download.timemachine_path()


def test_root_with_corrupt_file_is_rejected(tmp_path):
    (tmp_path / download.FILENAME).write_text("hello")
    with pytest.raises(ValueError, match="not the expected file"):
        download.timemachine_path(root=tmp_path)


# 『대한민국헌법』 (KoNLPy's kolaw/constitution.txt): the same rules as the novel


@pytest.fixture(scope="module")  # read before a test's own fixtures unset D2LMINI_DATA
def constitution_bytes():
    return download.constitution_path().read_bytes()


def test_the_constitution_is_the_text_the_issue_describes():
    text = download.read_constitution()
    assert text.startswith("대한민국헌법\n")
    assert "\r" not in text  # CRLF line ends are read as "\n"
    syllables = [ch for ch in text if "가" <= ch <= "힣"]
    assert (len(text), len(syllables), len(set(syllables))) == (18_884, 12_996, 355)


def test_constitution_download_verifies_and_caches(
    empty_cache, constitution_bytes, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        download,
        "fetch",
        lambda url, timeout=30: calls.append(url) or constitution_bytes,
    )
    path = download.constitution_path()
    assert path == empty_cache.parent / download.CONSTITUTION_FILENAME
    assert path.read_bytes() == constitution_bytes
    download.constitution_path()  # cached: no second fetch
    assert calls == [download.CONSTITUTION_URL]
    assert not empty_cache.exists()  # the novel's file is untouched


def test_constitution_sha1_mismatch_saves_nothing(empty_cache, monkeypatch):
    monkeypatch.setattr(download, "fetch", lambda url, timeout=30: b"not the statute")
    with pytest.raises(ValueError, match=download.CONSTITUTION_SHA1):
        download.constitution_path()
    assert not list(empty_cache.parent.glob("*"))


def test_constitution_offline_without_copy_says_what_to_do(empty_cache, monkeypatch):
    def offline(url, timeout=30):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(download, "fetch", offline)
    with pytest.raises(ConnectionError) as err:
        download.read_constitution()
    korean, english = str(err.value).split("\n")
    for line in (english, korean):
        assert download.CONSTITUTION_URL in line and download.ENV_VAR in line
        assert download.CONSTITUTION_FILENAME in line and "root=" in line
    assert "Could not download" in english and "내려받지 못했습니다" in korean


def test_constitution_in_a_folder_without_it_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / download.FILENAME).write_text("only the novel")
    monkeypatch.setenv(download.ENV_VAR, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=download.CONSTITUTION_FILENAME):
        download.constitution_path()


def test_constitution_root_with_corrupt_file_is_rejected(tmp_path):
    (tmp_path / download.CONSTITUTION_FILENAME).write_text("대한민국헌법")
    with pytest.raises(ValueError, match="not the expected file"):
        download.read_constitution(root=tmp_path)
