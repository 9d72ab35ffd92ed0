"""Ceremony transcript files: ``.zkc1`` (phase 1) and ``.zkc2`` (phase 2), byte by byte in
docs/ceremony.md.

Both use the iden3 section container (:mod:`zkvote.snark.binfile`) with their own magic
(``zkc1`` / ``zkc2``) and version 1, and hold exactly the documented sections, once each, in
order. Integers are little-endian; G1 points are 64 bytes big-endian x || y, G2 points
128 bytes x.c1 || x.c0 || y.c1 || y.c0 (EIP-197), the identity all zeros; proof responses
are 32 bytes big-endian. Reading is strict: wrong magic or version, missing, extra or
reordered sections, sizes that disagree with the header's counts, trailing bytes, a
coordinate or response out of range, a point off its curve or (G2) outside its subgroup,
and a bad contribution name are all rejected (the G2 subgroup test of a points section is
one batched random test, error 2^-130, with an exact per-point retry to name a failure).
Reading does not verify the ceremony: run
:func:`zkvote.snark.ceremony.phase1_verify` or :func:`phase2_file_verify` for that.

A phase-2 file also records the circuit (sha256 of its ``.r1cs`` bytes), the phase-1 result
it starts from (sha256 of that file, a zkvote ``.zkc1`` or a snarkjs ``.ptau``) and the part
of the phase-1 powers its domain needs, so that it can be checked with the circuit alone.
No file holds a secret: contributions publish only public values and proofs.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import struct
from dataclasses import dataclass

from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidInput
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.ceremony import (
    CeremonyError,
    CircuitPowers,
    KnowledgeProof,
    Phase1Contribution,
    Phase1Transcript,
    Phase2Contribution,
    Phase2Transcript,
    _name_bytes,
    check_name,
    circuit_powers_verify,
    phase1_verify,
    phase2_new,
    phase2_verify,
)
from zkvote.snark.keys import ProvingKey, VerifyingKey
from zkvote.snark.ptau import MAX_POWER, PowersOfTau, decode_points
from zkvote.snark.ptau_reader import LagrangeBasis, read_ptau_prefix
from zkvote.snark.r1cs import R1CS
from zkvote.snark.r1cs_file import r1cs_counts, r1cs_from_bytes
from zkvote.snark.setup import domain_log_size

PHASE1_MAGIC, PHASE2_MAGIC, PTAU_MAGIC = b"zkc1", b"zkc2", b"ptau"
VERSION = 1
PHASE1_ZKVOTE, PHASE1_PTAU = 1, 2  # what a phase-2 file's phase-1 result was
G1_BYTES, G2_BYTES, SCALAR_BYTES, HASH_BYTES = 64, 128, 32, 32

_U32 = struct.Struct("<I")
_U16 = struct.Struct("<H")
_P1_HEADER = struct.Struct("<II")  # power, contributions
_P2_COUNTS = struct.Struct("<IIIIII")  # phase-1 format, phase-1 power, log n, wires, public,
#                                       contributions
_P2_HEADER_BYTES = 2 * HASH_BYTES + _P2_COUNTS.size


# ---- encoding


def _points(points: tuple[G1, ...] | list[G1] | tuple[G2, ...] | list[G2]) -> bytes:
    return b"".join(p.to_bytes() for p in points)


def _name(name: str) -> bytes:
    return _name_bytes(check_name(name))


def _proof(proof: KnowledgeProof) -> bytes:
    return proof.commitment.to_bytes() + proof.response.to_bytes(SCALAR_BYTES, "big")


def phase1_contribution_bytes(c: Phase1Contribution) -> bytes:
    """One phase-1 contribution record as stored in section 7 of a ``.zkc1`` file."""
    if not isinstance(c, Phase1Contribution):
        raise InvalidEncoding(f"expected a Phase1Contribution, not {type(c).__name__}")
    return b"".join([_name(c.name), _points([c.tau_g1]), _points([c.tau_g2]),
                     _points([c.alpha_g1, c.beta_g1]), _points([c.beta_g2]),
                     _proof(c.tau_proof), _proof(c.alpha_proof), _proof(c.beta_proof)])


def phase2_contribution_bytes(c: Phase2Contribution) -> bytes:
    """One phase-2 contribution record as stored in section 14 of a ``.zkc2`` file."""
    if not isinstance(c, Phase2Contribution):
        raise InvalidEncoding(f"expected a Phase2Contribution, not {type(c).__name__}")
    return b"".join([_name(c.name), _points([c.delta_g1]), _points([c.delta_g2]), _proof(c.proof)])


def contribution_hash(c: Phase1Contribution | Phase2Contribution) -> str:
    """sha256 of a contribution's record, in hex: what a contributor publishes so that
    anyone can find their contribution in later transcripts."""
    record = (phase1_contribution_bytes(c) if isinstance(c, Phase1Contribution)
              else phase2_contribution_bytes(c))
    return hashlib.sha256(record).hexdigest()


# ---- decoding


class _Reader:
    """Sequential decoding of one section; every failure names the file kind and section."""

    def __init__(self, body: memoryview, what: str) -> None:
        self.body, self.pos, self.what = body, 0, what

    def take(self, size: int) -> bytes:
        if size > len(self.body) - self.pos:
            raise InvalidEncoding(f"{self.what} is truncated")
        out = bytes(self.body[self.pos : self.pos + size])
        self.pos += size
        return out

    def u16(self) -> int:
        return _U16.unpack(self.take(2))[0]

    def g1(self) -> G1:
        return self._point(G1, G1_BYTES)

    def g2(self) -> G2:
        return self._point(G2, G2_BYTES)

    def _point(self, kind: type, size: int) -> G1 | G2:
        raw = self.take(size)
        try:
            return kind.from_bytes(raw)
        except InvalidInput as exc:
            raise type(exc)(f"{self.what}: {exc}") from exc

    def g1s(self, count: int) -> tuple[G1, ...]:
        return tuple(self.g1() for _ in range(count))

    def g2s(self, count: int) -> tuple[G2, ...]:
        return tuple(self.g2() for _ in range(count))

    def proof(self) -> KnowledgeProof:
        commitment = self.g1()
        response = int.from_bytes(self.take(SCALAR_BYTES), "big")
        if response >= FR_MODULUS:
            raise InvalidEncoding(f"{self.what}: a proof response is not below r")
        return KnowledgeProof(commitment, response)

    def name(self) -> str:
        raw = self.take(self.u16())
        try:
            return check_name(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InvalidEncoding(f"{self.what}: a contribution name is not UTF-8") from exc
        except InvalidEncoding as exc:
            raise InvalidEncoding(f"{self.what}: {exc}") from exc

    def end(self) -> None:
        if self.pos != len(self.body):
            raise InvalidEncoding(f"{self.what} has {len(self.body) - self.pos} bytes too many")


def _sections(data: bytes, magic: bytes, count: int, what: str) -> list[_Reader]:
    sections = parse_container(data, magic, VERSION, what)
    kinds = [kind for kind, _ in sections]
    if kinds != list(range(1, count + 1)):
        raise InvalidEncoding(f"{what}: sections {kinds}, expected 1..{count} in order")
    return [_Reader(body, f"{what} section {kind}") for kind, body in sections]


def _points_section(reader: _Reader, kind: type, count: int) -> tuple:
    # The size check comes first, so that a wrong count is reported as such and a huge
    # count in a small file cannot make us loop. Sections hold up to hundreds of thousands
    # of points: decoded and checked in bulk (decode_points); if one is invalid, they are
    # decoded again one by one by G1/G2.from_bytes for the precise error.
    size = G1_BYTES if kind is G1 else G2_BYTES
    if len(reader.body) != count * size:
        raise InvalidEncoding(f"{reader.what} has {len(reader.body)} bytes, expected "
                              f"{count} {kind.__name__} points")
    points = decode_points(reader.take(count * size), kind, count, montgomery=False,
                           big_endian=True)
    if points is None:
        reader.pos = 0  # the section holds these points only (size checked above)
        if kind is G1:  # either raises the precise error
            reader.g1s(count)
        else:
            reader.g2s(count)
        raise InvalidEncoding(f"{reader.what}: an invalid {kind.__name__} point")
    reader.end()
    return points


def _records(reader: _Reader, count: int, parse: object) -> tuple:
    out = tuple(parse(reader) for _ in range(count))
    reader.end()
    return out


# ---- phase 1


def phase1_to_bytes(transcript: Phase1Transcript) -> bytes:
    """Encode a phase-1 transcript as a ``.zkc1`` file. InvalidEncoding for a
    non-transcript."""
    if not isinstance(transcript, Phase1Transcript):
        raise InvalidEncoding(f"expected a Phase1Transcript, not {type(transcript).__name__}")
    p = transcript.powers
    return build_container(PHASE1_MAGIC, VERSION, [
        (1, _P1_HEADER.pack(p.power, len(transcript.contributions))),
        (2, _points(p.tau_g1)), (3, _points(p.tau_g2)), (4, _points(p.alpha_tau_g1)),
        (5, _points(p.beta_tau_g1)), (6, _points([p.beta_g2])),
        (7, b"".join(phase1_contribution_bytes(c) for c in transcript.contributions)),
    ])


def _phase1_record(r: _Reader) -> Phase1Contribution:
    name = r.name()
    tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2 = r.g1(), r.g2(), r.g1(), r.g1(), r.g2()
    return Phase1Contribution(tau_g1=tau_g1, tau_g2=tau_g2, alpha_g1=alpha_g1,
                              beta_g1=beta_g1, beta_g2=beta_g2, tau_proof=r.proof(),
                              alpha_proof=r.proof(), beta_proof=r.proof(), name=name)


def phase1_from_bytes(data: bytes) -> Phase1Transcript:
    """Decode a ``.zkc1`` file (not verified: see the module docstring).

    InvalidEncoding for a wrong magic or version, missing, extra or reordered sections,
    sizes disagreeing with the header, truncated or trailing bytes, a response >= r or a bad
    name; InvalidArgument for a power outside [1, 27]; FieldRangeError for a coordinate
    >= p; InvalidPoint / NotInSubgroup for a point off its curve or outside G2.
    """
    what = "phase-1 transcript"
    header, tau1, tau2, alpha, beta, beta2, records = _sections(data, PHASE1_MAGIC, 7, what)
    if len(header.body) != _P1_HEADER.size:
        raise InvalidEncoding(f"{header.what} has {len(header.body)} bytes, expected 8")
    power, count = _P1_HEADER.unpack(header.take(_P1_HEADER.size))
    if not 1 <= power <= MAX_POWER:
        raise InvalidArgument(f"{what}: power {power} is outside [1, {MAX_POWER}]")
    n = 1 << power
    powers = PowersOfTau(tau_g1=_points_section(tau1, G1, 2 * n - 1),
                         tau_g2=_points_section(tau2, G2, n),
                         alpha_tau_g1=_points_section(alpha, G1, n),
                         beta_tau_g1=_points_section(beta, G1, n),
                         beta_g2=_points_section(beta2, G2, 1)[0])
    return Phase1Transcript(powers=powers, contributions=_records(records, count,
                                                                  _phase1_record))


# ---- phase 2


@dataclass(frozen=True, eq=False)
class Phase2File:
    """A phase-2 ceremony as stored in a ``.zkc2`` file: the transcript, the phase-1 powers
    its circuit's domain needs, the circuit's ``.r1cs`` sha256, and the phase-1 result it
    started from (``phase1_format`` PHASE1_ZKVOTE or PHASE1_PTAU, that file's sha256 and its
    power). The constructor checks types and consistency of sizes (InvalidEncoding,
    InvalidArgument)."""

    transcript: Phase2Transcript
    powers: CircuitPowers
    r1cs_sha256: bytes
    phase1_sha256: bytes
    phase1_format: int
    phase1_power: int

    def __post_init__(self) -> None:
        if not isinstance(self.transcript, Phase2Transcript):
            raise InvalidEncoding("transcript must be a Phase2Transcript")
        if not isinstance(self.powers, CircuitPowers):
            raise InvalidEncoding("powers must be CircuitPowers")
        for name in ("r1cs_sha256", "phase1_sha256"):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != HASH_BYTES:
                raise InvalidEncoding(f"{name} must be {HASH_BYTES} bytes")
        if self.phase1_format not in (PHASE1_ZKVOTE, PHASE1_PTAU):
            raise InvalidArgument(f"unknown phase-1 format {self.phase1_format!r}")
        power = self.phase1_power
        if not isinstance(power, int) or isinstance(power, bool) \
                or not self.powers.log_n <= power <= MAX_POWER:
            raise InvalidArgument(f"phase-1 power {power!r} is outside "
                                  f"[{self.powers.log_n}, {MAX_POWER}]")
        n = 1 << self.powers.log_n
        if len(self.powers.tau_g1) != min(2 * n, 2 * (1 << power) - 1):
            raise InvalidArgument("the circuit powers' tau_g1 length disagrees with the "
                                  "phase-1 power")
        if self.transcript.proving_key.domain_size != n:
            raise InvalidArgument("the proving key's domain is not the circuit powers'")


def phase2_to_bytes(f: Phase2File) -> bytes:
    """Encode a phase-2 ceremony as a ``.zkc2`` file. InvalidEncoding for a non-Phase2File."""
    if not isinstance(f, Phase2File):
        raise InvalidEncoding(f"expected a Phase2File, not {type(f).__name__}")
    pk, cp = f.transcript.proving_key, f.powers
    vk = pk.vk
    contributions = f.transcript.contributions
    header = f.r1cs_sha256 + f.phase1_sha256 + _P2_COUNTS.pack(
        f.phase1_format, f.phase1_power, cp.log_n, pk.n_wires, vk.n_public, len(contributions))
    return build_container(PHASE2_MAGIC, VERSION, [
        (1, header),
        (2, _points(cp.tau_g1)), (3, _points(cp.tau_g2)), (4, _points(cp.alpha_tau_g1)),
        (5, _points(cp.beta_tau_g1)), (6, _points([cp.beta_g2])),
        (7, _points([vk.alpha_g1, pk.beta_g1]) + _points([vk.beta_g2, vk.gamma_g2])
         + _points([pk.delta_g1]) + _points([vk.delta_g2])),
        (8, _points(vk.gamma_abc_g1)), (9, _points(pk.a_query)), (10, _points(pk.b_g1_query)),
        (11, _points(pk.b_g2_query)), (12, _points(pk.l_query)), (13, _points(pk.h_query)),
        (14, b"".join(phase2_contribution_bytes(c) for c in contributions)),
    ])


def _phase2_record(r: _Reader) -> Phase2Contribution:
    name = r.name()
    delta_g1, delta_g2 = r.g1(), r.g2()
    return Phase2Contribution(delta_g1=delta_g1, delta_g2=delta_g2, proof=r.proof(), name=name)


def phase2_from_bytes(data: bytes) -> Phase2File:
    """Decode a ``.zkc2`` file (not verified: see :func:`phase2_file_verify`).

    Errors as :func:`phase1_from_bytes`; also InvalidEncoding for an unknown phase-1 format
    and InvalidArgument for inconsistent counts (the domain above the phase-1 power, fewer
    wires than public wires + 1, a domain smaller than the public rows).
    """
    what = "phase-2 transcript"
    (header, tau1, tau2, alpha, beta, beta2, points, ic, a, b1, b2, lq, hq,
     records) = _sections(data, PHASE2_MAGIC, 14, what)
    if len(header.body) != _P2_HEADER_BYTES:
        raise InvalidEncoding(f"{header.what} has {len(header.body)} bytes, expected "
                              f"{_P2_HEADER_BYTES}")
    r1cs_sha256, phase1_sha256 = header.take(HASH_BYTES), header.take(HASH_BYTES)
    fmt, power, log_n, n_wires, n_public, count = _P2_COUNTS.unpack(
        header.take(_P2_COUNTS.size))
    if fmt not in (PHASE1_ZKVOTE, PHASE1_PTAU):
        raise InvalidEncoding(f"{what}: unknown phase-1 format {fmt}")
    if not 1 <= log_n <= power <= MAX_POWER:
        raise InvalidArgument(f"{what}: domain 2^{log_n} and phase-1 power {power} must "
                              f"satisfy 1 <= log n <= power <= {MAX_POWER}")
    n = 1 << log_n
    if n_wires < n_public + 1 or n < n_public + 1:
        raise InvalidArgument(f"{what}: {n_wires} wires and a domain of {n} cannot hold "
                              f"{n_public} public wires and the constant wire")
    powers = CircuitPowers(log_n=log_n,
                           tau_g1=_points_section(tau1, G1, min(2 * n, 2 * (1 << power) - 1)),
                           tau_g2=_points_section(tau2, G2, n),
                           alpha_tau_g1=_points_section(alpha, G1, n),
                           beta_tau_g1=_points_section(beta, G1, n),
                           beta_g2=_points_section(beta2, G2, 1)[0])
    if len(points.body) != 3 * G1_BYTES + 3 * G2_BYTES:
        raise InvalidEncoding(f"{points.what} has {len(points.body)} bytes, expected "
                              f"{3 * G1_BYTES + 3 * G2_BYTES}")
    alpha_g1, beta_g1, beta_g2, gamma_g2 = points.g1(), points.g1(), points.g2(), points.g2()
    delta_g1, delta_g2 = points.g1(), points.g2()
    vk = VerifyingKey(alpha_g1=alpha_g1, beta_g2=beta_g2, gamma_g2=gamma_g2,
                      delta_g2=delta_g2, gamma_abc_g1=_points_section(ic, G1, n_public + 1))
    pk = ProvingKey(vk=vk, beta_g1=beta_g1, delta_g1=delta_g1,
                    a_query=_points_section(a, G1, n_wires),
                    b_g1_query=_points_section(b1, G1, n_wires),
                    b_g2_query=_points_section(b2, G2, n_wires),
                    l_query=_points_section(lq, G1, n_wires - n_public - 1),
                    h_query=_points_section(hq, G1, n), domain_size=n)
    transcript = Phase2Transcript(proving_key=pk,
                                  contributions=_records(records, count, _phase2_record))
    return Phase2File(transcript=transcript, powers=powers, r1cs_sha256=r1cs_sha256,
                      phase1_sha256=phase1_sha256, phase1_format=fmt, phase1_power=power)


# ---- phase 2 from files


Phase1Source = bytes | bytearray | memoryview | str | os.PathLike


def _open_phase1(source: Phase1Source) -> tuple[bytes, Phase1Source]:
    # (magic, source) with a .zkc1 path replaced by its bytes, read in one pass, so that the
    # sha256 recorded or compared and the powers decoded are of the same bytes. A .ptau path
    # stays a path: a public one may be GBs, of which read_ptau_prefix reads only a prefix.
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:4]), source
    if not isinstance(source, str | os.PathLike):
        raise InvalidEncoding(f"a phase-1 file must be bytes or a path, not "
                              f"{type(source).__name__}")
    with open(source, "rb") as f:
        magic = f.read(4)
        return magic, (magic + f.read() if magic == PHASE1_MAGIC else source)


def _sha256(source: Phase1Source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return hashlib.sha256(source).digest()
    # A .ptau path (see _open_phase1): hashed in a pass of its own, apart from the prefix
    # read, so a file replaced between the two passes would be recorded (or accepted) under
    # a hash that does not describe the powers read. The phase-1 file is meant to be a
    # published, fixed file; check its sha256 again afterwards if that window matters.
    h = hashlib.sha256()
    with open(source, "rb") as f:
        while chunk := f.read(1 << 20):  # a public .ptau may be GBs: never all in memory
            h.update(chunk)
    return h.digest()


def load_circuit_phase1(source: Phase1Source, log_n: int, *, verify: bool = True,
                        prepared: bool = True
                        ) -> tuple[CircuitPowers, LagrangeBasis | None, int, int]:
    """What a circuit of domain 2^``log_n`` needs from a phase-1 result (its bytes or a
    path): (the circuit powers, the Lagrange basis if ``prepared`` and the file is a
    prepared ``.ptau``, else None, the format PHASE1_ZKVOTE / PHASE1_PTAU, the phase-1
    power). A ``.zkc1`` transcript is read whole (and verified unless ``verify`` is False);
    of a ``.ptau`` only the needed prefixes are read and validated
    (:func:`zkvote.snark.ptau_reader.read_ptau_prefix`).

    InvalidEncoding for neither magic; InvalidArgument if log_n is outside [1, power];
    decoding errors as the readers; CeremonyError if the transcript does not verify;
    OSError for an unreadable path.
    """
    magic, source = _open_phase1(source)
    if magic == PTAU_MAGIC:
        pre = read_ptau_prefix(source, log_n, prepared=prepared)
        powers = CircuitPowers(log_n=log_n, tau_g1=pre.tau_g1, tau_g2=pre.tau_g2,
                               alpha_tau_g1=pre.alpha_tau_g1, beta_tau_g1=pre.beta_tau_g1,
                               beta_g2=pre.beta_g2)
        return powers, pre.lagrange, PHASE1_PTAU, pre.power
    if magic != PHASE1_MAGIC:
        raise InvalidEncoding("the phase-1 file is neither a zkvote phase-1 transcript "
                              "('zkc1') nor a snarkjs .ptau")
    transcript = phase1_from_bytes(source)
    if verify:
        phase1_verify(transcript)
    full = transcript.powers
    return CircuitPowers.of(full, log_n), None, PHASE1_ZKVOTE, full.power


def phase2_file_new(r1cs_data: bytes, phase1_data: Phase1Source, *,
                    verify_phase1: bool = True, prepared: bool = True,
                    circuit: R1CS | None = None) -> Phase2File:
    """Start the phase-2 ceremony of the circuit in ``r1cs_data`` (an ``.r1cs`` file) from
    the phase-1 result in ``phase1_data`` (its bytes or a path; see
    :func:`load_circuit_phase1`: of a ``.ptau`` only the circuit's part is read), recording
    both files' sha256. With ``prepared`` (default) the Lagrange points of a prepared
    ``.ptau`` are used, after a random-combination check against its powers (the key is the
    same either way). ``circuit`` is ``r1cs_data`` decoded, for a caller that has already
    decoded it (the file records the bytes' sha256, so it must be that decoding: its counts
    are checked against the bytes' header, InvalidArgument if they differ); otherwise the
    bytes are decoded here. Errors as :func:`load_circuit_phase1` and the r1cs reader;
    CeremonyError (phase 1) if the prepared points are not the powers' Lagrange basis."""
    r1cs = r1cs_from_bytes(r1cs_data) if circuit is None else circuit
    if not isinstance(r1cs, R1CS):
        raise InvalidEncoding(f"circuit must be an R1CS, not {type(r1cs).__name__}")
    if circuit is not None and r1cs_counts(r1cs_data) != (
            r1cs.n_wires, r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in, r1cs.n_labels,
            len(r1cs.constraints)):
        # A cheap guard against a mix-up, not a proof of equality (that would cost the
        # decoding the argument saves).
        raise InvalidArgument("circuit is not the decoding of r1cs_data (header counts differ)")
    log_n = domain_log_size(r1cs)
    _, phase1_data = _open_phase1(phase1_data)
    powers, lagrange, fmt, power = load_circuit_phase1(phase1_data, log_n,
                                                       verify=verify_phase1,
                                                       prepared=prepared)
    transcript = phase2_new(powers, r1cs, lagrange=lagrange)
    return Phase2File(transcript=transcript, powers=powers,
                      r1cs_sha256=hashlib.sha256(r1cs_data).digest(),
                      phase1_sha256=_sha256(phase1_data),
                      phase1_format=fmt, phase1_power=power)


def phase2_file_circuit(f: Phase2File, r1cs_data: bytes) -> R1CS:
    """The circuit in ``r1cs_data`` if it is the one ``f`` was made for (same sha256).
    CeremonyError (phase 2) if not; r1cs decoding errors otherwise."""
    if not isinstance(f, Phase2File):
        raise InvalidEncoding(f"expected a Phase2File, not {type(f).__name__}")
    if hashlib.sha256(r1cs_data).digest() != f.r1cs_sha256:
        raise CeremonyError("the transcript was made for another circuit (its .r1cs sha256 "
                            f"is {f.r1cs_sha256.hex()})", phase=2)
    return r1cs_from_bytes(r1cs_data)


def phase2_file_verify(f: Phase2File, r1cs_data: bytes,
                       phase1_data: Phase1Source | None = None) -> R1CS:
    """Verify a phase-2 ceremony file for the circuit in ``r1cs_data``; return the circuit.

    Checks: the circuit's sha256 is the recorded one; the embedded circuit powers are
    consecutive powers of one tau (:func:`circuit_powers_verify`); if ``phase1_data`` is
    given (bytes or a path), its sha256 is the recorded one and the embedded powers are its
    prefix (only that prefix is read; the file is not re-verified: run ``phase1 verify`` on
    it); then
    :func:`phase2_verify` on the transcript over those powers.

    Raises CeremonyError on any failed check (phase 1 for the powers, phase 2 otherwise,
    naming the contribution where one is at fault); decoding errors for malformed files.
    """
    r1cs = phase2_file_circuit(f, r1cs_data)
    circuit_powers_verify(f.powers)
    if phase1_data is not None:
        _, phase1_data = _open_phase1(phase1_data)
        if _sha256(phase1_data) != f.phase1_sha256:
            raise CeremonyError("the given phase-1 file is not the one this transcript "
                                f"started from (sha256 {f.phase1_sha256.hex()})", phase=2)
        powers, _, _, power = load_circuit_phase1(phase1_data, f.powers.log_n, verify=False,
                                                  prepared=False)
        if power != f.phase1_power or powers != f.powers:
            raise CeremonyError("the embedded powers are not the phase-1 file's", phase=2)
    phase2_verify(f.transcript, f.powers, r1cs)
    return r1cs


# ---- files


def write_new_file(data: bytes, path: str | os.PathLike) -> None:
    """Write ``data`` to a new file at ``path``: FileExistsError if it exists (never
    overwrites: a contribution appends by writing a new file, and replacing a transcript,
    e.g. the input, would destroy the record it builds on). The file appears complete or
    not at all where the file system supports hard links (written beside it, then linked)."""
    path = os.fspath(path)
    if os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "already exists", path)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".zkvote-ceremony-{secrets.token_hex(8)}.tmp")
    # Mode 0o666 less the umask, as any new file: transcripts and keys are public.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        try:
            os.link(tmp, path)  # atomic, and fails if path appeared meanwhile
        except FileExistsError:
            raise
        except OSError:  # no hard links here: exclusive create instead
            with open(path, "xb") as out:
                out.write(data)
    finally:
        os.unlink(tmp)


def read_phase1(path: str | os.PathLike) -> Phase1Transcript:
    """Read a ``.zkc1`` file (errors as :func:`phase1_from_bytes`, OSError)."""
    with open(path, "rb") as f:
        return phase1_from_bytes(f.read())


def write_phase1(transcript: Phase1Transcript, path: str | os.PathLike) -> None:
    """Write a ``.zkc1`` file; FileExistsError if ``path`` exists (never overwrites)."""
    write_new_file(phase1_to_bytes(transcript), path)


def read_phase2(path: str | os.PathLike) -> Phase2File:
    """Read a ``.zkc2`` file (errors as :func:`phase2_from_bytes`, OSError)."""
    with open(path, "rb") as f:
        return phase2_from_bytes(f.read())


def write_phase2(f: Phase2File, path: str | os.PathLike) -> None:
    """Write a ``.zkc2`` file; FileExistsError if ``path`` exists (never overwrites)."""
    write_new_file(phase2_to_bytes(f), path)
