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

/* ------------------------------------------------------------ GLV endomorphism */

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
/* The code multiplies by G1_GLV_BETA_MONT (below); the generated block keeps beta canonical,
 * unused, as the generator prints and checks it. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#endif
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
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

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

/* k (32 bytes LE, any value < 2^256) -> magnitudes m[0], m[1] < 2^126 and signs neg[i]
 * (1 = negative) with k = (-1)^neg0 m0 + (-1)^neg1 m1 * lambda (mod r). */
static void g1_glv_split(zkv_u128 m[2], int neg[2], const uint8_t k[32]) {
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
    neg[0] = (int)(k1 >> 127);
    neg[1] = (int)(k2 >> 127);
    m[0] = neg[0] ? (zkv_u128)0 - k1 : k1;
    m[1] = neg[1] ? (zkv_u128)0 - k2 : k2;
}

/* G1_GLV_BETA in Montgomery form (beta 2^256 mod q), as fq_mul takes it: a constant, so that
 * phi costs one multiplication (tests/unit/test_g1.py checks it against G1_GLV_BETA). */
static const zkv_fq G1_GLV_BETA_MONT = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL,
                                         0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}};

/* ------------------------------------------------------------ scalar multiplication */

/* phi on Jacobian points: x = X / Z^2, so beta x is (beta X) / Z^2. */
static void g1_phi(zkv_g1 *o, const zkv_g1 *a) {
    fq_mul(&o->x, &a->x, &G1_GLV_BETA_MONT);
    o->y = a->y;
    o->z = a->z;
}

/* GLV: G1 has prime order r, so phi acts as lambda on every point and any k may be split. */
#define ENDO_MUL_FN zkv_g1_mul_vartime
#define ENDO_POINT zkv_g1
#define ENDO_SPLIT(m, neg, k) g1_glv_split(m, neg, k)
#define ENDO_MAP(o, a) g1_phi(o, a)
#define ENDO_ADD(o, a, b) zkv_g1_add(o, a, b)
#define ENDO_DOUBLE(o, a) zkv_g1_double(o, a)
#define ENDO_NEG(o, a) zkv_g1_neg(o, a)
#define ENDO_SET_ZERO(p) g1_set_zero(p)
#include "endo_mul_impl.h"

/* ------------------------------------------------------------ MSM */

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
    memset(ks, 0, 64 * n);
    for (size_t i = 0; i < n; i++) {
        zkv_u128 m[2];
        int sg[2];
        g1_glv_split(m, sg, scalars + 32 * i);
        v[2 * i] = points[i];
        v[2 * i + 1] = points[i];
        if (g1_affine_is_zero(&points[i])) continue; /* the template skips identities */
        fq_mul(&v[2 * i + 1].x, &points[i].x, &G1_GLV_BETA_MONT);
        if (sg[0]) fq_neg(&v[2 * i].y, &v[2 * i].y);
        if (sg[1]) fq_neg(&v[2 * i + 1].y, &v[2 * i + 1].y);
        for (int b = 0; b < 16; b++) {
            ks[64 * i + b] = (uint8_t)(m[0] >> (8 * b));
            ks[64 * i + 32 + b] = (uint8_t)(m[1] >> (8 * b));
        }
    }
    g1_msm_jacobian(out, v, ks, 2 * n, mem);
}

/*
 * Batch-affine Pippenger for large n, on the 2n GLV halves with 126-bit scalars, on the shared
 * batch-affine bucket engine of msm_impl.h (affine buckets, additions batched around one
 * shared inversion, a queue for additions whose bucket is already in the batch, Jacobian
 * overflow buckets, affine bucket sums). Windows whose digits use fewer than G1_MIN_BUCKETS
 * buckets go to the Jacobian buckets directly.
 *
 * The signed digits of all windows are computed once up front (uint16 codes |d| << 1 | sign,
 * 0 for "skip"); the halves' signs are folded into the digit signs, so the points are read
 * as given (and phi(P) as beta * x with P's y).
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
#define G1_MAX_WINDOWS 26 /* ceil(126 / c) for any window of 5 bits or more */
#define G1_MIN_BUCKETS 128 /* windows with fewer buckets in use skip the batching */

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

/* Virtual point e = j << 1 | negate: half j of point j >> 1, P (j even) or phi(P) = (beta x, y)
 * (j odd, x from phix). */
static inline void g1_vpoint(zkv_g1_affine *o, const zkv_g1_affine *pts, const zkv_fq *phix,
                             uint32_t e) {
    size_t j = e >> 1, i = j >> 1;
    o->x = (j & 1) ? phix[i] : pts[i].x;
    if (e & 1) {
        fq_neg(&o->y, &pts[i].y);
    } else {
        o->y = pts[i].y;
    }
}

#include "fq_ifma_impl.h"
#ifdef ZKV_FQ8
/* The engine's batches run eight additions at a time in AVX-512 IFMA lanes (msm_lanes_impl.h,
 * defined after the engine, whose op type it reads). */
static size_t g1_lanes_add_batch(const void *ops, size_t m, uint32_t *spec, void *mem);
static size_t g1_lanes_scratch(size_t k);
#define MSM_BA_FLUSH_VEC(ops, m, spec, mem) g1_lanes_add_batch(ops, m, spec, mem)
#define MSM_BA_VEC_SCRATCH(k) g1_lanes_scratch(k)
#define MSM_BA_VEC_MIN 64
#endif

/* The shared batch-affine bucket engine (msm_impl.h), over Fq with lazily reduced products. */
#define MSM_BA_NAME(x) g1b_##x
#define MSM_POINT zkv_g1
#define MSM_AFFINE zkv_g1_affine
#define MSM_FIELD zkv_fq
#define MSM_F_ADD(o, a, b) fq_add(o, a, b)
#define MSM_F_SUB(o, a, b) fq_sub(o, a, b)
#define MSM_F_DBL(o, a) fq_dbl(o, a)
#define MSM_F_MUL(o, a, b) fq_mul(o, a, b)
#define MSM_F_SQR(o, a) fq_sqr(o, a)
#define MSM_F_MUL_LAZY(o, a, b) fq_mul_lazy(o, a, b)
#define MSM_F_LAZY_REDUCE(o, a) fq_lazy_reduce(o, a)
#define MSM_F_SET_ONE(o) fq_set_one(o)
#define MSM_F_EQUAL(a, b) fq_equal(a, b)
#define MSM_F_INV(o, a) fq_inv_vartime(o, a) /* the whole engine is variable-time */
#define MSM_BA_VPOINT(o, s, e) g1_vpoint(o, (s)->pts, (s)->alt_x, e)
#define MSM_SET_ZERO(p) g1_set_zero(p)
#define MSM_ADD(o, a, b) zkv_g1_add(o, a, b)
#define MSM_ADD_AFFINE(o, a, b) zkv_g1_add_affine(o, a, b)
#define MSM_DOUBLE(o, a) zkv_g1_double(o, a)
#define MSM_FROM_AFFINE(o, a) zkv_g1_from_affine(o, a)
#define MSM_MUL_VARTIME(o, p, k) zkv_g1_mul_vartime(o, p, k)
#define MSM_BA_BATCH G1_BATCH
#define MSM_BA_SEG_MIN 16
#define MSM_BA_MAX_SEGS G1_BATCH
#define MSM_BA_MIN_BUCKETS G1_MIN_BUCKETS
#define MSM_BA_STRAGGLERS 32
#include "msm_impl.h"

#ifdef ZKV_FQ8
#define MSM_LANES_NAME(x) g1_lanes_##x
#define MSM_LANES_AOP g1b_aop
#define MSM_LANES_F zkv_fq8
#define MSM_LANES_XWORDS 4
#define MSM_LANES_F_FROM_WORDS(o, w) fq8_from_words_arr(o, w)
#define MSM_LANES_F_GATHER(o, ptrs, off) fq8_gather(o, ptrs, off)
#define MSM_LANES_F_SCATTER(ptrs, mask, a, off) fq8_scatter(ptrs, mask, a, off)
#define MSM_LANES_F_SUB1(o, a, b) fq8_sub_kq(o, a, b, 1)
#define MSM_LANES_F_CSUB(o, a, k) fq8_csub_kq(o, a, k)
#define MSM_LANES_F_MUL(o, a, b) fq8_mul(o, a, b)
#define MSM_LANES_F_SQR(o, a) fq8_mul(o, a, a)
#define MSM_LANES_F_MUL4(o, a) fq8_mul4(o, a)
#define MSM_LANES_F_ONE_WHERE(o, a, mask) fq8_one_where(o, a, mask)
#define MSM_LANES_F_SET_ONE(o) fq8_set_one(o)
#define MSM_LANES_F_INV4(inv, v) fq8_inv4(inv, v)
#include "msm_lanes_impl.h"
#endif

/* Windows for 126-bit magnitudes: all but the top one carry signed digits in
 * [-2^(c-1), 2^(c-1)]; the top one takes what is left plus the carry, unsigned. */
static unsigned g1_ba_windows(unsigned c) { return (126 + c - 1) / c; }

/* Buckets: 2^(c-1) for the signed windows, and the top window's largest digit. */
static size_t g1_ba_buckets(unsigned c) {
    size_t top = (size_t)1 << (126 - c * (g1_ba_windows(c) - 1));
    size_t nb = (size_t)1 << (c - 1);
    return top > nb ? top : nb;
}

static size_t g1_ba_scratch_sizeof(size_t n) {
    unsigned c = g1_ba_window(n);
    return msm_align(n * sizeof(zkv_fq)) + msm_align(g1_ba_windows(c) * 2 * n * 2) +
           g1b_state_sizeof(g1_ba_buckets(c), G1_QUEUE);
}

static void g1_msm_batch_affine(zkv_g1 *out, const zkv_g1_affine *points,
                                const uint8_t *scalars, size_t n, void *scratch) {
    unsigned c = g1_ba_window(n);
    size_t nb = g1_ba_buckets(c), nv = 2 * n;
    unsigned nwmax = g1_ba_windows(c);
    uint8_t *mem = (uint8_t *)scratch;
    g1b_state s;
    zkv_fq *phix = (zkv_fq *)mem;
    mem += msm_align(n * sizeof(zkv_fq));
    uint16_t *digits = (uint16_t *)mem; /* digits[w * nv + j] */
    mem += msm_align(nwmax * nv * 2);
    g1b_layout(&s, mem, nb, G1_QUEUE);
    s.pts = points;
    s.alt_x = phix;

    /* split the scalars, record the digits of both halves, and phi's x-coordinates */
    const uint32_t half = 1u << (c - 1), mask = (1u << c) - 1;
    uint32_t maxd[G1_MAX_WINDOWS] = {0}; /* largest |digit| per window */
    for (size_t i = 0; i < n; i++) {
        zkv_u128 m[2];
        int sg[2];
        g1_glv_split(m, sg, scalars + 32 * i);
        if (g1_affine_is_zero(&points[i])) m[0] = m[1] = 0;
        fq_mul(&phix[i], &points[i].x, &G1_GLV_BETA_MONT);
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
        g1b_reset(&s, nbw, g1_ba_cap(nbw));
        const uint16_t *dw = digits + (size_t)w * nv;
        if (nbw < G1_MIN_BUCKETS) {
            for (size_t j = 0; j < nv; j++)
                if (dw[j]) g1b_overflow_add(&s, (uint32_t)(j << 1) | (dw[j] & 1), (dw[j] >> 1) - 1);
        } else {
            for (size_t j = 0; j < nv; j++) {
                uint32_t code = dw[j];
                if (code == 0) continue;
                g1b_push(&s, (uint32_t)(j << 1) | (code & 1), (code >> 1) - 1);
            }
        }
        g1b_finish(&wsum[w], &s, 1, nbw);
    }
    zkv_g1 acc;
    g1_set_zero(&acc);
    for (unsigned w = nw; w-- > 0;) {
        for (unsigned k = 0; k < c; k++) zkv_g1_double(&acc, &acc);
        zkv_g1_add(&acc, &acc, &wsum[w]);
    }
    *out = acc;
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
/* out[i] = k_i * base for many scalars (a trusted setup's key): the template of msm_impl.h. */
#define MSM_FB_FN zkv_g1_fixed_base_batch_vartime
#define MSM_FB_SCRATCH_FN zkv_g1_fixed_base_scratch_sizeof
#define MSM_POINT zkv_g1
#define MSM_AFFINE zkv_g1_affine
#define MSM_FIELD zkv_fq
#define MSM_SET_ZERO(p) g1_set_zero(p)
#define MSM_ADD(o, a, b) zkv_g1_add(o, a, b)
#define MSM_ADD_AFFINE(o, a, b) zkv_g1_add_affine(o, a, b)
#define MSM_NEG_AFFINE(o, b) g1_neg_affine(o, b)
#define MSM_DOUBLE(o, a) zkv_g1_double(o, a)
#define MSM_FROM_AFFINE(o, a) zkv_g1_from_affine(o, a)
#define MSM_BATCH_TO_AFFINE(o, in, n, scratch) zkv_g1_batch_to_affine(o, in, n, scratch)
#include "msm_impl.h"

int zkv_fq8_mul_test(zkv_fq out[8], const zkv_fq a[8], const zkv_fq b[8]) {
#ifdef ZKV_FQ8
    zkv_fq8 x, y;
    fq8_load(&x, a);
    fq8_load(&y, b);
    fq8_mul(&x, &x, &y);
    fq8_csub_kq(&x, &x, 2); /* below 1.4q: the inputs are below 5.3q */
    fq8_csub_kq(&x, &x, 1);
    fq8_store(out, &x);
    return 1;
#else
    (void)out;
    (void)a;
    (void)b;
    return 0;
#endif
}

void zkv_g1_affine_array_to_bytes(uint8_t *out, const zkv_g1_affine *in, size_t n) {
    for (size_t i = 0; i < n; i++) zkv_g1_affine_to_bytes(out + 64 * i, &in[i]);
}
