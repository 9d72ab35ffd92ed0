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

/* Hide a mask from the optimiser so it cannot turn the masked moves back into branches. */
static inline uint64_t ct_barrier(uint64_t v) {
#if defined(__GNUC__)
    __asm__("" : "+r"(v));
#endif
    return v;
}

/* 1 if a == b (a, b < 2^63), computed without a comparison the compiler could branch on. */
static inline uint64_t ct_eq(uint64_t a, uint64_t b) {
    return ct_barrier(((a ^ b) - 1) >> 63);
}

/* The 4-bit digit i (0 = least significant) of a little-endian 256-bit scalar. The byte
 * index depends on the public loop counter only. */
static inline unsigned scalar_digit(const uint8_t k[32], int i) {
    return (unsigned)(k[i >> 1] >> (4 * (i & 1))) & 15u;
}

/* ================================================================ G1 over Fq */
typedef struct { zkv_fq x, y, z; } g1_proj;

static inline void fq_cmov(zkv_fq *o, const zkv_fq *a, uint64_t flag) {
    limbs_cmov(o->l, a->l, flag);
}

/* 9a (b3 = 3b for b = 3) with additions. */
static inline void fq_mul_b3_g1(zkv_fq *o, const zkv_fq *a) {
    zkv_fq t;
    fq_dbl(&t, a);
    fq_dbl(&t, &t);
    fq_dbl(&t, &t);
    fq_add(o, &t, a);
}

/* RCB16 algorithm 7; out may alias p or q. */
static void g1p_add(g1_proj *out, const g1_proj *p, const g1_proj *q) {
    zkv_fq t0, t1, t2, t3, t4, x3, y3, z3;
    fq_mul(&t0, &p->x, &q->x);
    fq_mul(&t1, &p->y, &q->y);
    fq_mul(&t2, &p->z, &q->z);
    fq_add(&t3, &p->x, &p->y);
    fq_add(&t4, &q->x, &q->y);
    fq_mul(&t3, &t3, &t4);
    fq_add(&t4, &t0, &t1);
    fq_sub(&t3, &t3, &t4);
    fq_add(&t4, &p->y, &p->z);
    fq_add(&x3, &q->y, &q->z);
    fq_mul(&t4, &t4, &x3);
    fq_add(&x3, &t1, &t2);
    fq_sub(&t4, &t4, &x3);
    fq_add(&x3, &p->x, &p->z);
    fq_add(&y3, &q->x, &q->z);
    fq_mul(&x3, &x3, &y3);
    fq_add(&y3, &t0, &t2);
    fq_sub(&y3, &x3, &y3);
    fq_dbl(&x3, &t0);
    fq_add(&t0, &x3, &t0);
    fq_mul_b3_g1(&t2, &t2);
    fq_add(&z3, &t1, &t2);
    fq_sub(&t1, &t1, &t2);
    fq_mul_b3_g1(&y3, &y3);
    fq_mul(&x3, &t4, &y3);
    fq_mul(&t2, &t3, &t1);
    fq_sub(&x3, &t2, &x3);
    fq_mul(&y3, &y3, &t0);
    fq_mul(&t1, &t1, &z3);
    fq_add(&y3, &t1, &y3);
    fq_mul(&t0, &t0, &t3);
    fq_mul(&z3, &z3, &t4);
    fq_add(&z3, &z3, &t0);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

/* RCB16 algorithm 9; out may alias p. */
static void g1p_double(g1_proj *out, const g1_proj *p) {
    zkv_fq t0, t1, t2, x3, y3, z3;
    fq_sqr(&t0, &p->y);
    fq_dbl(&z3, &t0);
    fq_dbl(&z3, &z3);
    fq_dbl(&z3, &z3);
    fq_mul(&t1, &p->y, &p->z);
    fq_sqr(&t2, &p->z);
    fq_mul_b3_g1(&t2, &t2);
    fq_mul(&x3, &t2, &z3);
    fq_add(&y3, &t0, &t2);
    fq_mul(&z3, &t1, &z3);
    fq_dbl(&t1, &t2);
    fq_add(&t2, &t1, &t2);
    fq_sub(&t0, &t0, &t2);
    fq_mul(&y3, &t0, &y3);
    fq_add(&y3, &x3, &y3);
    fq_mul(&t1, &p->x, &p->y);
    fq_mul(&x3, &t0, &t1);
    fq_dbl(&x3, &x3);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

static void g1p_cmov(g1_proj *o, const g1_proj *a, uint64_t flag) {
    fq_cmov(&o->x, &a->x, flag);
    fq_cmov(&o->y, &a->y, flag);
    fq_cmov(&o->z, &a->z, flag);
}

static void g1p_identity(g1_proj *o) {
    fq_set_zero(&o->x);
    fq_set_one(&o->y);
    fq_set_zero(&o->z);
}

/* Jacobian (X, Y, Z) -> projective (XZ, Y, Z^3); any Z = 0 becomes (0:1:0). */
static void g1p_from_jacobian(g1_proj *o, const zkv_g1 *p) {
    zkv_fq z2, one;
    fq_sqr(&z2, &p->z);
    fq_mul(&o->x, &p->x, &p->z);
    o->y = p->y;
    fq_mul(&o->z, &z2, &p->z);
    fq_set_one(&one);
    fq_cmov(&o->y, &one, ct_barrier((uint64_t)fq_is_zero(&p->z)));
}

/* Projective (X:Y:Z) -> Jacobian (XZ, YZ^2, Z); Z = 0 becomes zkv_g1's (1, 1, 0). */
static void g1p_to_jacobian(zkv_g1 *o, const g1_proj *p) {
    zkv_fq z2, one;
    uint64_t inf = ct_barrier((uint64_t)fq_is_zero(&p->z));
    fq_sqr(&z2, &p->z);
    fq_mul(&o->x, &p->x, &p->z);
    fq_mul(&o->y, &p->y, &z2);
    o->z = p->z;
    fq_set_one(&one);
    fq_cmov(&o->x, &one, inf);
    fq_cmov(&o->y, &one, inf);
}

static void g1p_mul(g1_proj *out, const g1_proj *p, const uint8_t k[32]) {
    g1_proj table[16], acc, sel;
    g1p_identity(&table[0]);
    table[1] = *p;
    for (int j = 2; j < 16; j++) g1p_add(&table[j], &table[j - 1], p);
    g1p_identity(&acc);
    for (int i = 63; i >= 0; i--) {
        for (int d = 0; d < 4; d++) g1p_double(&acc, &acc);
        unsigned digit = scalar_digit(k, i);
        sel = table[0];
        for (unsigned j = 1; j < 16; j++) g1p_cmov(&sel, &table[j], ct_eq(j, digit));
        g1p_add(&acc, &acc, &sel);
    }
    *out = acc;
}

void zkv_g1_mul_ct(zkv_g1 *out, const zkv_g1 *p, const uint8_t k[32]) {
    g1_proj pp, r;
    g1p_from_jacobian(&pp, p);
    g1p_mul(&r, &pp, k);
    g1p_to_jacobian(out, &r);
}

void zkv_g1_mul_ct_many(zkv_g1 *out, const zkv_g1_affine *points, const uint8_t *scalars,
                        size_t n) {
    for (size_t i = 0; i < n; i++) {
        g1_proj pp, r;
        /* affine (x, y) -> (x:y:1); the (0, 0) encoding of the identity -> (0:1:0) */
        uint64_t inf = ct_barrier((uint64_t)(fq_is_zero(&points[i].x) &
                                             fq_is_zero(&points[i].y)));
        pp.x = points[i].x;
        pp.y = points[i].y;
        fq_set_one(&pp.z);
        zkv_fq one, zero;
        fq_set_one(&one);
        fq_set_zero(&zero);
        fq_cmov(&pp.y, &one, inf);
        fq_cmov(&pp.z, &zero, inf);
        g1p_mul(&r, &pp, scalars + 32 * i);
        g1p_to_jacobian(out + i, &r);
    }
}

/* ================================================================ G2 over Fq2 */
typedef struct { zkv_fq2 x, y, z; } g2_proj;

static inline void fq2_cmov(zkv_fq2 *o, const zkv_fq2 *a, uint64_t flag) {
    limbs_cmov(o->c0.l, a->c0.l, flag);
    limbs_cmov(o->c1.l, a->c1.l, flag);
}

/* b3 = 3 b' for the twist's b' = 3/(9+u). */
static void g2_b3(zkv_fq2 *o) {
    fq2_dbl(o, &TW_B2);
    fq2_add(o, o, &TW_B2);
}

/* RCB16 algorithm 7 over Fq2; out may alias p or q. */
static void g2p_add(g2_proj *out, const g2_proj *p, const g2_proj *q, const zkv_fq2 *b3) {
    zkv_fq2 t0, t1, t2, t3, t4, x3, y3, z3;
    fq2_mul(&t0, &p->x, &q->x);
    fq2_mul(&t1, &p->y, &q->y);
    fq2_mul(&t2, &p->z, &q->z);
    fq2_add(&t3, &p->x, &p->y);
    fq2_add(&t4, &q->x, &q->y);
    fq2_mul(&t3, &t3, &t4);
    fq2_add(&t4, &t0, &t1);
    fq2_sub(&t3, &t3, &t4);
    fq2_add(&t4, &p->y, &p->z);
    fq2_add(&x3, &q->y, &q->z);
    fq2_mul(&t4, &t4, &x3);
    fq2_add(&x3, &t1, &t2);
    fq2_sub(&t4, &t4, &x3);
    fq2_add(&x3, &p->x, &p->z);
    fq2_add(&y3, &q->x, &q->z);
    fq2_mul(&x3, &x3, &y3);
    fq2_add(&y3, &t0, &t2);
    fq2_sub(&y3, &x3, &y3);
    fq2_dbl(&x3, &t0);
    fq2_add(&t0, &x3, &t0);
    fq2_mul(&t2, &t2, b3);
    fq2_add(&z3, &t1, &t2);
    fq2_sub(&t1, &t1, &t2);
    fq2_mul(&y3, &y3, b3);
    fq2_mul(&x3, &t4, &y3);
    fq2_mul(&t2, &t3, &t1);
    fq2_sub(&x3, &t2, &x3);
    fq2_mul(&y3, &y3, &t0);
    fq2_mul(&t1, &t1, &z3);
    fq2_add(&y3, &t1, &y3);
    fq2_mul(&t0, &t0, &t3);
    fq2_mul(&z3, &z3, &t4);
    fq2_add(&z3, &z3, &t0);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

/* RCB16 algorithm 9 over Fq2; out may alias p. */
static void g2p_double(g2_proj *out, const g2_proj *p, const zkv_fq2 *b3) {
    zkv_fq2 t0, t1, t2, x3, y3, z3;
    fq2_sqr(&t0, &p->y);
    fq2_dbl(&z3, &t0);
    fq2_dbl(&z3, &z3);
    fq2_dbl(&z3, &z3);
    fq2_mul(&t1, &p->y, &p->z);
    fq2_sqr(&t2, &p->z);
    fq2_mul(&t2, &t2, b3);
    fq2_mul(&x3, &t2, &z3);
    fq2_add(&y3, &t0, &t2);
    fq2_mul(&z3, &t1, &z3);
    fq2_dbl(&t1, &t2);
    fq2_add(&t2, &t1, &t2);
    fq2_sub(&t0, &t0, &t2);
    fq2_mul(&y3, &t0, &y3);
    fq2_add(&y3, &x3, &y3);
    fq2_mul(&t1, &p->x, &p->y);
    fq2_mul(&x3, &t0, &t1);
    fq2_dbl(&x3, &x3);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

static void g2p_cmov(g2_proj *o, const g2_proj *a, uint64_t flag) {
    fq2_cmov(&o->x, &a->x, flag);
    fq2_cmov(&o->y, &a->y, flag);
    fq2_cmov(&o->z, &a->z, flag);
}

static void g2p_identity(g2_proj *o) {
    fq2_set_zero(&o->x);
    fq2_set_one(&o->y);
    fq2_set_zero(&o->z);
}

static void g2p_from_jacobian(g2_proj *o, const zkv_g2 *p) {
    zkv_fq2 z2, one;
    fq2_sqr(&z2, &p->z);
    fq2_mul(&o->x, &p->x, &p->z);
    o->y = p->y;
    fq2_mul(&o->z, &z2, &p->z);
    fq2_set_one(&one);
    fq2_cmov(&o->y, &one, ct_barrier((uint64_t)fq2_is_zero(&p->z)));
}

static void g2p_to_jacobian(zkv_g2 *o, const g2_proj *p) {
    zkv_fq2 z2, one;
    uint64_t inf = ct_barrier((uint64_t)fq2_is_zero(&p->z));
    fq2_sqr(&z2, &p->z);
    fq2_mul(&o->x, &p->x, &p->z);
    fq2_mul(&o->y, &p->y, &z2);
    o->z = p->z;
    fq2_set_one(&one);
    fq2_cmov(&o->x, &one, inf);
    fq2_cmov(&o->y, &one, inf);
}

static void g2p_mul(g2_proj *out, const g2_proj *p, const uint8_t k[32]) {
    g2_proj table[16], acc, sel;
    zkv_fq2 b3;
    g2_b3(&b3);
    g2p_identity(&table[0]);
    table[1] = *p;
    for (int j = 2; j < 16; j++) g2p_add(&table[j], &table[j - 1], p, &b3);
    g2p_identity(&acc);
    for (int i = 63; i >= 0; i--) {
        for (int d = 0; d < 4; d++) g2p_double(&acc, &acc, &b3);
        unsigned digit = scalar_digit(k, i);
        sel = table[0];
        for (unsigned j = 1; j < 16; j++) g2p_cmov(&sel, &table[j], ct_eq(j, digit));
        g2p_add(&acc, &acc, &sel, &b3);
    }
    *out = acc;
}

void zkv_g2_mul_ct(zkv_g2 *out, const zkv_g2 *p, const uint8_t k[32]) {
    g2_proj pp, r;
    g2p_from_jacobian(&pp, p);
    g2p_mul(&r, &pp, k);
    g2p_to_jacobian(out, &r);
}

void zkv_g2_mul_ct_many(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                        size_t n) {
    for (size_t i = 0; i < n; i++) {
        g2_proj pp, r;
        uint64_t inf = ct_barrier((uint64_t)(fq2_is_zero(&points[i].x) &
                                             fq2_is_zero(&points[i].y)));
        pp.x = points[i].x;
        pp.y = points[i].y;
        fq2_set_one(&pp.z);
        zkv_fq2 one, zero;
        fq2_set_one(&one);
        fq2_set_zero(&zero);
        fq2_cmov(&pp.y, &one, inf);
        fq2_cmov(&pp.z, &zero, inf);
        g2p_mul(&r, &pp, scalars + 32 * i);
        g2p_to_jacobian(out + i, &r);
    }
}
