/*
 * g2.c - G2: the order-r subgroup of the D-type sextic twist E'(Fq2): y^2 = x^3 + 3/(9+u).
 *
 * Jacobian coordinates (x = X/Z^2, y = Y/Z^3, infinity has Z = 0) with the a = 0 formulas of
 * the Explicit-Formulas Database (dbl-2009-l, add-2007-bl, madd-2007-bl). Scalar
 * multiplication is variable time (width-5 wNAF): only for public scalars.
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

void zkv_g2_mul_vartime(zkv_g2 *out, const zkv_g2 *p, const uint8_t k[32]) {
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
