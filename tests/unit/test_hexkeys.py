"""The one reader of hex key files and the one parser of hex public keys (zkvote.hexkeys), and
the three key-file readers built on it (coordinator, operator client, wallet) agreeing."""

from pathlib import Path

import pytest
from nacl.signing import SigningKey
from zkvote.coordinator.settings import load_or_create_key

from zkvote.client_admin import load_admin_key
from zkvote.errors import InvalidEncoding
from zkvote.hexkeys import is_key_hex, public_key_from_hex, signing_key_from_hex
from zkvote.wallet import Wallet

SEED = bytes(range(32))
KEY = SigningKey(SEED)


@pytest.mark.parametrize("text", [SEED.hex(), SEED.hex().upper(), f"  {SEED.hex()}\n",
                                  SEED.hex().encode("ascii") + b"\r\n"])
def test_a_seed_in_either_case_with_surrounding_white_space_is_read(text):
    assert bytes(signing_key_from_hex(text, "k.key")) == SEED


@pytest.mark.parametrize("data", ["", "zz" * 32, SEED.hex()[:-2], SEED.hex() + "00",
                                  "0x" + SEED.hex()[2:], SEED.hex()[:32] + " " + SEED.hex()[32:],
                                  "\u0661" * 64, b"\xff" * 64])
def test_anything_else_in_a_key_file_is_invalid_encoding_without_quoting_it(data):
    with pytest.raises(InvalidEncoding) as error:
        signing_key_from_hex(data, "k.key")
    assert str(error.value) == "k.key: expected 64 hex digits of an Ed25519 seed"


def test_public_keys_are_exactly_64_lowercase_hex_digits():
    good = bytes(KEY.verify_key).hex()
    assert public_key_from_hex(good) == bytes(KEY.verify_key) and is_key_hex(good)
    for bad in (good.upper(), good[:-1], good + "0", f" {good}", None, 7, good.encode()):
        assert not is_key_hex(bad)
        with pytest.raises(InvalidEncoding, match="^a board key is 64 lowercase hex digits$"):
            public_key_from_hex(bad, "a board key")


def _readers(tmp_path: Path):
    wallet = Wallet(tmp_path / "wallet")
    wallet.new_trustee_key()
    return [("coordinator", lambda p: load_or_create_key(p)),
            ("operator", lambda p: load_admin_key(p)),
            ("wallet", lambda p: (wallet.trustee_key_path().write_bytes(p.read_bytes()),
                                  wallet.load_trustee_key())[1])]


@pytest.mark.parametrize("content, ok", [(SEED.hex().upper() + "\n", True),
                                         ("ab" * 31 + "\n", False), (b"\xe9" * 64, False)])
def test_the_coordinator_operator_and_wallet_read_key_files_alike(tmp_path, content, ok):
    path = tmp_path / "k.key"
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    path.chmod(0o600)
    for name, read in _readers(tmp_path):
        if ok:
            assert bytes(read(path)) == SEED, name
        else:
            with pytest.raises(InvalidEncoding, match="expected 64 hex digits"):
                read(path)
