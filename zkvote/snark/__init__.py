"""The proving system: R1CS and witness files (iden3 formats), Groth16 over BN254 with
snarkjs-compatible keys and proofs."""
