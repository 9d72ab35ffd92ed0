pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Knowledge of a Poseidon(2) preimage (a, b) of the public input `hash`, plus one public output
// (prod = a * b) so that the public values mix both kinds: [prod, hash].
template PoseidonPreimage() {
    signal input a;
    signal input b;
    signal input hash;
    signal output prod;

    component h = Poseidon(2);
    h.inputs[0] <== a;
    h.inputs[1] <== b;
    hash === h.out;
    prod <== a * b;
}

component main {public [hash]} = PoseidonPreimage();
