import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checksums import algorithm_names, hash_bytes, hash_file, new_hasher
from engine.checksums.registry import register_algorithm
from engine.errors import UsageError

OMERO_ABC = {
    "Adler-32": "27014d02",
    "CRC-32": "c2412435",
    "MD5-128": "900150983cd24fb0d6963f7d28e17f72",
    "Murmur3-32": "fa93ddb3",
    "Murmur3-128": "6778ad3f3f3f96b4522dca264174a23b",
    "SHA1-160": "a9993e364706816aba3e25717850c26c9cd0d89d",
    "File-Size-64": "0300000000000000",
}
OMERO_EMPTY = {"Adler-32": "01000000", "CRC-32": "00000000", "Murmur3-32": "00000000", "Murmur3-128": "0" * 32}


@pytest.mark.parametrize("name,expected", OMERO_ABC.items())
def test_omero_vectors_for_abc(name, expected):
    assert hash_bytes(b"abc", name) == expected


@pytest.mark.parametrize("name,expected", OMERO_EMPTY.items())
def test_omero_vectors_for_empty_input(name, expected):
    assert hash_bytes(b"", name) == expected


def test_all_seven_algorithms_are_registered():
    assert set(OMERO_ABC) <= set(algorithm_names())


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5000), cuts=st.lists(st.integers(min_value=0, max_value=5000), max_size=12))
@pytest.mark.parametrize("name", list(OMERO_ABC))
def test_streamed_equals_one_shot_for_any_chunking(name, data, cuts):
    h = new_hasher(name)
    start = 0
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        h.update(data[start:cut])
        start = cut
    h.update(data[start:])
    assert h.hexdigest() == hash_bytes(data, name)


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5])
def test_file_hash_across_block_boundaries(tmp_path, size):
    data = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    path = tmp_path / "f"
    path.write_bytes(data)
    for name in OMERO_ABC:
        digest, read = hash_file(path, name)
        assert (digest, read) == (hash_bytes(data, name), size)
    assert hash_file(path, "CRC-32")[0] == (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "little").hex()


def test_unknown_algorithm_names_the_known_ones():
    with pytest.raises(UsageError, match="SHA1-160"):
        new_hasher("SHA-3")


def test_registry_accepts_a_new_algorithm():
    class Xor8:
        def __init__(self):
            self.v = 0

        def update(self, data):
            for b in bytes(data):
                self.v ^= b

        def hexdigest(self):
            return f"{self.v:02x}"

    register_algorithm("Xor-8", Xor8)
    assert hash_bytes(b"abc", "Xor-8") == f"{ord('a') ^ ord('b') ^ ord('c'):02x}"


def test_cli_checksum_prints_omero_hex(tmp_path, cli):
    f = tmp_path / "abc.txt"
    f.write_bytes(b"abc")
    code, out, _ = cli("checksum", "--algorithm", "Murmur3-128", f)
    assert code == 0
    assert out.split()[0] == OMERO_ABC["Murmur3-128"]
    code, _, err = cli("checksum", "--algorithm", "SHA-3", f)
    assert code == 1 and "Unknown checksum algorithm" in err and "Traceback" not in err
