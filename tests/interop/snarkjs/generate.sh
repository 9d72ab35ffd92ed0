#!/usr/bin/env bash
# Regenerates tests/interop/snarkjs/fixtures/<circuit>/ with the real tools (versions pinned in
# package.json): circom2 compiles circuits/<circuit>.circom, snarkjs computes the witness from
# circuits/<circuit>.input.json, runs a powers-of-tau (bn128, 2^10, one contribution) and a
# Groth16 phase 2 with one contribution, exports the verification key, proves and verifies.
#
# The "cube" set is the other direction: zkvote's writers produce its .r1cs and .wtns
# (write_cube.py, needs python3 with this checkout's dependencies) and snarkjs proves it.
#
# Usage: tests/interop/snarkjs/generate.sh [SCRATCH_DIR]   (default /tmp/zkv-snark)
# Node and npm are needed here only; the Python tests read the committed fixtures.
# The entropy strings are fixed but snarkjs mixes in its own randomness, so keys and proofs
# differ between runs: regenerate all of a circuit's files together, never one of them.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-/tmp/zkv-snark}
# TARGETS="cube" ./generate.sh regenerates one set only (each set is self-consistent).
TARGETS=${TARGETS:-"multiplier poseidon2 cube"}

mkdir -p "$WORK"
cp "$HERE/package.json" "$WORK/package.json"
cd "$WORK"
[ -d node_modules/snarkjs ] || npm install --no-audit --no-fund
SNARKJS="node node_modules/snarkjs/build/cli.cjs"
CIRCOM="npx --no-install circom2"
# snarkjs logs with colour codes; fixtures keep plain text.
plain() { sed -e 's/\x1b\[[0-9;]*m//g'; }

if [ ! -f pot10_final.ptau ]; then
    $SNARKJS powersoftau new bn128 10 pot10_0000.ptau
    $SNARKJS powersoftau contribute pot10_0000.ptau pot10_0001.ptau \
        --name="zkvote fixtures" -e="zkvote interop fixtures phase 1"
    $SNARKJS powersoftau prepare phase2 pot10_0001.ptau pot10_final.ptau
fi

# From $out/circuit.r1cs and $out/witness.wtns: info, witness check, setup, prove, verify,
# tampered variants and their verdicts, manifest.
pipeline() {
    local c=$1 out=$2 build=$3 source=$4
    $SNARKJS wtns export json "$out/witness.wtns" "$out/witness.json"
    $SNARKJS r1cs export json "$out/circuit.r1cs" "$out/circuit.json"
    $SNARKJS r1cs info "$out/circuit.r1cs" | plain > "$out/r1cs_info.txt"
    $SNARKJS wtns check "$out/circuit.r1cs" "$out/witness.wtns" | plain > "$out/wtns_check.txt"

    $SNARKJS groth16 setup "$out/circuit.r1cs" pot10_final.ptau "$build/circuit_0000.zkey"
    $SNARKJS zkey contribute "$build/circuit_0000.zkey" "$out/circuit_final.zkey" \
        --name="zkvote fixtures" -e="zkvote interop fixtures phase 2 $c"
    $SNARKJS zkey verify "$out/circuit.r1cs" pot10_final.ptau "$out/circuit_final.zkey" \
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

    node -e 'console.log(JSON.stringify({
        generator: "tests/interop/snarkjs/generate.sh", source: process.argv[1],
        tools: { snarkjs: "0.7.6", circom2: "0.2.23", circomlib: "2.0.5" },
        ptau: "bn128, power 10, one contribution" }, null, 1))' "$source" > "$out/manifest.json"
}

for c in $TARGETS; do
    out="$HERE/fixtures/$c"
    build="$WORK/build/$c"
    rm -rf "$build" && mkdir -p "$build" "$out"
    if [ "$c" = cube ]; then
        # Written by zkvote's own .r1cs/.wtns writers, then set up and proven by snarkjs.
        PYTHONPATH="$HERE/../../.." python3 "$HERE/write_cube.py" "$out"
        pipeline "$c" "$out" "$build" "write_cube.py (zkvote writers)"
        continue
    fi
    $CIRCOM "$HERE/circuits/$c.circom" --r1cs --wasm --sym -l node_modules -o "$build"
    cp "$build/$c.r1cs" "$out/circuit.r1cs"
    cp "$HERE/circuits/$c.input.json" "$out/input.json"
    $SNARKJS wtns calculate "$build/${c}_js/$c.wasm" "$out/input.json" "$out/witness.wtns"
    pipeline "$c" "$out" "$build" "circuits/$c.circom"
done
ls -l "$HERE"/fixtures/*
