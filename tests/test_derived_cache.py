"""The derived-data cache: read data equals built data, and a damaged or stale file is rebuilt."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from langdetect import detector_factory

from newsclean import derived_cache
from newsclean.derived_cache import CacheFile, cache_dir, cached, source_key
from newsclean.fastlangdetect import NgramDetector, Profiles, build_profiles, langdetect_profiles, profile_sources
from newsclean.stages.language import build_stopword_languages, stopword_sources
from newsclean.stoplists import build_word_languages, stoplist_sources, word_languages


@pytest.fixture(scope="module", autouse=True)
def cache_in_tmp(tmp_path_factory):
    """Whatever this module loads through the default cache goes to a tmp dir, not the user's home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(derived_cache.ENV_VAR, str(tmp_path_factory.mktemp("default-cache")))
        yield


def never_build():
    raise AssertionError("rebuilt although the cache file was valid")


class CountingBuild:
    def __init__(self, data) -> None:
        self.data, self.calls = data, 0

    def __call__(self):
        self.calls += 1
        return self.data


DERIVED_DATA = {
    "stoplists": (stoplist_sources, build_word_languages),
    "stopword-codes": (stopword_sources, build_stopword_languages),
    "langdetect-profiles": (profile_sources, build_profiles),
}


@pytest.mark.parametrize("name", DERIVED_DATA)
def test_read_data_equals_built_data(tmp_path, name):
    sources, build = DERIVED_DATA[name]
    first = cached(name, sources, build, directory=tmp_path)  # empty cache: built, then stored
    assert (tmp_path / f"{name}.marshal").is_file()
    read = cached(name, sources, never_build, directory=tmp_path)  # stored: read, not built
    assert read == build() == first
    assert read is not first  # really a second object, from the file


def test_profiles_are_langdetects_own_bit_for_bit():
    detector_factory.init_factory()
    reference = detector_factory._factory
    profiles = langdetect_profiles()
    assert profiles.langlist == reference.langlist
    assert profiles.index.keys() == reference.word_lang_prob_map.keys()
    vectors = profiles.vectors()
    # float == float is exact: the very same doubles, in the same language order
    assert all(vectors[ngram] == tuple(vector) for ngram, vector in reference.word_lang_prob_map.items())
    assert vectors["no such n-gram"] is None


def test_profile_vectors_cache_starts_over_past_its_bound(monkeypatch):
    vectors = langdetect_profiles().vectors()
    monkeypatch.setattr(vectors, "max_cached", 3)
    grams = list(langdetect_profiles().index)[:5]
    first = [vectors[gram] for gram in grams]
    assert len(vectors) <= 3  # bounded, whatever a long run looks up
    assert [vectors[gram] for gram in grams] == first  # unpacked again, the same values


@pytest.mark.parametrize("text", [
    "Die Bundesregierung hat am Mittwoch beschlossen, die Förderung deutlich auszubauen.",
    "Władimir Putin przybył we wtorek wieczorem do Korei Północnej.",
    "点击这里阅读更多关于北京今天天气的新闻报道",
])
def test_detector_over_read_profiles_answers_as_langdetect(tmp_path, text):
    cached("langdetect-profiles", profile_sources, build_profiles, directory=tmp_path)
    read = Profiles(*cached("langdetect-profiles", profile_sources, never_build, directory=tmp_path))
    detector_factory.init_factory()
    reference = detector_factory._factory.create()
    reference.append(text)
    best = reference.get_probabilities()[0]
    assert NgramDetector(read).best(text) == (best.lang, best.prob)  # the very same float


def test_stop_word_index_keeps_every_list_name_in_sorted_order():
    index = word_languages()
    assert "English" in index["the"]
    assert all(list(names) == sorted(names) for names in index.values())
    assert "Polish" in index["jest"]


# --- damaged, stale or unwritable cache files ----------------------------------------------

def _damage_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_flip_a_payload_byte(path: Path) -> None:
    blob = bytearray(path.read_bytes())
    blob[-10] ^= 0xFF
    path.write_bytes(bytes(blob))


def _damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def _damage_garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


@pytest.mark.parametrize("damage", [_damage_truncate, _damage_flip_a_payload_byte, _damage_empty, _damage_garbage])
def test_damaged_file_is_ignored_and_rebuilt(tmp_path, damage):
    sources, build = DERIVED_DATA["stopword-codes"]
    expected = cached("stopword-codes", sources, build, directory=tmp_path)
    damage(tmp_path / "stopword-codes.marshal")
    rebuild = CountingBuild(expected)
    assert cached("stopword-codes", sources, rebuild, directory=tmp_path) == expected
    assert rebuild.calls == 1
    # ...and the file was written anew: the next process reads it
    assert cached("stopword-codes", sources, never_build, directory=tmp_path) == expected


def test_changed_source_rebuilds(tmp_path):
    source = tmp_path / "list.txt"
    source.write_text("a b c")
    build = CountingBuild({"words": ("a", "b", "c")})
    cached("words", lambda: [source], build, directory=tmp_path)
    cached("words", lambda: [source], build, directory=tmp_path)
    assert build.calls == 1
    source.write_text("a b c d")
    build.data = {"words": ("a", "b", "c", "d")}
    assert cached("words", lambda: [source], build, directory=tmp_path) == {"words": ("a", "b", "c", "d")}
    assert build.calls == 2
    assert [path.name for path in tmp_path.glob("*.marshal")] == ["words.marshal"]  # replaced in place


def test_source_key_follows_content_not_place_or_mtime(tmp_path):
    one, other = tmp_path / "one", tmp_path / "other"
    one.mkdir()
    other.mkdir()
    (one / "list.txt").write_text("abc")
    (other / "list.txt").write_text("abc")
    key = source_key([one / "list.txt"])
    assert source_key([other / "list.txt"]) == key  # another install of the same files
    os.utime(one / "list.txt", ns=(1, 1))
    assert source_key([one / "list.txt"]) == key  # rewritten with the same bytes
    (one / "list.txt").write_text("abd")  # same size, other content
    assert source_key([one / "list.txt"]) != key
    assert source_key([one / "list.txt", other / "list.txt"]) != source_key([other / "list.txt", one / "list.txt"])


def test_missing_source_builds_without_cache(tmp_path):
    build = CountingBuild({"x": 1.5})
    assert cached("x", lambda: [tmp_path / "gone.txt"], build, directory=tmp_path) == {"x": 1.5}
    assert build.calls == 1
    assert not (tmp_path / "x.marshal").exists()


def test_unwritable_cache_dir_falls_back_to_building(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")  # a cache dir under a file cannot be created, even by root
    build = CountingBuild({"x": (1.0, 2.0)})
    for _ in range(2):
        assert cached("x", lambda: [blocker], build, directory=blocker / "cache") == {"x": (1.0, 2.0)}
    assert build.calls == 2


def test_write_is_atomic_and_leaves_no_temp_file(tmp_path):
    file = CacheFile(tmp_path / "x.marshal", b"k" * 32)
    assert file.write({"x": [1.0]})
    assert file.write({"x": [2.0]})  # replaces the old file in one step
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.marshal"]
    assert file.read() == {"x": [2.0]}
    assert CacheFile(tmp_path / "x.marshal", b"j" * 32).read() is None  # another key: not this data


def test_data_marshal_cannot_store_is_not_written(tmp_path):
    assert not CacheFile(tmp_path / "x.marshal", b"k" * 32).write({"x": object()})
    assert not list(tmp_path.iterdir())


def test_cache_dir_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSCLEAN_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("NEWSCLEAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "newsclean"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "newsclean"
