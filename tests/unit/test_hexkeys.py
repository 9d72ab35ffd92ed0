"""The one reader of hex key files and the one parser of hex public keys (zkvote.hexkeys), and
the three key-file readers built on it (coordinator, operator client, wallet) agreeing."""

from pathlib import Path

import pytest
from nacl.signing import SigningKey
from zkvote.coordinator.settings import load_or_create_key

from zkvote.client_admin import load_admin_key
from zkvote.errors import InvalidEncoding
from zkvote.hexkeys import (
    bytes_from_hex,
    check_hex,
    is_hex,
    is_key_hex,
    public_key_from_hex,
    signing_key_from_hex,
)
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


# Hex in documents: one reader (check_hex / bytes_from_hex) behind every format.
DIGEST = bytes(range(32)).hex()
BAD_HEX_32 = [DIGEST.upper(), "0x" + DIGEST[2:], DIGEST[:-2], DIGEST + "00", DIGEST[:-1],
              f" {DIGEST}", DIGEST + "\n", "zz" * 32, "\u0661" * 64, None, 7, DIGEST.encode()]


def test_hex_of_the_given_length_is_read_and_anything_else_names_the_field():
    assert check_hex(DIGEST, "root", 32) == DIGEST
    assert bytes_from_hex(DIGEST, "root", 32) == bytes(range(32))
    for bad in BAD_HEX_32:
        assert not is_hex(bad, 32)
        with pytest.raises(InvalidEncoding, match="^root is 64 lowercase hex digits$"):
            bytes_from_hex(bad, "root", 32)


def test_hex_of_any_length_is_whole_bytes_up_to_the_maximum():
    assert bytes_from_hex("", "ct", max_length=4) == b""
    assert bytes_from_hex("00ff", "ct", max_length=4) == b"\x00\xff"
    for bad in ["0", "00FF", "00" * 5, "0x00", None]:
        with pytest.raises(InvalidEncoding, match="^ct is lowercase hex of at most 4 bytes$"):
            bytes_from_hex(bad, "ct", max_length=4)


def _hex_readers():
    from zkvote.board import SignedTreeHead, TreeHead, sign_tree_head
    from zkvote.client_receipts import StoredReceipt
    from zkvote.jsonmodel import Sha256Hex, StrictModel, parse_model
    from zkvote.threshold import EncryptedShare

    class Doc(StrictModel):
        digest: Sha256Hex

    head = sign_tree_head(KEY, TreeHead(1, bytes(32), 0, bytes(32), 0)).to_json()
    return {
        "board": lambda v: SignedTreeHead.from_json({**head, "root_hash": v}),
        "jsonmodel": lambda v: parse_model(Doc, {"digest": v}, "doc"),
        # the hex fields are checked before the receipt, so None stands in for it
        "receipt": lambda v: StoredReceipt("https://c", "p", "ballots", v, DIGEST, None),
        "threshold": lambda v: EncryptedShare.from_json(
            {"version": 1, "sender": 1, "recipient": 2, "ciphertext": v}),
    }


@pytest.mark.parametrize("reader", ["board", "jsonmodel", "receipt", "threshold"])
# (the DKG ciphertext has no fixed length: only the spellings wrong at any length)
@pytest.mark.parametrize("bad", [b for b in BAD_HEX_32 if b not in (DIGEST[:-2], DIGEST + "00")],
                         ids=repr)
def test_board_model_receipt_and_dkg_refuse_the_same_hex_spellings(reader, bad):
    with pytest.raises(InvalidEncoding, match="hex"):
        _hex_readers()[reader](bad)
