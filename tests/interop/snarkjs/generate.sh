#!/usr/bin/env bash
# Regenerates tests/interop/snarkjs/fixtures/<circuit>/ with the real tools (versions pinned in
# package.json): circom2 compiles circuits/<circuit>.circom, snarkjs computes the witness from
# circuits/<circuit>.input.json, runs a powers-of-tau (bn128, 2^10, one contribution) and a
# Groth16 phase 2 with one contribution, exports the verification key, proves and verifies.
#
# The "cube" set is the other direction: zkvote's writers produce its .r1cs and .wtns
# (write_cube.py) and snarkjs proves it. The "api_semaphore" set is a circuit built with
# zkvote's circuit API (zkvote.circuits.semaphore at depth 2, write_api_semaphore.py): snarkjs
# sets it up (ptau 2^11) and proves it; its .r1cs and .zkey are too big to commit (1.2 MB and
# more), so they stay in SCRATCH_DIR/build/api_semaphore and manifest.json records their
# sha256 (the tests rebuild the .r1cs and compare).
#
# Every set also gets a proof made by zkvote's prover (`zkvote groth16 prove` on the set's
# .zkey and .wtns: our_proof.json, our_public.json) and snarkjs's verdict on it
# (snarkjs_verify_our_proof.txt). STEPS=ours redoes only that step, on the existing files.
#
# Usage: tests/interop/snarkjs/generate.sh [SCRATCH_DIR]   (default /tmp/zkv-snark)
# PYTHON (default python3) must import this checkout with zkvote.circuits, i.e. an editable
# install (pip install -e .): PYTHONPATH alone does not map zkvote.circuits.
# Node and npm are needed here only; the Python tests read the committed fixtures.
# The entropy strings are fixed but snarkjs mixes in its own randomness, so keys and proofs
# differ between runs: regenerate all of a circuit's files together, never one of them.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-/tmp/zkv-snark}
# TARGETS="cube" ./generate.sh regenerates one set only (each set is self-consistent).
TARGETS=${TARGETS:-"multiplier poseidon2 cube api_semaphore"}
STEPS=${STEPS:-all}
PYTHON=${PYTHON:-python3}

mkdir -p "$WORK"
cp "$HERE/package.json" "$WORK/package.json"
cd "$WORK"
[ -d node_modules/snarkjs ] || npm install --no-audit --no-fund
SNARKJS="node node_modules/snarkjs/build/cli.cjs"
CIRCOM="npx --no-install circom2"
# snarkjs logs with colour codes; fixtures keep plain text.
plain() { sed -e 's/\x1b\[[0-9;]*m//g'; }

# zkvote's CLI through $PYTHON (the console script may belong to another environment).
ZKVOTE() {
    "$PYTHON" -c 'import sys; from zkvote.cli import main; sys.argv[0] = "zkvote"; main()' "$@"
}

# pot<N>_final.ptau: bn128, 2^N, one contribution.
ptau() {
    local n=$1
    if [ ! -f "pot${n}_final.ptau" ]; then
        $SNARKJS powersoftau new bn128 "$n" "pot${n}_0000.ptau"
        $SNARKJS powersoftau contribute "pot${n}_0000.ptau" "pot${n}_0001.ptau" \
            --name="zkvote fixtures" -e="zkvote interop fixtures phase 1"
        $SNARKJS powersoftau prepare phase2 "pot${n}_0001.ptau" "pot${n}_final.ptau"
    fi
}

# zkvote's prover on ZKEY + $out/witness.wtns, then snarkjs verifies our proof: the verdict is
# recorded (expected "OK!"), and the proof is kept for the tests to verify with our verifier.
our_proof() {
    local out=$1 zkey=$2
    ZKVOTE groth16 prove "$zkey" "$out/witness.wtns" "$out/our_proof.json" "$out/our_public.json"
    { $SNARKJS groth16 verify "$out/verification_key.json" "$out/our_public.json" \
        "$out/our_proof.json" || true; } | plain > "$out/snarkjs_verify_our_proof.txt"
    grep -q "OK!" "$out/snarkjs_verify_our_proof.txt" \
        || echo "WARNING: snarkjs rejected zkvote's proof in $out" >&2
}

# From $out/circuit.r1cs and $out/witness.wtns: info, witness check, setup, prove, verify,
# tampered variants and their verdicts, our proof and snarkjs's verdict on it, manifest.
pipeline() {
    local c=$1 out=$2 build=$3 source=$4 power=${5:-10}
    ptau "$power"
    $SNARKJS wtns export json "$out/witness.wtns" "$out/witness.json"
    $SNARKJS r1cs export json "$out/circuit.r1cs" "$out/circuit.json"
    $SNARKJS r1cs info "$out/circuit.r1cs" | plain > "$out/r1cs_info.txt"
    $SNARKJS wtns check "$out/circuit.r1cs" "$out/witness.wtns" | plain > "$out/wtns_check.txt"

    $SNARKJS groth16 setup "$out/circuit.r1cs" pot${power}_final.ptau "$build/circuit_0000.zkey"
    $SNARKJS zkey contribute "$build/circuit_0000.zkey" "$out/circuit_final.zkey" \
        --name="zkvote fixtures" -e="zkvote interop fixtures phase 2 $c"
    $SNARKJS zkey verify "$out/circuit.r1cs" pot${power}_final.ptau "$out/circuit_final.zkey" \
        | plain > "$out/zkey_verify.txt"
    $SNARKJS zkey export verificationkey "$out/circuit_final.zkey" "$out/verification_key.json"
    $SNARKJS groth16 prove "$out/circuit_final.zkey" "$out/witness.wtns" \
        "$out/proof.json" "$out/public.json"
    $SNARKJS groth16 verify "$out/verification_key.json" "$out/public.json" "$out/proof.json" \
        | plain > "$out/verify.txt"

    # Bad cases, with snarkjs's verdict recorded next to them (expected: Invalid proof).
    node -e '
        const fs = require("fs"); const [dir] = process.argv.slice(1);
        const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
        const pub = JSON.parse(fs.readFileSync(dir + "/public.json"));
        pub[0] = ((BigInt(pub[0]) + 1n) % R).toString();
        fs.writeFileSync(dir + "/public_tampered.json", JSON.stringify(pub, null, 1) + "\n");
        const proof = JSON.parse(fs.readFileSync(dir + "/proof.json"));
        [proof.pi_a, proof.pi_c] = [proof.pi_c, proof.pi_a];
        fs.writeFileSync(dir + "/proof_tampered.json", JSON.stringify(proof, null, 1) + "\n");
    ' "$out"
    { $SNARKJS groth16 verify "$out/verification_key.json" "$out/public_tampered.json" \
        "$out/proof.json" || true; } | plain > "$out/verify_public_tampered.txt"
    { $SNARKJS groth16 verify "$out/verification_key.json" "$out/public.json" \
        "$out/proof_tampered.json" || true; } | plain > "$out/verify_proof_tampered.txt"

    our_proof "$out" "$out/circuit_final.zkey"

    node -e 'console.log(JSON.stringify({
        generator: "tests/interop/snarkjs/generate.sh", source: process.argv[1],
        tools: { snarkjs: "0.7.6", circom2: "0.2.23", circomlib: "2.0.5" },
        ptau: `bn128, power ${process.argv[2]}, one contribution` }, null, 1))' \
        "$source" "$power" > "$out/manifest.json"
}

# Moves the set's large files to $build and records their sha256 in the manifest instead.
keep_out_of_repo() {
    local out=$1 build=$2; shift 2
    local f
    for f in "$@"; do mv "$out/$f" "$build/$f"; done
    node -e '
        const fs = require("fs"), crypto = require("crypto");
        const [dir, build, ...names] = process.argv.slice(1);
        const m = JSON.parse(fs.readFileSync(dir + "/manifest.json"));
        m.not_committed = {};
        for (const n of names) m.not_committed[n] = { sha256: crypto.createHash("sha256")
            .update(fs.readFileSync(build + "/" + n)).digest("hex") };
        fs.writeFileSync(dir + "/manifest.json", JSON.stringify(m, null, 1) + "\n");
    ' "$out" "$build" "$@"
}

for c in $TARGETS; do
    out="$HERE/fixtures/$c"
    build="$WORK/build/$c"
    if [ "$STEPS" = ours ]; then
        zkey="$out/circuit_final.zkey"
        [ -f "$zkey" ] || zkey="$build/circuit_final.zkey"
        our_proof "$out" "$zkey"
        continue
    fi
    rm -rf "$build" && mkdir -p "$build" "$out"
    if [ "$c" = cube ]; then
        # Written by zkvote's own .r1cs/.wtns writers, then set up and proven by snarkjs.
        "$PYTHON" "$HERE/write_cube.py" "$out"
        pipeline "$c" "$out" "$build" "write_cube.py (zkvote writers)"
        continue
    fi
    if [ "$c" = api_semaphore ]; then
        # Built with zkvote's circuit API, then set up and proven by snarkjs.
        "$PYTHON" "$HERE/write_api_semaphore.py" "$out"
        pipeline "$c" "$out" "$build" "write_api_semaphore.py (zkvote circuit API)" 11
        keep_out_of_repo "$out" "$build" circuit.r1cs circuit_final.zkey circuit.json \
            witness.json
        continue
    fi
    $CIRCOM "$HERE/circuits/$c.circom" --r1cs --wasm --sym -l node_modules -o "$build"
    cp "$build/$c.r1cs" "$out/circuit.r1cs"
    cp "$HERE/circuits/$c.input.json" "$out/input.json"
    $SNARKJS wtns calculate "$build/${c}_js/$c.wasm" "$out/input.json" "$out/witness.wtns"
    pipeline "$c" "$out" "$build" "circuits/$c.circom"
done
ls -l "$HERE"/fixtures/*
