/*
 * g2.c - G2: the order-r subgroup of the D-type sextic twist E'(Fq2): y^2 = x^3 + 3/(9+u).
 *
 * Jacobian coordinates (x = X/Z^2, y = Y/Z^3, infinity has Z = 0) with the a = 0 formulas of
 * the Explicit-Formulas Database (dbl-2009-l, add-2007-bl, madd-2007-bl). Scalar
 * multiplication is variable time (width-5 wNAF): only for public scalars. On G2 it splits the
 * scalar through psi (zkv_g2_mul_vartime); zkv_g2_mul_twist_vartime is the plain wNAF, valid on
 * any point of the twist.
 */
#include "tower_impl.h"

/* ------------------------------------------------------------ encodings and checks */

static int g2_affine_is_infinity(const zkv_g2_affine *p) {
    return fq2_is_zero(&p->x) & fq2_is_zero(&p->y);
}

int zkv_g2_is_on_curve(const zkv_g2_affine *p) {
    if (g2_affine_is_infinity(p)) return 1;
    zkv_fq2 lhs, rhs;
    fq2_sqr(&lhs, &p->y);
    fq2_sqr(&rhs, &p->x);
    fq2_mul(&rhs, &rhs, &p->x);
    fq2_add(&rhs, &rhs, &TW_B2);
    return fq2_equal(&lhs, &rhs);
}

void tw_g2_affine_frobenius(zkv_g2_affine *o, const zkv_g2_affine *a, int n) {
    if (n == 1) {
        fq2_conj(&o->x, &a->x);
        fq2_conj(&o->y, &a->y);
        fq2_mul(&o->x, &o->x, &TW_FROB1[1]);
        fq2_mul(&o->y, &o->y, &TW_FROB1[2]);
    } else {
        fq2_mul(&o->x, &a->x, &TW_FROB2[1]);
        fq2_mul(&o->y, &a->y, &TW_FROB2[2]);
    }
}

/* Coordinates in the zkv.h layout: x.c0, x.c1, y.c0, y.c1, each 32 bytes little-endian. */
static zkv_error g2_decode(zkv_g2_affine *out, const uint8_t in[128], int check_subgroup) {
    zkv_fq *c[4] = {&out->x.c0, &out->x.c1, &out->y.c0, &out->y.c1};
    for (int i = 0; i < 4; i++) {
        zkv_error rc = zkv_fq_from_bytes(c[i], in + 32 * i);
        if (rc != ZKV_OK) return rc;
    }
    /* All zeros decodes to (0, 0), which is how infinity is represented (not on the curve). */
    if (!zkv_g2_is_on_curve(out)) return ZKV_NOT_ON_CURVE;
    if (check_subgroup && !zkv_g2_is_in_subgroup(out)) return ZKV_NOT_IN_SUBGROUP;
    return ZKV_OK;
}

zkv_error zkv_g2_affine_from_bytes(zkv_g2_affine *out, const uint8_t in[128]) {
    return g2_decode(out, in, 1);
}

zkv_error zkv_g2_affine_from_bytes_unchecked(zkv_g2_affine *out, const uint8_t in[128]) {
    return g2_decode(out, in, 0);
}

void zkv_g2_affine_to_bytes(uint8_t out[128], const zkv_g2_affine *p) {
    const zkv_fq *c[4] = {&p->x.c0, &p->x.c1, &p->y.c0, &p->y.c1};
    for (int i = 0; i < 4; i++) zkv_fq_to_bytes(out + 32 * i, c[i]);
}

zkv_error zkv_g2_affine_array_from_bytes(zkv_g2_affine *out, const uint8_t *in, size_t n,
                                         size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        zkv_error rc = g2_decode(&out[i], in + 128 * i, 1);
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

/* ------------------------------------------------------------ group law */

static void g2_set_zero(zkv_g2 *p) {
    fq2_set_one(&p->x);
    fq2_set_one(&p->y);
    fq2_set_zero(&p->z);
}

void zkv_g2_from_affine(zkv_g2 *out, const zkv_g2_affine *p) {
    out->x = p->x;
    out->y = p->y;
    if (g2_affine_is_infinity(p)) {
        fq2_set_one(&out->x);
        fq2_set_one(&out->y);
        fq2_set_zero(&out->z);
    } else {
        fq2_set_one(&out->z);
    }
}

void zkv_g2_to_affine(zkv_g2_affine *out, const zkv_g2 *p) {
    if (fq2_is_zero(&p->z)) {
        fq2_set_zero(&out->x);
        fq2_set_zero(&out->y);
        return;
    }
    zkv_fq2 zi, zi2;
    tw_fq2_inv(&zi, &p->z);
    fq2_sqr(&zi2, &zi);
    fq2_mul(&out->x, &p->x, &zi2);
    fq2_mul(&zi2, &zi2, &zi);
    fq2_mul(&out->y, &p->y, &zi2);
}

/* Montgomery's trick over the z's (infinities pass with a factor 1); scratch holds n. */
void zkv_g2_batch_to_affine(zkv_g2_affine *out, const zkv_g2 *in, size_t n, zkv_fq2 *scratch) {
    zkv_fq2 acc, inv;
    fq2_set_one(&acc);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        if (!fq2_is_zero(&in[i].z)) fq2_mul(&acc, &acc, &in[i].z);
    }
    tw_fq2_inv(&inv, &acc);
    for (size_t i = n; i-- > 0;) {
        if (fq2_is_zero(&in[i].z)) {
            fq2_set_zero(&out[i].x);
            fq2_set_zero(&out[i].y);
            continue;
        }
        zkv_fq2 zi, zi2, z = in[i].z, x = in[i].x, y = in[i].y;
        fq2_mul(&zi, &inv, &scratch[i]);
        fq2_mul(&inv, &inv, &z);
        fq2_sqr(&zi2, &zi);
        fq2_mul(&out[i].x, &x, &zi2);
        fq2_mul(&zi2, &zi2, &zi);
        fq2_mul(&out[i].y, &y, &zi2);
    }
}

int zkv_g2_is_infinity(const zkv_g2 *a) { return fq2_is_zero(&a->z); }

void zkv_g2_neg(zkv_g2 *out, const zkv_g2 *a) {
    out->x = a->x;
    fq2_neg(&out->y, &a->y);
    out->z = a->z;
}

/* dbl-2009-l; Z3 = 2 Y Z keeps infinity at infinity. */
void zkv_g2_double(zkv_g2 *out, const zkv_g2 *a) {
    zkv_fq2 A, B, C, D, E, F, t;
    fq2_sqr(&A, &a->x);
    fq2_sqr(&B, &a->y);
    fq2_sqr(&C, &B);
    fq2_add(&D, &a->x, &B);
    fq2_sqr(&D, &D);
    fq2_sub(&D, &D, &A);
    fq2_sub(&D, &D, &C);
    fq2_dbl(&D, &D);
    fq2_dbl(&E, &A);
    fq2_add(&E, &E, &A);
    fq2_sqr(&F, &E);
    fq2_mul(&t, &a->y, &a->z);
    fq2_dbl(&out->z, &t);
    fq2_dbl(&t, &D);
    fq2_sub(&out->x, &F, &t);
    fq2_sub(&t, &D, &out->x);
    fq2_mul(&t, &E, &t);
    fq2_dbl(&C, &C);
    fq2_dbl(&C, &C);
    fq2_dbl(&C, &C);
    fq2_sub(&out->y, &t, &C);
}

/* add-2007-bl, with the exceptional cases (infinity, P = Q, P = -Q) handled by branches:
 * this is variable time, for public points. */
void zkv_g2_add(zkv_g2 *out, const zkv_g2 *a, const zkv_g2 *b) {
    if (fq2_is_zero(&a->z)) {
        *out = *b;
        return;
    }
    if (fq2_is_zero(&b->z)) {
        *out = *a;
        return;
    }
    zkv_fq2 z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v, t;
    fq2_sqr(&z1z1, &a->z);
    fq2_sqr(&z2z2, &b->z);
    fq2_mul(&u1, &a->x, &z2z2);
    fq2_mul(&u2, &b->x, &z1z1);
    fq2_mul(&s1, &a->y, &b->z);
    fq2_mul(&s1, &s1, &z2z2);
    fq2_mul(&s2, &b->y, &a->z);
    fq2_mul(&s2, &s2, &z1z1);
    fq2_sub(&h, &u2, &u1);
    fq2_sub(&r, &s2, &s1);
    if (fq2_is_zero(&h)) {
        if (fq2_is_zero(&r)) {
            zkv_g2_double(out, a);
        } else {
            fq2_set_one(&out->x);
            fq2_set_one(&out->y);
            fq2_set_zero(&out->z);
        }
        return;
    }
    fq2_dbl(&i, &h);
    fq2_sqr(&i, &i);
    fq2_mul(&j, &h, &i);
    fq2_dbl(&r, &r);
    fq2_mul(&v, &u1, &i);
    /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H, computed first: out may alias a or b */
    fq2_add(&t, &a->z, &b->z);
    fq2_sqr(&t, &t);
    fq2_sub(&t, &t, &z1z1);
    fq2_sub(&t, &t, &z2z2);
    fq2_mul(&out->z, &t, &h);
    fq2_sqr(&t, &r);
    fq2_sub(&t, &t, &j);
    fq2_sub(&t, &t, &v);
    fq2_sub(&out->x, &t, &v);
    fq2_sub(&t, &v, &out->x);
    fq2_mul(&t, &t, &r);
    fq2_mul(&s1, &s1, &j);
    fq2_dbl(&s1, &s1);
    fq2_sub(&out->y, &t, &s1);
}

/* madd-2007-bl (Z2 = 1), same exceptional-case handling as zkv_g2_add. */
void zkv_g2_add_affine(zkv_g2 *out, const zkv_g2 *a, const zkv_g2_affine *b) {
    if (g2_affine_is_infinity(b)) {
        *out = *a;
        return;
    }
    if (fq2_is_zero(&a->z)) {
        zkv_g2_from_affine(out, b);
        return;
    }
    zkv_fq2 z1z1, u2, s2, h, hh, i, j, r, v, t;
    fq2_sqr(&z1z1, &a->z);
    fq2_mul(&u2, &b->x, &z1z1);
    fq2_mul(&s2, &b->y, &a->z);
    fq2_mul(&s2, &s2, &z1z1);
    fq2_sub(&h, &u2, &a->x);
    fq2_sub(&r, &s2, &a->y);
    if (fq2_is_zero(&h)) {
        if (fq2_is_zero(&r)) {
            zkv_g2_double(out, a);
        } else {
            fq2_set_one(&out->x);
            fq2_set_one(&out->y);
            fq2_set_zero(&out->z);
        }
        return;
    }
    fq2_sqr(&hh, &h);
    fq2_dbl(&i, &hh);
    fq2_dbl(&i, &i);
    fq2_mul(&j, &h, &i);
    fq2_dbl(&r, &r);
    fq2_mul(&v, &a->x, &i);
    zkv_fq2 y1 = a->y;
    fq2_add(&t, &a->z, &h);
    fq2_sqr(&t, &t);
    fq2_sub(&t, &t, &z1z1);
    fq2_sub(&out->z, &t, &hh);
    fq2_sqr(&t, &r);
    fq2_sub(&t, &t, &j);
    fq2_sub(&t, &t, &v);
    fq2_sub(&out->x, &t, &v);
    fq2_sub(&t, &v, &out->x);
    fq2_mul(&t, &t, &r);
    fq2_mul(&y1, &y1, &j);
    fq2_dbl(&y1, &y1);
    fq2_sub(&out->y, &t, &y1);
}

int zkv_g2_equal(const zkv_g2 *a, const zkv_g2 *b) {
    int ia = fq2_is_zero(&a->z), ib = fq2_is_zero(&b->z);
    if (ia || ib) return ia && ib;
    zkv_fq2 z1z1, z2z2, l, r;
    fq2_sqr(&z1z1, &a->z);
    fq2_sqr(&z2z2, &b->z);
    fq2_mul(&l, &a->x, &z2z2);
    fq2_mul(&r, &b->x, &z1z1);
    if (!fq2_equal(&l, &r)) return 0;
    fq2_mul(&l, &a->y, &z2z2);
    fq2_mul(&l, &l, &b->z);
    fq2_mul(&r, &b->y, &z1z1);
    fq2_mul(&r, &r, &a->z);
    return fq2_equal(&l, &r);
}

/* ------------------------------------------------------------ scalar multiplication */

#define G2_WNAF_W 5
#define G2_WNAF_TABLE (1 << (G2_WNAF_W - 2))

/* Width-w NAF of a little-endian integer of nlimbs 64-bit limbs; returns the digit count.
 * digits must hold 64 * nlimbs + 1 entries. */
static int g2_wnaf(int8_t *digits, const uint64_t *k, int nlimbs) {
    uint64_t t[5] = {0, 0, 0, 0, 0};
    for (int i = 0; i < nlimbs; i++) t[i] = k[i];
    int len = 0;
    while (t[0] | t[1] | t[2] | t[3] | t[4]) {
        int d = 0;
        if (t[0] & 1) {
            d = (int)(t[0] & ((1u << G2_WNAF_W) - 1));
            if (d >= (1 << (G2_WNAF_W - 1))) d -= 1 << G2_WNAF_W;
            /* t -= d, making the low w bits zero */
            if (d > 0) {
                uint64_t borrow = (uint64_t)d;
                for (int i = 0; i < 5 && borrow; i++) {
                    uint64_t old = t[i];
                    t[i] -= borrow;
                    borrow = old < borrow;
                }
            } else {
                uint64_t carry = (uint64_t)(-d);
                for (int i = 0; i < 5 && carry; i++) {
                    t[i] += carry;
                    carry = t[i] < carry;
                }
            }
        }
        digits[len++] = (int8_t)d;
        for (int i = 0; i < 4; i++) t[i] = (t[i] >> 1) | (t[i + 1] << 63);
        t[4] >>= 1;
    }
    return len;
}

static void g2_mul_limbs(zkv_g2 *out, const zkv_g2 *p, const uint64_t *k, int nlimbs) {
    int8_t digits[257];
    int len = g2_wnaf(digits, k, nlimbs);
    zkv_g2 table[G2_WNAF_TABLE], p2, acc, neg;
    table[0] = *p;
    zkv_g2_double(&p2, p);
    for (int i = 1; i < G2_WNAF_TABLE; i++) zkv_g2_add(&table[i], &table[i - 1], &p2);
    g2_set_zero(&acc);
    for (int i = len - 1; i >= 0; i--) {
        zkv_g2_double(&acc, &acc);
        int d = digits[i];
        if (d > 0) {
            zkv_g2_add(&acc, &acc, &table[d >> 1]);
        } else if (d < 0) {
            zkv_g2_neg(&neg, &table[(-d) >> 1]);
            zkv_g2_add(&acc, &acc, &neg);
        }
    }
    *out = acc;
}

void zkv_g2_mul_twist_vartime(zkv_g2 *out, const zkv_g2 *p, const uint8_t k[32]) {
    uint64_t limbs[4];
    limbs_from_le_bytes(limbs, k);
    g2_mul_limbs(out, p, limbs, 4);
}

/* psi(P) = [6x^2]P characterises the order-r points of E'(Fq2) on BN curves (El Housni,
 * Guillevic, Piellard 2022, following Scott 2021): 128-bit scalar instead of 254-bit r. */
int zkv_g2_is_in_subgroup(const zkv_g2_affine *p) {
    if (g2_affine_is_infinity(p)) return 1;
    zkv_g2 j, m, s;
    zkv_g2_affine psi;
    zkv_g2_from_affine(&j, p);
    g2_mul_limbs(&m, &j, TW_SIX_X2, 2);
    tw_g2_affine_frobenius(&psi, p, 1);
    zkv_g2_from_affine(&s, &psi);
    return zkv_g2_equal(&m, &s);
}

/* ------------------------------------------------------------ MSM */

static void g2_neg_affine(zkv_g2_affine *o, const zkv_g2_affine *b) {
    o->x = b->x;
    fq2_neg(&o->y, &b->y);
}

/* The shared Pippenger template with Jacobian buckets and mixed additions. */
#define MSM_FN zkv_g2_msm_vartime
#define MSM_SCRATCH_FN zkv_g2_msm_scratch_sizeof
#define MSM_POINT zkv_g2
#define MSM_AFFINE zkv_g2_affine
#define MSM_SET_ZERO(p) g2_set_zero(p)
#define MSM_ADD(o, a, b) zkv_g2_add(o, a, b)
#define MSM_ADD_AFFINE(o, a, b) zkv_g2_add_affine(o, a, b)
#define MSM_NEG_AFFINE(o, b) g2_neg_affine(o, b)
#define MSM_DOUBLE(o, a) zkv_g2_double(o, a)
#define MSM_AFFINE_IS_ZERO(b) g2_affine_is_infinity(b)
#include "msm_impl.h"

/* ------------------------------------------------------------ fixed-base batch */
/* As zkv_g1_fixed_base_batch_vartime (msm_impl.h's template), over the twist. */
#define MSM_FB_FN zkv_g2_fixed_base_batch_vartime
#define MSM_FB_SCRATCH_FN zkv_g2_fixed_base_scratch_sizeof
#define MSM_POINT zkv_g2
#define MSM_AFFINE zkv_g2_affine
#define MSM_FIELD zkv_fq2
#define MSM_SET_ZERO(p) g2_set_zero(p)
#define MSM_ADD(o, a, b) zkv_g2_add(o, a, b)
#define MSM_ADD_AFFINE(o, a, b) zkv_g2_add_affine(o, a, b)
#define MSM_NEG_AFFINE(o, b) g2_neg_affine(o, b)
#define MSM_DOUBLE(o, a) zkv_g2_double(o, a)
#define MSM_FROM_AFFINE(o, a) zkv_g2_from_affine(o, a)
#define MSM_BATCH_TO_AFFINE(o, in, n, scratch) zkv_g2_batch_to_affine(o, in, n, scratch)
#include "msm_impl.h"

/* ------------------------------------------------------------ batch-affine MSM */
/*
 * Pippenger with affine buckets, on the shared batch-affine bucket engine of msm_impl.h: the
 * additions into buckets share one inversion per batch (Montgomery's trick), so one costs
 * about 5 multiplications and a squaring in Fq2 instead of the 11 of a mixed Jacobian
 * addition. Digits are the signed c-bit windows of msm_impl.h's Jacobian Pippenger; the
 * virtual point e = i << 1 | negate is point i or its negation. E'(Fq2) has odd order, so no
 * point has y = 0 and the engine's affine doubling applies.
 */
#define G2B_BATCH 1024 /* the batch arrays: a batch of G2B_CAP and a drained queue */
#define G2B_CAP 512    /* the additions that share one inversion (at most) */

static inline void g2_vpoint(zkv_g2_affine *o, const zkv_g2_affine *pts, uint32_t e) {
    const zkv_g2_affine *p = &pts[e >> 1];
    o->x = p->x;
    if (e & 1) {
        fq2_neg(&o->y, &p->y);
    } else {
        o->y = p->y;
    }
}

#include "fq_ifma_impl.h"
#ifdef ZKV_FQ8
/* The engine's batches run eight additions at a time in AVX-512 IFMA lanes over fq2x8
 * (msm_lanes_impl.h, defined after the engine, whose op type it reads). */
static size_t g2_lanes_add_batch(const void *ops, size_t m, uint32_t *spec, void *mem);
static size_t g2_lanes_scratch(size_t k);
#define MSM_BA_FLUSH_VEC(ops, m, spec, mem) g2_lanes_add_batch(ops, m, spec, mem)
#define MSM_BA_VEC_SCRATCH(k) g2_lanes_scratch(k)
#define MSM_BA_VEC_MIN 64
#endif

#define MSM_BA_NAME(x) g2b_##x
#define MSM_POINT zkv_g2
#define MSM_AFFINE zkv_g2_affine
#define MSM_FIELD zkv_fq2
#define MSM_F_ADD(o, a, b) fq2_add(o, a, b)
#define MSM_F_SUB(o, a, b) fq2_sub(o, a, b)
#define MSM_F_DBL(o, a) fq2_dbl(o, a)
#define MSM_F_MUL(o, a, b) fq2_mul(o, a, b)
#define MSM_F_SQR(o, a) fq2_sqr(o, a)
#define MSM_F_SET_ONE(o) fq2_set_one(o)
#define MSM_F_EQUAL(a, b) fq2_equal(a, b)
#define MSM_F_INV(o, a) tw_fq2_inv_vartime(o, a) /* the whole engine is variable-time */
#define MSM_BA_VPOINT(o, s, e) g2_vpoint(o, (s)->pts, e)
#define MSM_SET_ZERO(p) g2_set_zero(p)
#define MSM_ADD(o, a, b) zkv_g2_add(o, a, b)
#define MSM_ADD_AFFINE(o, a, b) zkv_g2_add_affine(o, a, b)
#define MSM_DOUBLE(o, a) zkv_g2_double(o, a)
#define MSM_FROM_AFFINE(o, a) zkv_g2_from_affine(o, a)
/* the buckets' small weights times sums of points that a subgroup check may not have passed */
#define MSM_MUL_VARTIME(o, p, k) zkv_g2_mul_twist_vartime(o, p, k)
#define MSM_BA_BATCH G2B_BATCH
#define MSM_BA_SEG_MIN 8
#define G2B_MAX_SEGS 512
#define MSM_BA_MAX_SEGS G2B_MAX_SEGS
#define MSM_BA_MIN_BUCKETS 64
/* few buckets per window here: retry the queue down to 4 a batch (fewer Jacobian buckets;
 * callgrind on 2^12 points: 4 beats 8 and 16 by 0.3% and 1.2%) */
#define MSM_BA_STRAGGLERS 4
#include "msm_impl.h"

#ifdef ZKV_FQ8
#define MSM_LANES_NAME(x) g2_lanes_##x
#define MSM_LANES_AOP g2b_aop
#define MSM_LANES_F zkv_fq2x8
#define MSM_LANES_XWORDS 8
#define MSM_LANES_F_FROM_WORDS(o, w) fq2x8_from_words(o, w)
#define MSM_LANES_F_GATHER(o, ptrs, off) fq2x8_gather(o, ptrs, off)
#define MSM_LANES_F_SCATTER(ptrs, mask, a, off) fq2x8_scatter(ptrs, mask, a, off)
#define MSM_LANES_F_SUB1(o, a, b) fq2x8_sub_kq(o, a, b, 1)
#define MSM_LANES_F_CSUB(o, a, k) fq2x8_csub_kq(o, a, k)
#define MSM_LANES_F_MUL(o, a, b) fq2x8_mul(o, a, b)
#define MSM_LANES_F_SQR(o, a) fq2x8_sqr(o, a)
#define MSM_LANES_F_MUL4(o, a) fq2x8_mul4(o, a)
#define MSM_LANES_F_ONE_WHERE(o, a, mask) fq2x8_one_where(o, a, mask)
#define MSM_LANES_F_SET_ONE(o) fq2x8_set_one(o)
#define MSM_LANES_F_INV4(inv, v) fq2x8_inv4(inv, v)
#include "msm_lanes_impl.h"
#endif

static unsigned g2b_window(size_t n) {
    unsigned lg = msm_log2(n);
    unsigned c = lg > 5 ? lg - 2 : 3;
    return c > 15 ? 15 : c;
}

static size_t g2b_scratch_sizeof(size_t n, unsigned c) {
    return g2b_state_sizeof((size_t)1 << (c - 1), n) + msm_align(n);
}

static void g2b_msm(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                    size_t n, void *scratch, unsigned c) {
    size_t nb = (size_t)1 << (c - 1);
    g2b_state s;
    uint8_t *carry = g2b_layout(&s, (uint8_t *)scratch, nb, n);
    s.pts = points;
    s.alt_x = NULL;

    unsigned nw = msm_max_bits(scalars, n) / c + 1;
    const uint32_t half = 1u << (c - 1), full = 1u << c;
    memset(carry, 0, n);
    zkv_g2 acc;
    g2_set_zero(&acc);
    zkv_g2 wsum[256 / 3 + 2];
    for (unsigned w = 0; w < nw; w++) {
        g2b_reset(&s, nb, nb / 2 < G2B_CAP ? nb / 2 : G2B_CAP);
        for (size_t i = 0; i < n; i++) {
            uint32_t d = msm_bits(scalars + 32 * i, w * c, c) + carry[i];
            carry[i] = 0;
            if (d == 0) continue;
            uint32_t e = (uint32_t)i << 1, b;
            if (d > half) {
                carry[i] = 1;
                if (d == full) continue;
                b = full - d - 1;
                e |= 1;
            } else {
                b = d - 1;
            }
            if (g2_affine_is_infinity(&points[i])) continue;
            g2b_push(&s, e, b);
        }
        g2b_finish(&wsum[w], &s, 1, nb);
    }
    for (unsigned w = nw; w-- > 0;) {
        for (unsigned k = 0; k < c; k++) zkv_g2_double(&acc, &acc);
        zkv_g2_add(&acc, &acc, &wsum[w]);
    }
    *out = acc;
}

size_t zkv_g2_msm_affine_scratch_sizeof(size_t n) {
    return g2b_scratch_sizeof(n, g2b_window(n));
}

void zkv_g2_msm_affine_vartime(zkv_g2 *out, const zkv_g2_affine *points,
                               const uint8_t *scalars, size_t n, void *scratch) {
    g2b_msm(out, points, scalars, n, scratch, g2b_window(n));
}

/* ------------------------------------------------------------ many MSMs, short scalars */
/*
 * out[k] = sum_i c_ki P_i for reps vectors of short signed coefficients over the same points
 * (the batched subgroup check's random combinations). All reps go through ONE pass over the
 * points into one bucket array of a bucket set (or two) per rep: the sets share the batched
 * inversions (full batches, few conflicts) and one segmented affine reduction sums them all.
 * Each `bits`-bit coefficient is a single signed digit (one affine addition per point and
 * rep, 2^(bits-1) buckets per rep to sum) unless the points are few against those buckets:
 * then it is cut into a signed low digit of c1 = ceil(bits/2) bits and a high digit (two
 * additions per point and rep, two sets of about 2^(bits/2 - 1) buckets).
 */
#define G2M_MAX_REPS 64
/* the engine's segmented reduction runs 2 * reps bucket sets side by side */
_Static_assert(2 * G2M_MAX_REPS <= G2B_MAX_SEGS, "too many repetitions for one reduction");

/* The low digit's bits: 0 for one digit, when one addition per point and rep beats two. */
static unsigned g2m_split(size_t n, unsigned bits) {
    unsigned c1 = (bits + 1) / 2;
    return bits >= 4 && n + ((size_t)2 << c1) < ((size_t)1 << bits) ? c1 : 0;
}

/* Buckets per set: 2^(bits-1) for one digit; for two, the larger of the low digit's
 * 2^(c1-1) and the high digit's 2^(bits-1-c1) (|high| <= 2^(bits-1) / 2^c1). */
static size_t g2m_buckets(unsigned bits, unsigned c1) {
    if (!c1) return (size_t)1 << (bits - 1);
    size_t lo = (size_t)1 << (c1 - 1), hi = (size_t)1 << (bits - 1 - c1);
    return lo > hi ? lo : hi;
}

size_t zkv_g2_msm_short_multi_scratch_sizeof(size_t n, size_t reps, unsigned bits) {
    if (reps > G2M_MAX_REPS) reps = G2M_MAX_REPS;
    if (bits < 2 || bits > 12) bits = 2;
    /* sized for the larger of the two layouts, whichever the nonzero points select */
    size_t one = reps * g2m_buckets(bits, 0), two = 2 * reps * g2m_buckets(bits, (bits + 1) / 2);
    return g2b_state_sizeof(one > two ? one : two, 2 * reps * n);
}

/* bucket set `set` += digit d times point i (d != 0, |d| <= nb) */
static inline void g2m_push(g2b_state *s, size_t i, int32_t d, size_t set, size_t nb) {
    uint32_t e = (uint32_t)i << 1, b = (uint32_t)(set * nb);
    if (d < 0) {
        e |= 1;
        d = -d;
    }
    g2b_push(s, e, b + (uint32_t)d - 1);
}

zkv_error zkv_g2_msm_short_multi_vartime(zkv_g2 *out, const zkv_g2_affine *points,
                                         const uint8_t *coefficients, size_t n, size_t reps,
                                         unsigned bits, void *scratch) {
    if (reps > G2M_MAX_REPS || bits < 2 || bits > 12 || n >= ((size_t)1 << 31))
        return ZKV_BAD_ARGUMENT;
    if (reps == 0) return ZKV_OK;
    size_t live = 0;
    for (size_t i = 0; i < n; i++) live += !g2_affine_is_infinity(&points[i]);
    const unsigned c1 = g2m_split(live, bits);
    const size_t nsets = c1 ? 2 * reps : reps, nb = g2m_buckets(bits, c1);
    const int32_t half = 1 << (bits - 1), lo_half = c1 ? 1 << (c1 - 1) : 0;
    g2b_state s;
    g2b_layout(&s, (uint8_t *)scratch, nsets * nb, 2 * reps * n);
    s.pts = points;
    s.alt_x = NULL;
    g2b_reset(&s, nsets * nb, G2B_CAP);
    for (size_t i = 0; i < n; i++) {
        if (g2_affine_is_infinity(&points[i])) continue;
        for (size_t k = 0; k < reps; k++) {
            const uint8_t *c = coefficients + 2 * (k * n + i);
            int32_t v = (int32_t)(((uint32_t)c[0] | (uint32_t)c[1] << 8) & ((1u << bits) - 1));
            if (v >= half) v -= 2 * half; /* two's complement of `bits` bits */
            if (!c1) {
                if (v) g2m_push(&s, i, v, k, nb);
                continue;
            }
            int32_t lo = v & ((1 << c1) - 1);
            if (lo >= lo_half) lo -= 1 << c1;
            int32_t hi = (v - lo) / (1 << c1); /* exact */
            if (lo) g2m_push(&s, i, lo, 2 * k, nb);
            if (hi) g2m_push(&s, i, hi, 2 * k + 1, nb);
        }
    }
    zkv_g2 sums[2 * G2M_MAX_REPS];
    g2b_finish(c1 ? sums : out, &s, nsets, nb);
    if (c1) {
        for (size_t k = 0; k < reps; k++) {
            zkv_g2 high = sums[2 * k + 1];
            for (unsigned d = 0; d < c1; d++) zkv_g2_double(&high, &high);
            zkv_g2_add(&out[k], &sums[2 * k], &high);
        }
    }
    return ZKV_OK;
}

/* ------------------------------------------------------------ psi-split MSM */
/*
 * On the order-r subgroup psi acts as [lambda], lambda = 6x^2 (< 2^127, see
 * zkv_g2_is_in_subgroup), and lambda^2 > r: so k mod r = k0 + k1 lambda with
 * k1 = floor(k / lambda) and k0 = k mod lambda, both below 2^127. The MSM then runs on the
 * 2n points (P_i, psi(P_i)) with 127-bit scalars: half the windows, so half the bucket
 * reductions, for the same number of bucket additions. k1 comes from a Barrett quotient
 * with mu = floor(2^380 / lambda): k mu / 2^380 is below k / lambda by less than 2^-126,
 * so the estimate is exact or one short, and one conditional correction fixes it.
 */
static const uint64_t G2_PSI_MU[4] = {0xcfd4cab0f3030aa4ULL, 0x1cd9e614a70bf4f4ULL,
                                      0x52cb62031c8e0194ULL, 0x24ccef014a773d2dULL};

static void g2_psi_split_u128(zkv_u128 *k0, zkv_u128 *k1, const uint8_t k[32]) {
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
    uint64_t p[8];
    wide_mul(p, t, G2_PSI_MU);
    /* q = p >> 380 (below 2^127) */
    zkv_u128 q = ((zkv_u128)p[7] << 68) | ((zkv_u128)p[6] << 4) | (p[5] >> 60);
    zkv_u128 lam = ((zkv_u128)TW_SIX_X2[1] << 64) | TW_SIX_X2[0];
    /* k - q lambda is in [0, 2 lambda) and below 2^128: exact mod 2^128 */
    zkv_u128 rem = (((zkv_u128)t[1] << 64) | t[0]) - q * lam;
    if (rem >= lam) {
        rem -= lam;
        q++;
    }
    *k0 = rem;
    *k1 = q;
}

/* psi on Jacobian points: conjugation commutes with x = X / Z^2 and y = Y / Z^3, so the
 * affine map's constants (tw_g2_affine_frobenius, n = 1) apply to conj(X), conj(Y). */
static void g2_psi(zkv_g2 *o, const zkv_g2 *a) {
    fq2_conj(&o->x, &a->x);
    fq2_conj(&o->y, &a->y);
    fq2_conj(&o->z, &a->z);
    fq2_mul(&o->x, &o->x, &TW_FROB1[1]);
    fq2_mul(&o->y, &o->y, &TW_FROB1[2]);
}

static void g2_psi_split_signed(zkv_u128 m[2], int neg[2], const uint8_t k[32]) {
    g2_psi_split_u128(&m[0], &m[1], k);
    neg[0] = neg[1] = 0;
}

/* psi acts as lambda only on the order-r subgroup: hence the precondition on p (zkv.h). */
#define ENDO_MUL_FN zkv_g2_mul_vartime
#define ENDO_POINT zkv_g2
#define ENDO_SPLIT(m, neg, k) g2_psi_split_signed(m, neg, k)
#define ENDO_MAP(o, a) g2_psi(o, a)
#define ENDO_ADD(o, a, b) zkv_g2_add(o, a, b)
#define ENDO_DOUBLE(o, a) zkv_g2_double(o, a)
#define ENDO_NEG(o, a) zkv_g2_neg(o, a)
#define ENDO_SET_ZERO(p) g2_set_zero(p)
#include "endo_mul_impl.h"

static void g2_psi_split(uint8_t k0[32], uint8_t k1[32], const uint8_t k[32]) {
    zkv_u128 m0, m1;
    g2_psi_split_u128(&m0, &m1, k);
    memset(k0, 0, 32);
    memset(k1, 0, 32);
    for (int b = 0; b < 16; b++) {
        k0[b] = (uint8_t)(m0 >> (8 * b));
        k1[b] = (uint8_t)(m1 >> (8 * b));
    }
}

/* The 2n halves have half the windows; with the affine bucket sums one bit more than the
 * window of zkv_g2_msm_affine_vartime at n pays (measured on a prover's 9,351 B2 points,
 * interleaved runs: c = 12 and 13 beat 11 by 8-10%, 12 and 13 within 2% of each other). */
static unsigned g2_endo_window(size_t n) {
#ifdef G2_ENDO_WINDOW_FORCE
    (void)n;
    return G2_ENDO_WINDOW_FORCE;
#endif
    unsigned c = g2b_window(n) + 1;
    return c > 15 ? 15 : c;
}

size_t zkv_g2_msm_endo_scratch_sizeof(size_t n) {
    return msm_align(2 * n * sizeof(zkv_g2_affine)) + msm_align(64 * n) +
           g2b_scratch_sizeof(2 * n, g2_endo_window(n));
}

void zkv_g2_msm_endo_vartime(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                             size_t n, void *scratch) {
    uint8_t *mem = (uint8_t *)scratch;
    zkv_g2_affine *v = (zkv_g2_affine *)mem;
    mem += msm_align(2 * n * sizeof(zkv_g2_affine));
    uint8_t *ks = mem;
    mem += msm_align(64 * n);
    for (size_t i = 0; i < n; i++) {
        v[2 * i] = points[i];
        if (g2_affine_is_infinity(&points[i])) {
            v[2 * i + 1] = points[i]; /* the identity: skipped by the MSM */
            memset(ks + 64 * i, 0, 64);
            continue;
        }
        tw_g2_affine_frobenius(&v[2 * i + 1], &points[i], 1);
        g2_psi_split(ks + 64 * i, ks + 64 * i + 32, scalars + 32 * i);
    }
    g2b_msm(out, v, ks, 2 * n, mem, g2_endo_window(n));
}

int zkv_fq2x8_mul_test(zkv_fq2 out[8], const zkv_fq2 a[8], const zkv_fq2 b[8], int square) {
#ifdef ZKV_FQ8
    zkv_fq2x8 x, y;
    fq2x8_load(&x, a);
    if (square) {
        fq2x8_sqr(&x, &x);
    } else {
        fq2x8_load(&y, b);
        fq2x8_mul(&x, &x, &y);
    }
    fq2x8_csub_kq(&x, &x, 1); /* both results are below 2q */
    fq2x8_store(out, &x);
    return 1;
#else
    (void)out;
    (void)a;
    (void)b;
    (void)square;
    return 0;
#endif
}

void zkv_g2_affine_array_to_bytes(uint8_t *out, const zkv_g2_affine *in, size_t n) {
    for (size_t i = 0; i < n; i++) zkv_g2_affine_to_bytes(out + 128 * i, &in[i]);
}
