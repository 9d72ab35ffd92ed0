/*
 * g1.c - BN254 G1: y^2 = x^3 + 3 over Fq, Jacobian coordinates (x = X/Z^2, y = Y/Z^3).
 *
 * Formulas for a = 0 from the Explicit-Formulas Database: dbl-2009-l, add-2007-bl and
 * madd-2007-bl. Those formulas are incomplete (they fail for P == Q and at infinity), so the
 * wrappers below test those cases first. G1 has cofactor 1: on the curve = in the subgroup.
 * Everything here handles public points only (variable time).
 */
#include "field_impl.h"

/* ------------------------------------------------------------ encodings */

static void g1_b(zkv_fq *b) { fq_from_u64(b, 3); }

int zkv_g1_is_on_curve(const zkv_g1_affine *p) {
    if (fq_is_zero(&p->x) && fq_is_zero(&p->y)) return 1; /* the encoding of infinity */
    zkv_fq lhs, rhs, b;
    fq_sqr(&lhs, &p->y);
    fq_sqr(&rhs, &p->x);
    fq_mul(&rhs, &rhs, &p->x);
    g1_b(&b);
    fq_add(&rhs, &rhs, &b);
    return fq_equal(&lhs, &rhs);
}

zkv_error zkv_g1_affine_from_bytes(zkv_g1_affine *out, const uint8_t in[64]) {
    zkv_g1_affine p;
    zkv_error rc = zkv_fq_from_bytes(&p.x, in);
    if (rc != ZKV_OK) return rc;
    rc = zkv_fq_from_bytes(&p.y, in + 32);
    if (rc != ZKV_OK) return rc;
    if (!zkv_g1_is_on_curve(&p)) return ZKV_NOT_ON_CURVE;
    *out = p;
    return ZKV_OK;
}

void zkv_g1_affine_to_bytes(uint8_t out[64], const zkv_g1_affine *p) {
    zkv_fq_to_bytes(out, &p->x);
    zkv_fq_to_bytes(out + 32, &p->y);
}

zkv_error zkv_g1_affine_array_from_bytes(zkv_g1_affine *out, const uint8_t *in, size_t n,
                                         size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        zkv_error rc = zkv_g1_affine_from_bytes(&out[i], in + 64 * i);
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

/* ------------------------------------------------------------ conversions */

static int g1_affine_is_zero(const zkv_g1_affine *p) {
    return fq_is_zero(&p->x) && fq_is_zero(&p->y);
}

static void g1_set_zero(zkv_g1 *p) {
    fq_set_one(&p->x);
    fq_set_one(&p->y);
    fq_set_zero(&p->z);
}

void zkv_g1_from_affine(zkv_g1 *out, const zkv_g1_affine *p) {
    if (g1_affine_is_zero(p)) {
        g1_set_zero(out);
        return;
    }
    out->x = p->x;
    out->y = p->y;
    fq_set_one(&out->z);
}

void zkv_g1_to_affine(zkv_g1_affine *out, const zkv_g1 *p) {
    if (fq_is_zero(&p->z)) {
        fq_set_zero(&out->x);
        fq_set_zero(&out->y);
        return;
    }
    zkv_fq zi, zi2;
    zkv_fq_inv(&zi, &p->z);
    fq_sqr(&zi2, &zi);
    fq_mul(&out->x, &p->x, &zi2);
    fq_mul(&zi2, &zi2, &zi);
    fq_mul(&out->y, &p->y, &zi2);
}

void zkv_g1_batch_to_affine(zkv_g1_affine *out, const zkv_g1 *in, size_t n, zkv_fq *scratch) {
    /* Montgomery's trick over the z's; infinities (z = 0) are passed over with a factor 1. */
    zkv_fq acc;
    fq_set_one(&acc);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        if (!fq_is_zero(&in[i].z)) fq_mul(&acc, &acc, &in[i].z);
    }
    zkv_fq inv;
    zkv_fq_inv(&inv, &acc);
    for (size_t i = n; i-- > 0;) {
        if (fq_is_zero(&in[i].z)) {
            fq_set_zero(&out[i].x);
            fq_set_zero(&out[i].y);
            continue;
        }
        zkv_fq zi, zi2, z = in[i].z;
        fq_mul(&zi, &inv, &scratch[i]);
        fq_mul(&inv, &inv, &z);
        fq_sqr(&zi2, &zi);
        zkv_fq x = in[i].x, y = in[i].y;
        fq_mul(&out[i].x, &x, &zi2);
        fq_mul(&zi2, &zi2, &zi);
        fq_mul(&out[i].y, &y, &zi2);
    }
}

/* ------------------------------------------------------------ group law */

int zkv_g1_is_infinity(const zkv_g1 *a) { return fq_is_zero(&a->z); }

void zkv_g1_neg(zkv_g1 *out, const zkv_g1 *a) {
    out->x = a->x;
    fq_neg(&out->y, &a->y);
    out->z = a->z;
}

/* dbl-2009-l; out may alias a. Doubling infinity keeps z = 0 (Z3 = 2*Y1*Z1). */
void zkv_g1_double(zkv_g1 *out, const zkv_g1 *a) {
    zkv_fq A, B, C, D, E, F, t;
    fq_sqr(&A, &a->x);
    fq_sqr(&B, &a->y);
    fq_sqr(&C, &B);
    fq_add(&t, &a->x, &B);
    fq_sqr(&t, &t);
    fq_sub(&t, &t, &A);
    fq_sub(&t, &t, &C);
    fq_dbl(&D, &t);
    fq_dbl(&E, &A);
    fq_add(&E, &E, &A);
    fq_sqr(&F, &E);
    zkv_fq z3;
    fq_mul(&z3, &a->y, &a->z);
    fq_dbl(&out->z, &z3);
    fq_dbl(&t, &D);
    fq_sub(&out->x, &F, &t);
    fq_sub(&t, &D, &out->x);
    fq_mul(&t, &E, &t);
    fq_dbl(&C, &C);
    fq_dbl(&C, &C);
    fq_dbl(&C, &C);
    fq_sub(&out->y, &t, &C);
}

/* add-2007-bl; out may alias a or b. */
void zkv_g1_add(zkv_g1 *out, const zkv_g1 *a, const zkv_g1 *b) {
    if (fq_is_zero(&a->z)) {
        *out = *b;
        return;
    }
    if (fq_is_zero(&b->z)) {
        *out = *a;
        return;
    }
    zkv_fq z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v, t;
    fq_sqr(&z1z1, &a->z);
    fq_sqr(&z2z2, &b->z);
    fq_mul(&u1, &a->x, &z2z2);
    fq_mul(&u2, &b->x, &z1z1);
    fq_mul(&s1, &a->y, &b->z);
    fq_mul(&s1, &s1, &z2z2);
    fq_mul(&s2, &b->y, &a->z);
    fq_mul(&s2, &s2, &z1z1);
    fq_sub(&h, &u2, &u1);
    fq_sub(&r, &s2, &s1);
    if (fq_is_zero(&h)) {
        if (fq_is_zero(&r)) {
            zkv_g1_double(out, a);
        } else {
            g1_set_zero(out);
        }
        return;
    }
    fq_dbl(&r, &r);
    fq_dbl(&i, &h);
    fq_sqr(&i, &i);
    fq_mul(&j, &h, &i);
    fq_mul(&v, &u1, &i);
    zkv_fq z3;
    fq_add(&z3, &a->z, &b->z);
    fq_sqr(&z3, &z3);
    fq_sub(&z3, &z3, &z1z1);
    fq_sub(&z3, &z3, &z2z2);
    fq_mul(&out->z, &z3, &h);
    fq_sqr(&t, &r);
    fq_sub(&t, &t, &j);
    fq_sub(&t, &t, &v);
    fq_sub(&out->x, &t, &v);
    fq_sub(&t, &v, &out->x);
    fq_mul(&t, &r, &t);
    fq_mul(&s1, &s1, &j);
    fq_dbl(&s1, &s1);
    fq_sub(&out->y, &t, &s1);
}

/* madd-2007-bl (b has z = 1); out may alias a. */
void zkv_g1_add_affine(zkv_g1 *out, const zkv_g1 *a, const zkv_g1_affine *b) {
    if (g1_affine_is_zero(b)) {
        *out = *a;
        return;
    }
    if (fq_is_zero(&a->z)) {
        zkv_g1_from_affine(out, b);
        return;
    }
    zkv_fq z1z1, u2, s2, h, hh, i, j, r, v, t;
    fq_sqr(&z1z1, &a->z);
    fq_mul(&u2, &b->x, &z1z1);
    fq_mul(&s2, &b->y, &a->z);
    fq_mul(&s2, &s2, &z1z1);
    fq_sub(&h, &u2, &a->x);
    fq_sub(&r, &s2, &a->y);
    if (fq_is_zero(&h)) {
        if (fq_is_zero(&r)) {
            zkv_g1_double(out, a);
        } else {
            g1_set_zero(out);
        }
        return;
    }
    fq_dbl(&r, &r);
    fq_sqr(&hh, &h);
    fq_dbl(&i, &hh);
    fq_dbl(&i, &i);
    fq_mul(&j, &h, &i);
    fq_mul(&v, &a->x, &i);
    zkv_fq y1j;
    fq_mul(&y1j, &a->y, &j);
    fq_dbl(&y1j, &y1j);
    fq_add(&t, &a->z, &h);
    fq_sqr(&t, &t);
    fq_sub(&t, &t, &z1z1);
    fq_sub(&out->z, &t, &hh);
    fq_sqr(&t, &r);
    fq_sub(&t, &t, &j);
    fq_sub(&t, &t, &v);
    fq_sub(&out->x, &t, &v);
    fq_sub(&t, &v, &out->x);
    fq_mul(&t, &r, &t);
    fq_sub(&out->y, &t, &y1j);
}

int zkv_g1_equal(const zkv_g1 *a, const zkv_g1 *b) {
    int ia = fq_is_zero(&a->z), ib = fq_is_zero(&b->z);
    if (ia || ib) return ia && ib;
    zkv_fq z1z1, z2z2, l, r;
    fq_sqr(&z1z1, &a->z);
    fq_sqr(&z2z2, &b->z);
    fq_mul(&l, &a->x, &z2z2);
    fq_mul(&r, &b->x, &z1z1);
    if (!fq_equal(&l, &r)) return 0;
    fq_mul(&l, &a->y, &z2z2);
    fq_mul(&l, &l, &b->z);
    fq_mul(&r, &b->y, &z1z1);
    fq_mul(&r, &r, &a->z);
    return fq_equal(&l, &r);
}

/* ------------------------------------------------------------ scalar multiplication */

#define G1_WNAF_W 5

/*
 * Width-w NAF of a 256-bit little-endian k: odd digits in (-2^(w-1), 2^(w-1)), at most one
 * nonzero in any w consecutive positions. Returns the number of digits (<= 257).
 */
static int g1_wnaf(int8_t digits[257], const uint8_t k[32]) {
    uint64_t t[5];
    limbs_from_le_bytes(t, k);
    t[4] = 0;
    int len = 0;
    const int64_t full = 1 << G1_WNAF_W, half = 1 << (G1_WNAF_W - 1);
    while ((t[0] | t[1] | t[2] | t[3] | t[4]) != 0) {
        int64_t d = 0;
        if (t[0] & 1) {
            d = (int64_t)(t[0] & (uint64_t)(full - 1));
            if (d >= half) d -= full;
            /* t -= d (d odd, |d| < 2^(w-1)): makes the low w bits zero */
            if (d > 0) {
                uint64_t borrow = (uint64_t)d;
                for (int q = 0; q < 5 && borrow; q++) {
                    uint64_t old = t[q];
                    t[q] = old - borrow;
                    borrow = old < borrow;
                }
            } else {
                uint64_t carry = (uint64_t)(-d);
                for (int q = 0; q < 5 && carry; q++) {
                    t[q] += carry;
                    carry = t[q] < carry;
                }
            }
        }
        digits[len++] = (int8_t)d;
        for (int q = 0; q < 4; q++) t[q] = (t[q] >> 1) | (t[q + 1] << 63);
        t[4] >>= 1;
    }
    return len;
}

void zkv_g1_mul_vartime(zkv_g1 *out, const zkv_g1 *p, const uint8_t k[32]) {
    int8_t digits[257];
    int len = g1_wnaf(digits, k);
    /* odd multiples P, 3P, ..., (2^(w-1) - 1)P */
    zkv_g1 table[1 << (G1_WNAF_W - 2)], p2;
    table[0] = *p;
    zkv_g1_double(&p2, p);
    for (int i = 1; i < (1 << (G1_WNAF_W - 2)); i++) zkv_g1_add(&table[i], &table[i - 1], &p2);
    zkv_g1 acc;
    g1_set_zero(&acc);
    for (int i = len - 1; i >= 0; i--) {
        zkv_g1_double(&acc, &acc);
        int d = digits[i];
        if (d > 0) {
            zkv_g1_add(&acc, &acc, &table[d >> 1]);
        } else if (d < 0) {
            zkv_g1 neg;
            zkv_g1_neg(&neg, &table[(-d) >> 1]);
            zkv_g1_add(&acc, &acc, &neg);
        }
    }
    *out = acc;
}

/* ------------------------------------------------------------ MSM */

/*
 * GLV endomorphism. phi(x, y) = (beta * x, y) maps G1 to itself and acts as multiplication
 * by lambda: phi(P) = lambda * P, with beta a cube root of unity in Fq and lambda one in Fr
 * (the pair is matched so that phi(G) = lambda * G; the other pair is their squares). A scalar
 * k is split as k = k1 + k2 * lambda (mod r) with |k1|, |k2| < 2^126 by rounding against a
 * short basis (a1, b1), (a2, b2) of the lattice {(x, y) : x + y * lambda = 0 mod r}:
 * c1 = round(k * b2 / r), c2 = round(-k * b1 / r), k1 = k - c1 * a1 - c2 * a2,
 * k2 = -c1 * b1 - c2 * b2. The quotients use g1 = floor(2^320 * b2 / r) and
 * g2 = floor(2^320 * -b1 / r), so c = (k * g + 2^319) >> 320 is within 1/2 + 2^-66 of the
 * exact quotient and |k1|, |k2| <= (1/2 + 2^-66) * (a1 + a2) < 2^126.
 * native/gen_g1_glv.py derives and checks every constant here (canonical values,
 * little-endian limbs).
 */
/* generated by native/gen_g1_glv.py; 128-bit entries as {low, high} */
static const uint64_t G1_GLV_BETA[4] = {0x5763473177fffffeULL, 0xd4f263f1acdb5c4fULL,
                                        0x59e26bcea0d48bacULL, 0x0000000000000000ULL};
static const uint64_t G1_GLV_G1[3] = {0x6eb9c714773a6ef2ULL, 0xd91d232ec7e0b3d7ULL,
                                      0x0000000000000002ULL};
static const uint64_t G1_GLV_G2[4] = {0xa5e38cfb5eaa26d9ULL, 0x7a7bd9d4391eb18dULL,
                                      0x4ccef014a773d2cfULL, 0x0000000000000002ULL};
static const uint64_t G1_GLV_A1[2] = {0x89d3256894d213e3ULL, 0x0000000000000000ULL};
static const uint64_t G1_GLV_A2[2] = {0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL};
static const uint64_t G1_GLV_MINUS_B1[2] = {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL};
static const uint64_t G1_GLV_B2[2] = {0x89d3256894d213e3ULL, 0x0000000000000000ULL};

static inline zkv_u128 g1_u128(const uint64_t v[2]) { return ((zkv_u128)v[1] << 64) | v[0]; }

/* (k * g + 2^319) >> 320 for k < r (4 limbs) and g of gl <= 4 limbs; the result fits 128
 * bits */
static zkv_u128 g1_glv_round(const uint64_t k[4], const uint64_t *g, int gl) {
    uint64_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < gl; j++) {
            zkv_u128 s = (zkv_u128)k[i] * g[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t[i + gl] = carry;
    }
    /* + 2^319 */
    zkv_u128 s = (zkv_u128)t[4] + 0x8000000000000000ULL;
    uint64_t carry = (uint64_t)(s >> 64);
    for (int q = 5; q < 8 && carry; q++) {
        t[q] += carry;
        carry = t[q] == 0;
    }
    return ((zkv_u128)t[6] << 64) | t[5];
}

/* k (32 bytes LE, any value < 2^256) -> magnitudes m1, m2 < 2^126 and signs (1 = negative)
 * with k = (-1)^s1 m1 + (-1)^s2 m2 * lambda (mod r). */
static void g1_glv_split(zkv_u128 *m1, int *s1, zkv_u128 *m2, int *s2, const uint8_t k[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, k);
    while (!limbs_less_than(t, FR_MOD)) { /* at most 5 times: 2^256 < 6r */
        uint64_t borrow = 0;
        for (int q = 0; q < 4; q++) {
            zkv_u128 s = (zkv_u128)t[q] - FR_MOD[q] - borrow;
            t[q] = (uint64_t)s;
            borrow = (uint64_t)(s >> 64) & 1;
        }
    }
    zkv_u128 c1 = g1_glv_round(t, G1_GLV_G1, 3), c2 = g1_glv_round(t, G1_GLV_G2, 4);
    /* both halves are below 2^126 in absolute value, so arithmetic mod 2^128 is exact */
    zkv_u128 k1 = g1_u128(t) - c1 * g1_u128(G1_GLV_A1) - c2 * g1_u128(G1_GLV_A2);
    zkv_u128 k2 = c1 * g1_u128(G1_GLV_MINUS_B1) - c2 * g1_u128(G1_GLV_B2);
    *s1 = (int)(k1 >> 127);
    *s2 = (int)(k2 >> 127);
    *m1 = *s1 ? (zkv_u128)0 - k1 : k1;
    *m2 = *s2 ? (zkv_u128)0 - k2 : k2;
}

static void g1_glv_beta(zkv_fq *beta) {
    mont_mul(beta->l, G1_GLV_BETA, FQ_R2, FQ_MOD, FQ_INV);
}

static void g1_neg_affine(zkv_g1_affine *o, const zkv_g1_affine *b) {
    o->x = b->x;
    fq_neg(&o->y, &b->y);
}

/* The generic Jacobian-bucket Pippenger: used for small n (on the 2n GLV halves), where a
 * shared inversion would not pay for itself. */
#define MSM_FN g1_msm_jacobian
#define MSM_SCRATCH_FN g1_msm_jacobian_scratch_sizeof
#define MSM_STORAGE static
#define MSM_POINT zkv_g1
#define MSM_AFFINE zkv_g1_affine
#define MSM_SET_ZERO(p) g1_set_zero(p)
#define MSM_ADD(o, a, b) zkv_g1_add(o, a, b)
#define MSM_ADD_AFFINE(o, a, b) zkv_g1_add_affine(o, a, b)
#define MSM_NEG_AFFINE(o, b) g1_neg_affine(o, b)
#define MSM_DOUBLE(o, a) zkv_g1_double(o, a)
#define MSM_AFFINE_IS_ZERO(b) g1_affine_is_zero(b)
#include "msm_impl.h"

/* Small n: materialise the 2n signed halves (+-P, +-phi(P)) with their 128-bit magnitudes and
 * hand them to the template, which then needs only half the windows.
 * Scratch: [2n affine points][2n 32-byte scalars][template scratch for 2n]. */
static size_t g1_glv_jacobian_scratch_sizeof(size_t n) {
    return msm_align(2 * n * sizeof(zkv_g1_affine)) + msm_align(64 * n) +
           g1_msm_jacobian_scratch_sizeof(2 * n);
}

static void g1_msm_glv_jacobian(zkv_g1 *out, const zkv_g1_affine *points,
                                const uint8_t *scalars, size_t n, void *scratch) {
    uint8_t *mem = (uint8_t *)scratch;
    zkv_g1_affine *v = (zkv_g1_affine *)mem;
    mem += msm_align(2 * n * sizeof(zkv_g1_affine));
    uint8_t *ks = mem;
    mem += msm_align(64 * n);
    zkv_fq beta;
    g1_glv_beta(&beta);
    memset(ks, 0, 64 * n);
    for (size_t i = 0; i < n; i++) {
        zkv_u128 m1, m2;
        int s1, s2;
        g1_glv_split(&m1, &s1, &m2, &s2, scalars + 32 * i);
        v[2 * i] = points[i];
        v[2 * i + 1] = points[i];
        if (g1_affine_is_zero(&points[i])) continue; /* the template skips identities */
        fq_mul(&v[2 * i + 1].x, &points[i].x, &beta);
        if (s1) fq_neg(&v[2 * i].y, &v[2 * i].y);
        if (s2) fq_neg(&v[2 * i + 1].y, &v[2 * i + 1].y);
        for (int b = 0; b < 16; b++) {
            ks[64 * i + b] = (uint8_t)(m1 >> (8 * b));
            ks[64 * i + 32 + b] = (uint8_t)(m2 >> (8 * b));
        }
    }
    g1_msm_jacobian(out, v, ks, 2 * n, mem);
}

/*
 * Batch-affine Pippenger for large n, on the 2n GLV halves with 126-bit scalars. Buckets are
 * kept in affine coordinates and additions into them are collected in batches with one shared
 * inversion per batch (Montgomery's trick): an affine addition then costs about 6
 * multiplications instead of the 11 of a mixed Jacobian addition. A batch may touch each
 * bucket only once (the addition reads the bucket's current value); a point whose bucket is
 * already in the batch waits in a queue for the next batch, and only when the queue is full
 * (many points for one bucket), or is left with a few stragglers at the end of a window, goes
 * into a second, Jacobian, bucket of the same index. Windows whose digits use fewer than
 * G1_MIN_BUCKETS buckets go to the Jacobian buckets directly.
 *
 * The signed digits of all windows are computed once up front (uint16 codes |d| << 1 | sign,
 * 0 for "skip"); the halves' signs are folded into the digit signs, so the points are read
 * as given (and phi(P) as beta * x with P's y). Each window's buckets are then summed with
 * affine additions too (g1_reduce_affine), unless many Jacobian buckets were needed.
 */
#ifndef G1_BATCH
#define G1_BATCH 2048 /* the most additions sharing one inversion */
#endif
#ifndef G1_BATCH_MIN_N
#define G1_BATCH_MIN_N 512 /* below this the Jacobian variant is as fast */
#endif
#ifndef G1_QUEUE
#define G1_QUEUE 1024 /* conflicting additions waiting for the next batch */
#endif
/* a drained queue must fit in the batch arrays */
_Static_assert(G1_QUEUE < G1_BATCH, "G1_QUEUE must be below G1_BATCH");
#define G1_MAX_WINDOWS 26 /* ceil(126 / c) for any window of 5 bits or more */
#define G1_MIN_BUCKETS 128 /* windows with fewer buckets in use skip the batching */

typedef struct {
    zkv_g1_affine *d;
    uint8_t *dused;
    const zkv_g1_affine *p;
} g1_aop;

typedef struct {
    uint32_t e; /* virtual point j << 1 | negate */
    uint32_t b; /* bucket */
} g1_op;

typedef struct {
    const zkv_g1_affine *pts;
    const zkv_fq *phix;
    const zkv_g1_affine *vpts; /* if set, virtual point j is vpts[j] (a precomputed table) */
    zkv_g1_affine *bucket; /* affine buckets, valid where used[b] */
    uint8_t *used;
    uint32_t *stamp;  /* batch id that last touched the bucket */
    zkv_g1 *overflow; /* Jacobian buckets, valid where ovf[b] */
    uint8_t *ovf;
    g1_op *batch, *queue;
    zkv_g1_affine *bpt; /* the batch's points, fetched (and negated) once */
    zkv_fq *den, *pre;
    uint8_t *kind;
    size_t len, cap, qlen;
    uint32_t id;
    size_t n_ovf; /* Jacobian buckets in use */
    /* the segmented reduction: per segment a running sum and a weighted total */
    zkv_g1_affine *seg_r, *seg_t;
    uint8_t *seg_rused, *seg_tused;
    g1_aop *seg_ops;
} g1_batch_state;

enum { G1_OP_ADD = 0, G1_OP_DBL = 1, G1_OP_CANCEL = 2 };

static unsigned g1_ba_window(size_t n) {
#ifdef G1_BA_WINDOW_FORCE
    (void)n;
    return G1_BA_WINDOW_FORCE;
#endif
    /* n points give 2n halves. Measured (callgrind, random points and scalars): the best
     * window is 9 at n = 2^9, 10 at 2^10..2^11, 11 at 2^12, and 14 from 2^15 on (nine windows
     * of 126 bits; 12 and 13 still need ten, 15 nine, and 16 doubles the buckets). From 2^13
     * to 2^15, 13 with batches of a quarter of the buckets (g1_ba_cap) beats 14 by 7-10%
     * (process time, interleaved runs): ten bucket reductions of 4096 instead of nine of
     * 8192, which pays while the points are few against the buckets. */
    if (n < ((size_t)1 << 10)) return 9;
    if (n < ((size_t)1 << 12)) return 10;
    if (n < ((size_t)1 << 13)) return 11;
    if (n < ((size_t)1 << 15)) return 13;
    return 14;
}

/* Additions per batch for nbw buckets: the larger the batch against the buckets, the more
 * points wait in the queue for a bucket already in the batch; from 4096 buckets on a quarter
 * of them keeps that cheap (measured with window 13) while the shared inversion is spread
 * over 1024 additions or more. */
static size_t g1_ba_cap(size_t nbw) {
    size_t cap = nbw >= 4096 ? nbw / 4 : nbw / 2;
    return cap < G1_BATCH ? cap : G1_BATCH;
}

static inline void g1_vpoint(zkv_g1_affine *o, const g1_batch_state *s, uint32_t e) {
    size_t j = e >> 1, i = j >> 1;
    if (s->vpts) {
        o->x = s->vpts[j].x;
        if (e & 1) {
            fq_neg(&o->y, &s->vpts[j].y);
        } else {
            o->y = s->vpts[j].y;
        }
        return;
    }
    o->x = (j & 1) ? s->phix[i] : s->pts[i].x;
    if (e & 1) {
        fq_neg(&o->y, &s->pts[i].y);
    } else {
        o->y = s->pts[i].y;
    }
}

/* The second half of an affine addition b += p once 1/den is known (den = p.x - b.x for an
 * addition, 2 * b.y for a doubling). Products that only feed other products stay lazily
 * reduced (fq_mul_lazy): dinv may be in [0, 2q). */
static inline void g1_affine_finish(zkv_g1_affine *b, const zkv_g1_affine *p,
                                    const zkv_fq *dinv, int kind) {
    zkv_fq lambda, t, x3;
    if (kind == G1_OP_ADD) {
        fq_sub(&t, &p->y, &b->y);
        fq_mul_lazy(&lambda, &t, dinv);
        fq_sqr(&x3, &lambda);
        fq_sub(&x3, &x3, &b->x);
        fq_sub(&x3, &x3, &p->x);
    } else {
        fq_sqr(&t, &b->x);
        fq_add(&lambda, &t, &t);
        fq_add(&lambda, &lambda, &t);
        fq_mul_lazy(&lambda, &lambda, dinv);
        fq_sqr(&x3, &lambda);
        fq_sub(&x3, &x3, &b->x);
        fq_sub(&x3, &x3, &b->x);
    }
    fq_sub(&t, &b->x, &x3);
    fq_mul(&t, &lambda, &t);
    fq_sub(&b->y, &t, &b->y);
    b->x = x3;
}

/* The kind of b + p for affine b, p (neither the identity), and its denominator. */
static inline int g1_affine_kind(zkv_fq *den, const zkv_g1_affine *b, const zkv_g1_affine *p) {
    if (!fq_equal(&b->x, &p->x)) {
        fq_sub(den, &p->x, &b->x);
        return G1_OP_ADD;
    }
    if (fq_equal(&b->y, &p->y)) {
        fq_dbl(den, &p->y); /* y != 0: G1 has no point of order 2 */
        return G1_OP_DBL;
    }
    return G1_OP_CANCEL; /* p = -b: the sum is the identity */
}

/* d[k] += p[k] for k < m (affine, d[k] present and pairwise distinct) with one inversion;
 * a sum that is the identity clears *dused[k]. */
static void g1_affine_batch(const g1_aop *ops, size_t m, zkv_fq *den, zkv_fq *pre,
                            uint8_t *kind) {
    if (m == 0) return;
    zkv_fq acc;
    fq_set_one(&acc);
    for (size_t k = 0; k < m; k++) {
        kind[k] = (uint8_t)g1_affine_kind(&den[k], ops[k].d, ops[k].p);
        if (kind[k] == G1_OP_CANCEL) {
            *ops[k].dused = 0;
            continue;
        }
        pre[k] = acc;
        fq_mul_lazy(&acc, &acc, &den[k]);
    }
    zkv_fq inv, dinv;
    fq_lazy_reduce(&acc, &acc);
    zkv_fq_inv(&inv, &acc);
    for (size_t k = m; k-- > 0;) {
        if (kind[k] == G1_OP_CANCEL) continue;
        fq_mul_lazy(&dinv, &inv, &pre[k]);
        fq_mul_lazy(&inv, &inv, &den[k]);
        g1_affine_finish(ops[k].d, ops[k].p, &dinv, kind[k]);
    }
}

static void g1_batch_flush(g1_batch_state *s) {
    size_t m = s->len;
    if (m == 0) return;
    zkv_fq acc;
    fq_set_one(&acc);
    for (size_t k = 0; k < m; k++) {
        s->kind[k] =
            (uint8_t)g1_affine_kind(&s->den[k], &s->bucket[s->batch[k].b], &s->bpt[k]);
        if (s->kind[k] == G1_OP_CANCEL) {
            s->used[s->batch[k].b] = 0;
            continue;
        }
        s->pre[k] = acc;
        fq_mul_lazy(&acc, &acc, &s->den[k]);
    }
    zkv_fq inv, dinv;
    fq_lazy_reduce(&acc, &acc);
    zkv_fq_inv(&inv, &acc); /* denominators are nonzero by construction */
    for (size_t k = m; k-- > 0;) {
        if (s->kind[k] == G1_OP_CANCEL) continue;
        fq_mul_lazy(&dinv, &inv, &s->pre[k]);
        fq_mul_lazy(&inv, &inv, &s->den[k]);
        g1_affine_finish(&s->bucket[s->batch[k].b], &s->bpt[k], &dinv, s->kind[k]);
    }
    s->len = 0;
    s->id++;
}

/* Jacobian fallback: overflow[b] += the virtual point e */
static void g1_overflow_add(g1_batch_state *s, uint32_t e, uint32_t b) {
    zkv_g1_affine p;
    g1_vpoint(&p, s, e);
    if (!s->ovf[b]) {
        zkv_g1_from_affine(&s->overflow[b], &p);
        s->ovf[b] = 1;
        s->n_ovf++;
    } else {
        zkv_g1_add_affine(&s->overflow[b], &s->overflow[b], &p);
    }
}

/* bucket[b] += the virtual point e, now or in the next batch; returns 0 if it had to wait */
static inline int g1_batch_try(g1_batch_state *s, uint32_t e, uint32_t b) {
    if (!s->used[b]) {
        g1_vpoint(&s->bucket[b], s, e);
        s->used[b] = 1;
        return 1;
    }
    if (s->stamp[b] == s->id) return 0;
    s->stamp[b] = s->id;
    s->batch[s->len].e = e;
    s->batch[s->len].b = b;
    g1_vpoint(&s->bpt[s->len], s, e);
    s->len++;
#if defined(__GNUC__)
    __builtin_prefetch(&s->bucket[b], 1);
#endif
    return 1;
}

/* Move the waiting additions into the (just flushed, empty) batch; those whose bucket is
 * taken again stay queued. Returns how many moved. */
static size_t g1_queue_drain(g1_batch_state *s) {
    size_t kept = 0, moved = 0;
    for (size_t q = 0; q < s->qlen; q++) {
        g1_op op = s->queue[q];
        if (g1_batch_try(s, op.e, op.b)) {
            moved++;
        } else {
            s->queue[kept++] = op;
        }
    }
    s->qlen = kept;
    return moved;
}

static void g1_batch_push(g1_batch_state *s, uint32_t e, uint32_t b) {
    if (!g1_batch_try(s, e, b)) {
        if (s->qlen < G1_QUEUE) {
            s->queue[s->qlen].e = e;
            s->queue[s->qlen].b = b;
            s->qlen++;
        } else {
            g1_overflow_add(s, e, b);
        }
        return;
    }
    if (s->len >= s->cap) {
        g1_batch_flush(s);
        g1_queue_drain(s);
    }
}

/*
 * sum_b (b + 1) * bucket[b] over the nbw affine buckets, with affine additions sharing
 * inversions. The running-sum reduction is sequential in b, so the buckets are cut into
 * segments of G1_SEG that run side by side: segment s keeps R_s = sum of its buckets and
 * T_s = sum (b - s * G1_SEG + 1) * bucket[b]; each step is two batches (R_s += bucket, then
 * T_s += R_s) over all segments. Then the sum is sum_s T_s + G1_SEG * sum_s s * R_s, in
 * Jacobian coordinates (a running sum over the segments).
 */
#define G1_SEG 16

static void g1_reduce_affine(zkv_g1 *out, g1_batch_state *s, size_t nbw) {
    size_t nseg = (nbw + G1_SEG - 1) / G1_SEG;
    memset(s->seg_rused, 0, nseg);
    memset(s->seg_tused, 0, nseg);
    for (size_t j = G1_SEG; j-- > 0;) {
        size_t m = 0;
        for (size_t g = 0; g < nseg; g++) {
            size_t b = g * G1_SEG + j;
            if (b >= nbw || !s->used[b]) continue;
            if (!s->seg_rused[g]) {
                s->seg_r[g] = s->bucket[b];
                s->seg_rused[g] = 1;
                continue;
            }
            s->seg_ops[m].d = &s->seg_r[g];
            s->seg_ops[m].dused = &s->seg_rused[g];
            s->seg_ops[m].p = &s->bucket[b];
            m++;
        }
        g1_affine_batch(s->seg_ops, m, s->den, s->pre, s->kind);
        m = 0;
        for (size_t g = 0; g < nseg; g++) {
            if (!s->seg_rused[g]) continue;
            if (!s->seg_tused[g]) {
                s->seg_t[g] = s->seg_r[g];
                s->seg_tused[g] = 1;
                continue;
            }
            s->seg_ops[m].d = &s->seg_t[g];
            s->seg_ops[m].dused = &s->seg_tused[g];
            s->seg_ops[m].p = &s->seg_r[g];
            m++;
        }
        g1_affine_batch(s->seg_ops, m, s->den, s->pre, s->kind);
    }
    zkv_g1 running, weighted, total;
    g1_set_zero(&running);
    g1_set_zero(&weighted);
    g1_set_zero(&total);
    for (size_t g = nseg; g-- > 1;) {
        if (s->seg_rused[g]) zkv_g1_add_affine(&running, &running, &s->seg_r[g]);
        zkv_g1_add(&weighted, &weighted, &running);
    }
    for (int k = 1; k < G1_SEG; k <<= 1) zkv_g1_double(&weighted, &weighted);
    for (size_t g = 0; g < nseg; g++)
        if (s->seg_tused[g]) zkv_g1_add_affine(&total, &total, &s->seg_t[g]);
    zkv_g1_add(out, &total, &weighted);
}

/* Windows for 126-bit magnitudes: all but the top one carry signed digits in
 * [-2^(c-1), 2^(c-1)]; the top one takes what is left plus the carry, unsigned. */
static unsigned g1_ba_windows(unsigned c) { return (126 + c - 1) / c; }

/* Buckets: 2^(c-1) for the signed windows, and the top window's largest digit. */
static size_t g1_ba_buckets(unsigned c) {
    size_t top = (size_t)1 << (126 - c * (g1_ba_windows(c) - 1));
    size_t nb = (size_t)1 << (c - 1);
    return top > nb ? top : nb;
}

static size_t g1_ba_segs(size_t nb) { return (nb + G1_SEG - 1) / G1_SEG; }

/* entries of the batch-inversion arrays: a bucket batch or one segment step */
static size_t g1_ba_ops(size_t nb) {
    return g1_ba_segs(nb) > G1_BATCH ? g1_ba_segs(nb) : G1_BATCH;
}

static size_t g1_ba_scratch_sizeof(size_t n) {
    unsigned c = g1_ba_window(n);
    size_t nb = g1_ba_buckets(c);
    return msm_align(n * sizeof(zkv_fq)) + msm_align(g1_ba_windows(c) * 2 * n * 2) +
           msm_align(nb * sizeof(zkv_g1_affine)) + 2 * msm_align(nb) + msm_align(nb * 4) +
           msm_align(nb * sizeof(zkv_g1)) + msm_align((G1_BATCH + G1_QUEUE) * sizeof(g1_op)) +
           msm_align(G1_BATCH * sizeof(zkv_g1_affine)) +
           2 * msm_align(g1_ba_ops(nb) * sizeof(zkv_fq)) + msm_align(g1_ba_ops(nb)) +
           2 * msm_align(g1_ba_segs(nb) * sizeof(zkv_g1_affine)) +
           2 * msm_align(g1_ba_segs(nb)) + msm_align(g1_ba_segs(nb) * sizeof(g1_aop));
}

/* The end of a window (or of a table MSM's single bucket set): flush, run the queue through
 * batches while they still share an inversion widely (the stragglers go to the Jacobian
 * buckets), then out = sum_b (b + 1) * bucket[b] over the nbw buckets. */
static void g1_ba_finish(zkv_g1 *out, g1_batch_state *s, size_t nbw) {
    g1_batch_flush(s);
    while (s->qlen > 0) {
        if (s->qlen < 32 || g1_queue_drain(s) < 32) {
            g1_batch_flush(s);
            for (size_t q = 0; q < s->qlen; q++)
                g1_overflow_add(s, s->queue[q].e, s->queue[q].b);
            s->qlen = 0;
            break;
        }
        g1_batch_flush(s);
    }
    if (nbw >= G1_MIN_BUCKETS && s->n_ovf <= nbw / 64) {
        /* the few Jacobian buckets (stragglers of the queue) are weighted one by one */
        g1_reduce_affine(out, s, nbw);
        for (size_t b = 0; s->n_ovf > 0 && b < nbw; b++) {
            if (!s->ovf[b]) continue;
            uint8_t k[32] = {0};
            k[0] = (uint8_t)(b + 1);
            k[1] = (uint8_t)((b + 1) >> 8);
            k[2] = (uint8_t)((b + 1) >> 16);
            zkv_g1 t;
            zkv_g1_mul_vartime(&t, &s->overflow[b], k);
            zkv_g1_add(out, out, &t);
            s->n_ovf--;
        }
        return;
    }
    /* many points went to the Jacobian buckets: one Jacobian running sum over both */
    zkv_g1 running, total;
    g1_set_zero(&running);
    g1_set_zero(&total);
    for (size_t b = nbw; b-- > 0;) {
        if (s->used[b]) zkv_g1_add_affine(&running, &running, &s->bucket[b]);
        if (s->ovf[b]) zkv_g1_add(&running, &running, &s->overflow[b]);
        zkv_g1_add(&total, &total, &running);
    }
    *out = total;
}

static void g1_msm_batch_affine(zkv_g1 *out, const zkv_g1_affine *points,
                                const uint8_t *scalars, size_t n, void *scratch) {
    unsigned c = g1_ba_window(n);
    size_t nb = g1_ba_buckets(c), nv = 2 * n;
    unsigned nwmax = g1_ba_windows(c);
    uint8_t *mem = (uint8_t *)scratch;
    g1_batch_state s;
    zkv_fq *phix = (zkv_fq *)mem;
    mem += msm_align(n * sizeof(zkv_fq));
    uint16_t *digits = (uint16_t *)mem; /* digits[w * nv + j] */
    mem += msm_align(nwmax * nv * 2);
    s.bucket = (zkv_g1_affine *)mem;
    mem += msm_align(nb * sizeof(zkv_g1_affine));
    s.used = mem;
    mem += msm_align(nb);
    s.ovf = mem;
    mem += msm_align(nb);
    s.stamp = (uint32_t *)mem;
    mem += msm_align(nb * 4);
    s.overflow = (zkv_g1 *)mem;
    mem += msm_align(nb * sizeof(zkv_g1));
    s.batch = (g1_op *)mem;
    s.queue = s.batch + G1_BATCH;
    mem += msm_align((G1_BATCH + G1_QUEUE) * sizeof(g1_op));
    s.bpt = (zkv_g1_affine *)mem;
    mem += msm_align(G1_BATCH * sizeof(zkv_g1_affine));
    s.den = (zkv_fq *)mem;
    mem += msm_align(g1_ba_ops(nb) * sizeof(zkv_fq));
    s.pre = (zkv_fq *)mem;
    mem += msm_align(g1_ba_ops(nb) * sizeof(zkv_fq));
    s.kind = mem;
    mem += msm_align(g1_ba_ops(nb));
    s.seg_r = (zkv_g1_affine *)mem;
    mem += msm_align(g1_ba_segs(nb) * sizeof(zkv_g1_affine));
    s.seg_t = (zkv_g1_affine *)mem;
    mem += msm_align(g1_ba_segs(nb) * sizeof(zkv_g1_affine));
    s.seg_rused = mem;
    mem += msm_align(g1_ba_segs(nb));
    s.seg_tused = mem;
    mem += msm_align(g1_ba_segs(nb));
    s.seg_ops = (g1_aop *)mem;
    s.pts = points;
    s.phix = phix;
    s.vpts = NULL;

    /* split the scalars, record the digits of both halves, and phi's x-coordinates */
    zkv_fq beta;
    g1_glv_beta(&beta);
    const uint32_t half = 1u << (c - 1), mask = (1u << c) - 1;
    uint32_t maxd[G1_MAX_WINDOWS] = {0}; /* largest |digit| per window */
    for (size_t i = 0; i < n; i++) {
        zkv_u128 m[2];
        int sg[2];
        g1_glv_split(&m[0], &sg[0], &m[1], &sg[1], scalars + 32 * i);
        if (g1_affine_is_zero(&points[i])) m[0] = m[1] = 0;
        fq_mul(&phix[i], &points[i].x, &beta);
        for (int h = 0; h < 2; h++) {
            zkv_u128 v = m[h];
            uint32_t carry = 0;
            for (unsigned w = 0; w < nwmax; w++) {
                uint32_t d = (uint32_t)(v & mask) + carry;
                v >>= c;
                uint16_t code = 0;
                if (d > half && w + 1 < nwmax) {
                    carry = 1;
                    d = (1u << c) - d;
                    code = (uint16_t)(d << 1 | (uint32_t)(sg[h] ^ 1));
                } else {
                    carry = 0;
                    code = (uint16_t)(d << 1 | (uint32_t)sg[h]);
                }
                digits[(size_t)w * nv + 2 * i + h] = d ? code : 0;
                if (d > maxd[w]) maxd[w] = d;
            }
        }
    }
    unsigned nw = nwmax;
    while (nw > 0 && maxd[nw - 1] == 0) nw--;

    zkv_g1 wsum[G1_MAX_WINDOWS];
    for (unsigned w = 0; w < nw; w++) {
        /* the top window (and any window of small digits) uses only the low buckets: the
         * batch must stay small against them, and with very few only the Jacobian buckets
         * make sense */
        size_t nbw = maxd[w];
        memset(s.used, 0, nbw);
        memset(s.ovf, 0, nbw);
        memset(s.stamp, 0xff, nbw * 4);
        s.len = 0;
        s.qlen = 0;
        s.id = 0;
        s.n_ovf = 0;
        s.cap = g1_ba_cap(nbw);
        const uint16_t *dw = digits + (size_t)w * nv;
        if (nbw < G1_MIN_BUCKETS) {
            for (size_t j = 0; j < nv; j++)
                if (dw[j]) g1_overflow_add(&s, (uint32_t)(j << 1) | (dw[j] & 1), (dw[j] >> 1) - 1);
        } else {
            for (size_t j = 0; j < nv; j++) {
                uint32_t code = dw[j];
                if (code == 0) continue;
                g1_batch_push(&s, (uint32_t)(j << 1) | (code & 1), (code >> 1) - 1);
            }
        }
        g1_ba_finish(&wsum[w], &s, nbw);
    }
    zkv_g1 acc;
    g1_set_zero(&acc);
    for (unsigned w = nw; w-- > 0;) {
        for (unsigned k = 0; k < c; k++) zkv_g1_double(&acc, &acc);
        zkv_g1_add(&acc, &acc, &wsum[w]);
    }
    *out = acc;
}

/* ------------------------------------------------------------ fixed-base table MSM */
/*
 * For bases that never change (a proving key), a table of T[w][i][h] = 2^(14 w) phi^h(P_i)
 * (w < 9, h < 2) lets every window of the batch-affine Pippenger above share ONE bucket set:
 * digit d of window w of half h of k_i adds T[w][i][h] to bucket |d|. The bucket additions
 * are the same in number; what goes is the per-window bucket reduction (two additions per
 * bucket, for each of the nine windows) and the doublings between windows. The table costs
 * 112 doublings per point once, and 18 affine points (1152 bytes) per point.
 */
#define G1_TAB_C 14
#define G1_TAB_WINDOWS 9 /* ceil(126 / 14) */

static size_t g1_tab_state_sizeof(size_t nb) {
    return msm_align(nb * sizeof(zkv_g1_affine)) + 2 * msm_align(nb) + msm_align(nb * 4) +
           msm_align(nb * sizeof(zkv_g1)) + msm_align((G1_BATCH + G1_QUEUE) * sizeof(g1_op)) +
           msm_align(G1_BATCH * sizeof(zkv_g1_affine)) +
           2 * msm_align(g1_ba_ops(nb) * sizeof(zkv_fq)) + msm_align(g1_ba_ops(nb)) +
           2 * msm_align(g1_ba_segs(nb) * sizeof(zkv_g1_affine)) +
           2 * msm_align(g1_ba_segs(nb)) + msm_align(g1_ba_segs(nb) * sizeof(g1_aop));
}

static void g1_tab_state_layout(g1_batch_state *s, uint8_t *mem, size_t nb) {
    s->bucket = (zkv_g1_affine *)mem;
    mem += msm_align(nb * sizeof(zkv_g1_affine));
    s->used = mem;
    mem += msm_align(nb);
    s->ovf = mem;
    mem += msm_align(nb);
    s->stamp = (uint32_t *)mem;
    mem += msm_align(nb * 4);
    s->overflow = (zkv_g1 *)mem;
    mem += msm_align(nb * sizeof(zkv_g1));
    s->batch = (g1_op *)mem;
    s->queue = s->batch + G1_BATCH;
    mem += msm_align((G1_BATCH + G1_QUEUE) * sizeof(g1_op));
    s->bpt = (zkv_g1_affine *)mem;
    mem += msm_align(G1_BATCH * sizeof(zkv_g1_affine));
    s->den = (zkv_fq *)mem;
    mem += msm_align(g1_ba_ops(nb) * sizeof(zkv_fq));
    s->pre = (zkv_fq *)mem;
    mem += msm_align(g1_ba_ops(nb) * sizeof(zkv_fq));
    s->kind = mem;
    mem += msm_align(g1_ba_ops(nb));
    s->seg_r = (zkv_g1_affine *)mem;
    mem += msm_align(g1_ba_segs(nb) * sizeof(zkv_g1_affine));
    s->seg_t = (zkv_g1_affine *)mem;
    mem += msm_align(g1_ba_segs(nb) * sizeof(zkv_g1_affine));
    s->seg_rused = mem;
    mem += msm_align(g1_ba_segs(nb));
    s->seg_tused = mem;
    mem += msm_align(g1_ba_segs(nb));
    s->seg_ops = (g1_aop *)mem;
}

size_t zkv_g1_msm_table_entries(size_t n) { return (size_t)G1_TAB_WINDOWS * 2 * n; }

size_t zkv_g1_msm_table_build_scratch_sizeof(size_t n) {
    return msm_align(n * sizeof(zkv_g1)) + msm_align(n * sizeof(zkv_fq)) +
           msm_align(n * sizeof(zkv_g1_affine));
}

void zkv_g1_msm_table_build(zkv_g1_affine *table, const zkv_g1_affine *points, size_t n,
                            void *scratch) {
    uint8_t *mem = (uint8_t *)scratch;
    zkv_g1 *jac = (zkv_g1 *)mem;
    mem += msm_align(n * sizeof(zkv_g1));
    zkv_fq *fqs = (zkv_fq *)mem;
    mem += msm_align(n * sizeof(zkv_fq));
    zkv_g1_affine *aff = (zkv_g1_affine *)mem;
    zkv_fq beta;
    g1_glv_beta(&beta);
    for (size_t i = 0; i < n; i++) zkv_g1_from_affine(&jac[i], &points[i]);
    for (unsigned w = 0; w < G1_TAB_WINDOWS; w++) {
        if (w == 0) {
            memcpy(aff, points, n * sizeof(zkv_g1_affine));
        } else {
            for (size_t i = 0; i < n; i++)
                for (unsigned k = 0; k < G1_TAB_C; k++) zkv_g1_double(&jac[i], &jac[i]);
            zkv_g1_batch_to_affine(aff, jac, n, fqs);
        }
        zkv_g1_affine *row = table + (size_t)w * 2 * n;
        for (size_t i = 0; i < n; i++) {
            row[2 * i] = aff[i];
            row[2 * i + 1] = aff[i];
            if (!g1_affine_is_zero(&aff[i])) fq_mul(&row[2 * i + 1].x, &aff[i].x, &beta);
        }
    }
}

size_t zkv_g1_msm_table_scratch_sizeof(size_t n) {
    (void)n;
    return g1_tab_state_sizeof(g1_ba_buckets(G1_TAB_C));
}

void zkv_g1_msm_table_vartime(zkv_g1 *out, const zkv_g1_affine *table, size_t n,
                              const uint8_t *scalars, void *scratch) {
    const unsigned c = G1_TAB_C, nw = G1_TAB_WINDOWS;
    size_t nb = g1_ba_buckets(c);
    g1_batch_state s;
    g1_tab_state_layout(&s, (uint8_t *)scratch, nb);
    s.pts = NULL;
    s.phix = NULL;
    s.vpts = table;
    memset(s.used, 0, nb);
    memset(s.ovf, 0, nb);
    memset(s.stamp, 0xff, nb * 4);
    s.len = 0;
    s.qlen = 0;
    s.id = 0;
    s.n_ovf = 0;
    s.cap = g1_ba_cap(nb);
    const uint32_t half = 1u << (c - 1), mask = (1u << c) - 1;
    uint32_t maxd = 0;
    for (size_t i = 0; i < n; i++) {
        if (g1_affine_is_zero(&table[2 * i])) continue;
        zkv_u128 m[2];
        int sg[2];
        g1_glv_split(&m[0], &sg[0], &m[1], &sg[1], scalars + 32 * i);
        for (int h = 0; h < 2; h++) {
            zkv_u128 v = m[h];
            uint32_t carry = 0;
            for (unsigned w = 0; w < nw && (v != 0 || carry); w++) {
                uint32_t d = (uint32_t)(v & mask) + carry, neg = (uint32_t)sg[h];
                v >>= c;
                carry = 0;
                if (d > half && w + 1 < nw) {
                    carry = 1;
                    d = (1u << c) - d;
                    neg ^= 1;
                }
                if (d == 0) continue;
                if (d > maxd) maxd = d;
                uint32_t j = (uint32_t)(((size_t)w * n + i) * 2 + (size_t)h);
                g1_batch_push(&s, j << 1 | neg, d - 1);
            }
        }
    }
    if (maxd == 0) {
        g1_set_zero(out);
        return;
    }
    g1_ba_finish(out, &s, maxd);
}

size_t zkv_g1_msm_scratch_sizeof(size_t n) {
    return n < G1_BATCH_MIN_N ? g1_glv_jacobian_scratch_sizeof(n) : g1_ba_scratch_sizeof(n);
}

void zkv_g1_msm_vartime(zkv_g1 *out, const zkv_g1_affine *points, const uint8_t *scalars,
                        size_t n, void *scratch) {
    if (n < G1_BATCH_MIN_N) {
        g1_msm_glv_jacobian(out, points, scalars, n, scratch);
    } else {
        g1_msm_batch_affine(out, points, scalars, n, scratch);
    }
}

/* ------------------------------------------------------------ fixed-base batch */
/* out[i] = k_i * base for many scalars (a trusted setup's key): a table of the signed
 * window multiples (d * 2^(c w)) * base, d = 1..2^(c-1), built once, then about 256/c mixed
 * additions per scalar and one shared inversion per chunk to return affine points. */
#define G1_FB_CHUNK 1024

static unsigned g1_fb_window(size_t n) {
    unsigned lg = 0;
    while (lg < 40 && ((size_t)1 << (lg + 1)) <= n) lg++;
    unsigned c = lg > 5 ? lg - 3 : 2;
    return c > 12 ? 12 : c;
}

static size_t g1_fb_table(unsigned c) { return (256 / c + 1) * ((size_t)1 << (c - 1)); }

size_t zkv_g1_fixed_base_scratch_sizeof(size_t n) {
    size_t t = g1_fb_table(g1_fb_window(n));
    size_t work = t > G1_FB_CHUNK ? t : G1_FB_CHUNK;
    return msm_align(t * sizeof(zkv_g1_affine)) + msm_align(work * sizeof(zkv_g1)) +
           msm_align(work * sizeof(zkv_fq));
}

void zkv_g1_fixed_base_batch_vartime(zkv_g1_affine *out, const zkv_g1_affine *base,
                                     const uint8_t *scalars, size_t n, void *scratch) {
    unsigned c = g1_fb_window(n);
    size_t t = g1_fb_table(c), half = (size_t)1 << (c - 1), work = t > G1_FB_CHUNK ? t : G1_FB_CHUNK;
    unsigned nw = 256 / c + 1;
    uint8_t *mem = (uint8_t *)scratch;
    zkv_g1_affine *table = (zkv_g1_affine *)mem;
    mem += msm_align(t * sizeof(zkv_g1_affine));
    zkv_g1 *jac = (zkv_g1 *)mem;
    mem += msm_align(work * sizeof(zkv_g1));
    zkv_fq *fq_scratch = (zkv_fq *)mem;

    zkv_g1 bw;
    zkv_g1_from_affine(&bw, base);
    for (unsigned w = 0; w < nw; w++) {
        zkv_g1 *row = jac + (size_t)w * half;
        row[0] = bw;
        for (size_t d = 1; d < half; d++) zkv_g1_add(&row[d], &row[d - 1], &bw);
        for (unsigned k = 0; k < c; k++) zkv_g1_double(&bw, &bw);
    }
    zkv_g1_batch_to_affine(table, jac, t, fq_scratch);

    const uint32_t full = 1u << c;
    for (size_t first = 0; first < n; first += G1_FB_CHUNK) {
        size_t len = n - first < G1_FB_CHUNK ? n - first : G1_FB_CHUNK;
        for (size_t i = 0; i < len; i++) {
            const uint8_t *k = scalars + 32 * (first + i);
            zkv_g1 acc;
            g1_set_zero(&acc);
            uint32_t carry = 0;
            for (unsigned w = 0; w < nw; w++) {
                uint32_t d = msm_bits(k, w * c, c) + carry;
                carry = 0;
                if (d == 0) continue;
                if (d > (uint32_t)half) {
                    carry = 1;
                    if (d == full) continue;
                    zkv_g1_affine neg;
                    g1_neg_affine(&neg, &table[(size_t)w * half + (full - d - 1)]);
                    zkv_g1_add_affine(&acc, &acc, &neg);
                } else {
                    zkv_g1_add_affine(&acc, &acc, &table[(size_t)w * half + (d - 1)]);
                }
            }
            jac[i] = acc;
        }
        zkv_g1_batch_to_affine(out + first, jac, len, fq_scratch);
    }
}

void zkv_g1_affine_array_to_bytes(uint8_t *out, const zkv_g1_affine *in, size_t n) {
    for (size_t i = 0; i < n; i++) zkv_g1_affine_to_bytes(out + 64 * i, &in[i]);
}
