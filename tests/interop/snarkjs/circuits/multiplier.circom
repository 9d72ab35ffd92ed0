pragma circom 2.1.0;

// The smallest useful statement: c = a * b with a, b private and c the public output.
template Multiplier() {
    signal input a;
    signal input b;
    signal output c;
    c <== a * b;
}

component main = Multiplier();
