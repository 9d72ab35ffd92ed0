"""The client's local pieces without a coordinator: the wallet (modes, names, pinning,
atomic writes) and turning a voter's options into a vote vector that obeys the poll's rule."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from election_helpers import fake_manifest
from zkvote.circuits.ballot import preset

from zkvote.client_voter import votes_from_options
from zkvote.errors import InvalidArgument, InvalidBallot, InvalidEncoding
from zkvote.poll import rule_spec
from zkvote.wallet import ItemNotFound, KeyChanged, Wallet, WalletError


def test_wallet_files_and_directories_are_private(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path / "home")
    identity = wallet.new_identity("alice")
    assert wallet.load_identity("alice") == identity
    assert stat.S_IMODE(wallet.identity_path("alice").stat().st_mode) == 0o600
    assert stat.S_IMODE(wallet.identity_path("alice").parent.stat().st_mode) == 0o700
    key = wallet.new_trustee_key("t1")
    assert bytes(wallet.load_trustee_key("t1")) == bytes(key)
    assert wallet.identities() == ["alice"] and wallet.trustees() == ["t1"]


def test_wallet_never_overwrites_silently(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path)
    first = wallet.new_identity()
    with pytest.raises(WalletError, match="exists"):
        wallet.new_identity()
    assert wallet.load_identity() == first
    assert not [p for p in wallet.identity_path().parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", ["", "../escape", ".hidden", "a/b", "x" * 65, "sp ace"])
def test_wallet_names_that_are_not_safe_file_names_are_refused(tmp_path: Path,
                                                               name: str) -> None:
    with pytest.raises(InvalidArgument):
        Wallet(tmp_path).identity_path(name)


def test_wallet_refuses_group_readable_secrets_and_reports_missing_ones(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path)
    with pytest.raises(ItemNotFound):
        wallet.load_identity()
    wallet.new_trustee_key()
    os.chmod(wallet.trustee_key_path(), 0o640)
    with pytest.raises(WalletError, match="chmod 600"):
        wallet.load_trustee_key()


def test_malformed_trustee_key_file_is_invalid_encoding(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path)
    wallet.new_trustee_key()
    wallet.trustee_key_path().write_text("not hex\n")
    with pytest.raises(InvalidEncoding):
        wallet.load_trustee_key()


def test_pinned_board_key_cannot_change_silently(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path)
    url = "http://coordinator.example"
    assert wallet.pinned_log_key(url) is None
    wallet.pin_log_key(url, "aa" * 32)
    wallet.pin_log_key(url, "aa" * 32)  # the same key again is fine
    with pytest.raises(KeyChanged):
        wallet.pin_log_key(url, "bb" * 32)
    assert wallet.pinned_log_key(url) == "aa" * 32


def test_vote_options_become_vote_vectors() -> None:
    single = fake_manifest()
    assert votes_from_options(single, choice=2) == [0, 0, 1]
    assert votes_from_options(single, choice="b") == [0, 1, 0]
    approval = fake_manifest(rule=rule_spec("approval", preset("approval", 3, k=2)))
    assert votes_from_options(approval, approve=[0, 2]) == [1, 0, 1]
    borda = fake_manifest(rule=rule_spec("borda", preset("borda", 3)))
    assert votes_from_options(borda, ranking=[2, 0, 1]) == [1, 0, 2]
    budget = fake_manifest(rule=rule_spec("budget", preset("budget", 3, budget=5)))
    assert votes_from_options(budget, weights=[3, 0, 2]) == [3, 0, 2]


@pytest.mark.parametrize("kwargs", [{}, {"choice": 0, "approve": [1]}, {"choice": 3},
                                    {"choice": "nope"}, {"approve": [0, 0]},
                                    {"weights": [1, 0]}, {"ranking": [0, 0, 1]}])
def test_ambiguous_or_impossible_vote_options_are_refused(kwargs: dict) -> None:
    with pytest.raises(InvalidArgument):
        votes_from_options(fake_manifest(), **kwargs)


def test_vote_breaking_the_rule_is_refused_before_any_proof() -> None:
    approval = fake_manifest(rule=rule_spec("approval", preset("approval", 3, k=1)))
    with pytest.raises(InvalidBallot, match="rule"):
        votes_from_options(approval, approve=[0, 1])
    with pytest.raises(InvalidBallot):
        votes_from_options(fake_manifest(), weights=[1, 1, 0])
