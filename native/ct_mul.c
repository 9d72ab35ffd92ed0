/*
 * ct_mul.c - constant-time scalar multiplication on G1 and G2 for secret scalars (the
 * trusted-setup ceremony's toxic waste and Schnorr nonces).
 *
 * The public-scalar multiplications in g1.c / g2.c use GLV / wNAF and incomplete Jacobian
 * formulas with branches for the exceptional cases, so their running time depends on the
 * scalar. Here, instead:
 *  - homogeneous projective coordinates (x = X/Z, y = Y/Z, identity (0:1:0)) with the
 *    complete formulas of Renes-Costello-Batina 2016 for a = 0 (algorithm 7, addition, and
 *    algorithm 9, doubling): one code path for every input, the identity included. They are
 *    complete on any a = 0 curve without points of order 2; E(Fq) has prime order r and the
 *    twist E'(Fq2) has order r(2p - r), odd, so that holds for G1 and all of E'(Fq2);
 *  - a fixed 4-bit window over all 256 scalar bits (64 windows of 4 doublings and one
 *    addition, a zero digit adds the identity), no early exit, no recoding;
 *  - the 16-entry table [0..15]P is read by scanning every entry with a masked move.
 * No branch and no memory index depends on the scalar. The field arithmetic (field_impl.h,
 * tower_impl.h) is constant time. Inputs and outputs are Jacobian, as elsewhere; the
 * conversions use masks for the identity, too.
 */
#include "tower_impl.h"

/* The 4-bit digit i (0 = least significant) of a little-endian 256-bit scalar. The byte
 * index depends on the public loop counter only. */
static inline unsigned scalar_digit(const uint8_t k[32], int i) {
    return (unsigned)(k[i >> 1] >> (4 * (i & 1))) & 15u;
}

/* G1: b = 3, so 3b * a = 9a, with additions. */
static inline void fq_mul_b3_g1(zkv_fq *o, const zkv_fq *a) {
    zkv_fq t;
    fq_dbl(&t, a);
    fq_dbl(&t, &t);
    fq_dbl(&t, &t);
    fq_add(o, &t, a);
}

/* G2: 3b' for the twist's b' = 3/(9+u). */
static void g2_b3(zkv_fq2 *o) {
    fq2_dbl(o, &TW_B2);
    fq2_add(o, o, &TW_B2);
}

#define CT_G g1
#define CT_F fq
#define CT_FE zkv_fq
#define CT_JAC zkv_g1
#define CT_AFF zkv_g1_affine
#define CT_B3_INIT(b3) fq_set_zero(b3)
#define CT_MUL_B3(o, a, b3) ((void)(b3), fq_mul_b3_g1(o, a))
#include "ct_mul_impl.h"

#define CT_G g2
#define CT_F fq2
#define CT_FE zkv_fq2
#define CT_JAC zkv_g2
#define CT_AFF zkv_g2_affine
#define CT_B3_INIT(b3) g2_b3(b3)
#define CT_MUL_B3(o, a, b3) fq2_mul(o, a, b3)
#include "ct_mul_impl.h"
