// Generates tests/interop/fixtures/*.json with the real JS tools (circomlibjs, poseidon-lite,
// @zk-kit/lean-imt, @zk-kit/eddsa-poseidon, @semaphore-protocol/identity and /group).
// Run from a scratch copy of this folder:  npm install && node generate.mjs <fixtures dir>
// Deterministic: every input comes from SHA-256 of a label, so reruns give identical files.
import { createHash } from "node:crypto"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { buildPoseidonReference } from "circomlibjs"
import * as lite from "poseidon-lite"
import { LeanIMT } from "@zk-kit/lean-imt"
import { Identity } from "@semaphore-protocol/identity"
import { Group } from "@semaphore-protocol/group"
import { createRequire } from "node:module"
// eddsa-poseidon 1.1.0's ESM build fails to import blakejs under Node 20: use its CJS build.
const { deriveSecretScalar, derivePublicKey, signMessage, verifySignature, packSignature } =
    createRequire(import.meta.url)("@zk-kit/eddsa-poseidon")

const out = process.argv[2] ?? "../fixtures"
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n
const L = 2736030358979909402780800718157159386076813972158567259200215660948447373041n
const sha = (label) => createHash("sha256").update(label).digest()
const fe = (label) => BigInt("0x" + sha(label).toString("hex")) % R
const str = (x) => x.toString()
const write = (name, doc) => {
    writeFileSync(join(out, name), JSON.stringify({ version: 1, generator: "tests/interop/js/generate.mjs", ...doc }, null, 1) + "\n")
    console.log("wrote", name)
}

// ---------------------------------------------------------------- Poseidon, widths 1..16
const reference = await buildPoseidonReference()
const F = reference.F
const poseidonCases = []
for (let n = 1; n <= 16; n++) {
    const inputsList = [
        Array(n).fill(0n),
        Array(n).fill(R - 1n),
        Array.from({ length: n }, (_, i) => (i % 2 ? R - 1n : 0n)),
        Array.from({ length: n }, (_, i) => BigInt(i + 1)),
        Array.from({ length: n }, (_, i) => fe(`poseidon-${n}-a-${i}`)),
        Array.from({ length: n }, (_, i) => fe(`poseidon-${n}-b-${i}`)),
    ]
    for (const inputs of inputsList) {
        const ref = F.toObject(reference(inputs))
        const fast = lite[`poseidon${n}`](inputs)
        if (ref !== fast) throw new Error(`circomlibjs and poseidon-lite disagree at width ${n}`)
        poseidonCases.push({ inputs: inputs.map(str), output: str(ref) })
    }
}
write("poseidon.json", { tools: ["circomlibjs@0.1.7 poseidon_reference", "poseidon-lite@0.3.0"], cases: poseidonCases })

// ---------------------------------------------------------------- LeanIMT / Semaphore groups
const hash = (a, b) => lite.poseidon2([a, b])
const proofJson = (p) => ({ root: str(p.root), leaf: str(p.leaf), index: p.index, siblings: p.siblings.map(str) })
const trees = []
for (const size of [1, 2, 3, 5, 8, 100, 1000]) {
    const leaves = Array.from({ length: size }, (_, i) => fe(`leaf-${size}-${i}`) || 1n)
    const bulk = new LeanIMT(hash, leaves)
    const incremental = new LeanIMT(hash)
    for (const leaf of leaves) incremental.insert(leaf)
    if (bulk.root !== incremental.root) throw new Error("insert and insertMany disagree")
    const pick = [...new Set([0, 1, Math.floor(size / 2), size - 2, size - 1].filter((i) => i >= 0 && i < size))]
    const entry = {
        size, leaves: leaves.map(str), root: str(bulk.root), depth: bulk.depth,
        proofs: pick.map((i) => proofJson(bulk.generateProof(i))),
        export: size <= 100 ? bulk.export() : null,
    }
    // Semaphore group changes: updates then removals (removal = update to 0).
    const group = new Group(leaves)
    const steps = []
    const changes = []
    if (size >= 2) changes.push(["update", size - 1, fe(`upd-${size}-a`)])
    changes.push(["update", 0, fe(`upd-${size}-b`)])
    if (size >= 3) changes.push(["remove", 1])
    if (size >= 5) changes.push(["remove", size - 2])
    changes.push(["remove", 0])
    for (const [op, index, value] of changes) {
        if (op === "update") group.updateMember(index, value)
        else group.removeMember(index)
        const p = [...new Set([0, index, size - 1])].map((i) => proofJson(group.generateMerkleProof(i)))
        steps.push({ op, index, value: value === undefined ? null : str(value), root: str(group.root), proofs: p })
    }
    entry.changes = steps
    entry.export_after_changes = size <= 100 ? group.export() : null
    // Append more members to the changed group (insertMany on a non-empty tree).
    const extra = Array.from({ length: 3 }, (_, i) => fe(`extra-${size}-${i}`))
    group.addMembers(extra)
    entry.appended = { leaves: extra.map(str), root: str(group.root), depth: group.depth }
    trees.push(entry)
}
write("lean_imt.json", { tools: ["@zk-kit/lean-imt@2.2.5", "@semaphore-protocol/group@4.14.3", "poseidon-lite@0.3.0"], empty_export: new LeanIMT(hash).export(), empty_group_root: str(new Group().root), trees })

// ---------------------------------------------------------------- identities, EdDSA, nullifiers
const keys = [
    { kind: "text", key: "secret" },
    { kind: "text", key: "zkvote interop ✓ ünïcode" },
    { kind: "bytes", key: sha("identity-key-0").toString("hex") },
    { kind: "bytes", key: sha("identity-key-1").toString("hex") },
    { kind: "bytes", key: Buffer.concat([sha("long-a"), sha("long-b"), sha("long-c"), sha("long-d"), sha("long-e")]).toString("hex") },
    { kind: "bytes", key: "00" },
]
const scopes = [0n, 1n, 42n, fe("scope"), R - 1n]
const messages = [0n, 1n, 12345n, fe("message"), R - 1n]
const identities = []
for (const { kind, key } of keys) {
    const pk = kind === "text" ? key : Buffer.from(key, "hex")
    const id = new Identity(pk)
    if (deriveSecretScalar(pk) !== id.secretScalar) throw new Error("secret scalar mismatch")
    const pub = derivePublicKey(pk)
    if (pub[0] !== id.publicKey[0] || pub[1] !== id.publicKey[1]) throw new Error("public key mismatch")
    const signatures = messages.map((m) => {
        const sig = signMessage(pk, m)
        if (!verifySignature(m, sig, id.publicKey)) throw new Error("signature does not verify")
        const tamperedS = { R8: sig.R8, S: (sig.S + 1n) % L }
        const tamperedMsg = (m + 1n) % R
        return {
            message: str(m), R8: sig.R8.map(str), S: str(sig.S),
            packed: packSignature(sig).toString("hex"),
            tampered_S_verifies: verifySignature(m, tamperedS, id.publicKey),
            other_message_verifies: verifySignature(tamperedMsg, sig, id.publicKey),
        }
    })
    identities.push({
        kind, private_key: key, export: id.export(),
        secret_scalar: str(id.secretScalar), public_key: id.publicKey.map(str), commitment: str(id.commitment),
        nullifiers: scopes.map((s) => ({ scope: str(s), nullifier: str(lite.poseidon2([s, id.secretScalar])) })),
        signatures,
    })
}
// An identity imported from its export must be the same identity.
const roundTrip = Identity.import(new Identity("secret").export())
if (roundTrip.commitment !== new Identity("secret").commitment) throw new Error("import/export mismatch")
write("identity.json", { tools: ["@semaphore-protocol/identity@4.14.3", "@zk-kit/eddsa-poseidon@1.1.0"], identities })
