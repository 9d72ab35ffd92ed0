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

/* ------------------------------------------------------------ fixed-base batch */
/* As zkv_g1_fixed_base_batch_vartime (see g1.c), over the twist. */
#define G2_FB_CHUNK 1024

static unsigned g2_fb_window(size_t n) {
    unsigned lg = 0;
    while (lg < 40 && ((size_t)1 << (lg + 1)) <= n) lg++;
    unsigned c = lg > 5 ? lg - 3 : 2;
    return c > 12 ? 12 : c;
}

static size_t g2_fb_table(unsigned c) { return (256 / c + 1) * ((size_t)1 << (c - 1)); }

/* Montgomery's trick over the z's (infinities pass with a factor 1); scratch holds n. */
static void g2_batch_to_affine(zkv_g2_affine *out, const zkv_g2 *in, size_t n,
                               zkv_fq2 *scratch) {
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

size_t zkv_g2_fixed_base_scratch_sizeof(size_t n) {
    size_t t = g2_fb_table(g2_fb_window(n));
    size_t work = t > G2_FB_CHUNK ? t : G2_FB_CHUNK;
    return msm_align(t * sizeof(zkv_g2_affine)) + msm_align(work * sizeof(zkv_g2)) +
           msm_align(work * sizeof(zkv_fq2));
}

void zkv_g2_fixed_base_batch_vartime(zkv_g2_affine *out, const zkv_g2_affine *base,
                                     const uint8_t *scalars, size_t n, void *scratch) {
    unsigned c = g2_fb_window(n);
    size_t t = g2_fb_table(c), half = (size_t)1 << (c - 1), work = t > G2_FB_CHUNK ? t : G2_FB_CHUNK;
    unsigned nw = 256 / c + 1;
    uint8_t *mem = (uint8_t *)scratch;
    zkv_g2_affine *table = (zkv_g2_affine *)mem;
    mem += msm_align(t * sizeof(zkv_g2_affine));
    zkv_g2 *jac = (zkv_g2 *)mem;
    mem += msm_align(work * sizeof(zkv_g2));
    zkv_fq2 *fq2_scratch = (zkv_fq2 *)mem;

    zkv_g2 bw;
    zkv_g2_from_affine(&bw, base);
    for (unsigned w = 0; w < nw; w++) {
        zkv_g2 *row = jac + (size_t)w * half;
        row[0] = bw;
        for (size_t d = 1; d < half; d++) zkv_g2_add(&row[d], &row[d - 1], &bw);
        for (unsigned k = 0; k < c; k++) zkv_g2_double(&bw, &bw);
    }
    g2_batch_to_affine(table, jac, t, fq2_scratch);

    const uint32_t full = 1u << c;
    for (size_t first = 0; first < n; first += G2_FB_CHUNK) {
        size_t len = n - first < G2_FB_CHUNK ? n - first : G2_FB_CHUNK;
        for (size_t i = 0; i < len; i++) {
            const uint8_t *k = scalars + 32 * (first + i);
            zkv_g2 acc;
            g2_set_zero(&acc);
            uint32_t carry = 0;
            for (unsigned w = 0; w < nw; w++) {
                uint32_t d = msm_bits(k, w * c, c) + carry;
                carry = 0;
                if (d == 0) continue;
                if (d > (uint32_t)half) {
                    carry = 1;
                    if (d == full) continue;
                    zkv_g2_affine neg;
                    g2_neg_affine(&neg, &table[(size_t)w * half + (full - d - 1)]);
                    zkv_g2_add_affine(&acc, &acc, &neg);
                } else {
                    zkv_g2_add_affine(&acc, &acc, &table[(size_t)w * half + (d - 1)]);
                }
            }
            jac[i] = acc;
        }
        g2_batch_to_affine(out + first, jac, len, fq2_scratch);
    }
}

/* ------------------------------------------------------------ batch-affine MSM */
/*
 * Pippenger with affine buckets: the additions into buckets are collected in batches that
 * share one inversion (Montgomery's trick), so one costs about 5 multiplications and a
 * squaring in Fq2 instead of the 11 of a mixed Jacobian addition. A batch touches each bucket
 * once; a point whose bucket is already in the batch waits in a queue for a later batch, and
 * what is left when the queue stops shrinking fast (many equal digits) goes to a Jacobian
 * overflow bucket of the same index. Digits are the signed c-bit windows of msm_impl.h.
 */
#define G2B_BATCH 512

typedef struct {
    uint32_t bucket, point;
    uint32_t neg;
} g2b_op;

typedef struct {
    const zkv_g2_affine *pts;
    zkv_g2_affine *bucket;
    uint8_t *used, *ovf;
    uint32_t *stamp, cur;
    zkv_g2 *overflow;
    g2b_op *batch, *queue;
    size_t len, qlen, cap; /* cap: batch size, at most half the buckets (fewer conflicts) */
    zkv_fq2 *den, *pre;
    uint8_t *special;
    void *red; /* G2_RED_SCRATCH bytes for g2_reduce_affine */
} g2b_state;

static unsigned g2b_window(size_t n) {
    unsigned lg = 0;
    while (lg < 40 && ((size_t)1 << (lg + 1)) <= n) lg++;
    unsigned c = lg > 5 ? lg - 2 : 3;
    return c > 15 ? 15 : c;
}

static void g2b_point(zkv_g2_affine *o, const g2b_state *s, const g2b_op *op) {
    *o = s->pts[op->point];
    if (op->neg) fq2_neg(&o->y, &o->y);
}

static void g2b_flush(g2b_state *s) {
    size_t len = s->len;
    zkv_fq2 acc;
    fq2_set_one(&acc);
    for (size_t k = 0; k < len; k++) {
        const g2b_op *op = &s->batch[k];
        const zkv_g2_affine *b = &s->bucket[op->bucket];
        fq2_sub(&s->den[k], &s->pts[op->point].x, &b->x);
        s->special[k] = (uint8_t)fq2_is_zero(&s->den[k]);
        if (s->special[k]) fq2_set_one(&s->den[k]);
        s->pre[k] = acc;
        fq2_mul(&acc, &acc, &s->den[k]);
    }
    zkv_fq2 inv;
    tw_fq2_inv(&inv, &acc);
    for (size_t k = len; k-- > 0;) {
        const g2b_op *op = &s->batch[k];
        zkv_g2_affine *b = &s->bucket[op->bucket], p;
        g2b_point(&p, s, op);
        zkv_fq2 di;
        fq2_mul(&di, &inv, &s->pre[k]);
        fq2_mul(&inv, &inv, &s->den[k]);
        if (s->special[k]) {
            /* same x: p == b (double) or p == -b (empty bucket); rare, done in Jacobian */
            zkv_g2 j;
            zkv_g2_from_affine(&j, b);
            zkv_g2_add_affine(&j, &j, &p);
            zkv_g2_to_affine(b, &j);
            s->used[op->bucket] = !fq2_is_zero(&j.z);
            continue;
        }
        zkv_fq2 lambda, t, x3;
        fq2_sub(&t, &p.y, &b->y);
        fq2_mul(&lambda, &t, &di);
        fq2_sqr(&x3, &lambda);
        fq2_sub(&x3, &x3, &b->x);
        fq2_sub(&x3, &x3, &p.x);
        fq2_sub(&t, &b->x, &x3);
        fq2_mul(&t, &t, &lambda);
        fq2_sub(&b->y, &t, &b->y);
        b->x = x3;
    }
    s->len = 0;
    s->cur++;
}

static void g2b_push(g2b_state *s, const g2b_op *op) {
    uint32_t b = op->bucket;
    if (!s->used[b]) {
        g2b_point(&s->bucket[b], s, op);
        s->used[b] = 1;
    } else if (s->stamp[b] == s->cur) {
        s->queue[s->qlen++] = *op;
    } else {
        s->stamp[b] = s->cur;
        s->batch[s->len++] = *op;
        if (s->len == s->cap) g2b_flush(s);
    }
}

static void g2b_overflow_add(g2b_state *s, const g2b_op *op) {
    zkv_g2_affine p;
    g2b_point(&p, s, op);
    if (!s->ovf[op->bucket]) {
        zkv_g2_from_affine(&s->overflow[op->bucket], &p);
        s->ovf[op->bucket] = 1;
    } else {
        zkv_g2_add_affine(&s->overflow[op->bucket], &s->overflow[op->bucket], &p);
    }
}

/*
 * sum_b (b + 1) * bucket[b] over nb affine buckets with affine additions sharing inversions
 * (a Jacobian running sum costs about twice as much per bucket in G2). The running sum is
 * sequential in b, so the buckets are cut into at most G2_RED_SEGS segments of seg buckets
 * that run side by side: segment g keeps R_g = the sum of its buckets and
 * T_g = sum_j (j + 1) * bucket[g seg + j]; each step is two batches (R_g += bucket, then
 * T_g += R_g) over all segments. Then the sum is sum_g T_g + seg * sum_g g R_g, in Jacobian
 * coordinates over the segments.
 */
#define G2_RED_SEGS 512 /* <= G2B_BATCH: a step's batch uses the den/pre/special arrays */
#define G2_RED_SCRATCH                                                                        \
    (msm_align(2 * G2_RED_SEGS * sizeof(zkv_g2_affine)) + msm_align(2 * G2_RED_SEGS) +      \
     msm_align(G2_RED_SEGS * sizeof(g2_aop)))

typedef struct {
    zkv_g2_affine *d;
    uint8_t *dused;
    const zkv_g2_affine *p;
} g2_aop;

/* d[k] += p[k] for k < m (affine, present, the d[k] pairwise distinct) with one inversion; a
 * sum that is the identity clears *dused[k]. Equal x (a doubling or a cancellation, rare)
 * goes through Jacobian coordinates. */
static void g2_affine_batch(const g2_aop *ops, size_t m, g2b_state *s) {
    if (m == 0) return;
    zkv_fq2 acc;
    fq2_set_one(&acc);
    for (size_t k = 0; k < m; k++) {
        fq2_sub(&s->den[k], &ops[k].p->x, &ops[k].d->x);
        s->special[k] = (uint8_t)fq2_is_zero(&s->den[k]);
        if (s->special[k]) fq2_set_one(&s->den[k]);
        s->pre[k] = acc;
        fq2_mul(&acc, &acc, &s->den[k]);
    }
    zkv_fq2 inv;
    tw_fq2_inv(&inv, &acc);
    for (size_t k = m; k-- > 0;) {
        zkv_g2_affine *b = ops[k].d;
        const zkv_g2_affine *p = ops[k].p;
        zkv_fq2 di;
        fq2_mul(&di, &inv, &s->pre[k]);
        fq2_mul(&inv, &inv, &s->den[k]);
        if (s->special[k]) {
            zkv_g2 j;
            zkv_g2_from_affine(&j, b);
            zkv_g2_add_affine(&j, &j, p);
            zkv_g2_to_affine(b, &j);
            *ops[k].dused = !fq2_is_zero(&j.z);
            continue;
        }
        zkv_fq2 lambda, t, x3;
        fq2_sub(&t, &p->y, &b->y);
        fq2_mul(&lambda, &t, &di);
        fq2_sqr(&x3, &lambda);
        fq2_sub(&x3, &x3, &b->x);
        fq2_sub(&x3, &x3, &p->x);
        fq2_sub(&t, &b->x, &x3);
        fq2_mul(&t, &t, &lambda);
        fq2_sub(&b->y, &t, &b->y);
        b->x = x3;
    }
}

static void g2_reduce_affine(zkv_g2 *out, g2b_state *s, size_t nb) {
    size_t seg = nb / G2_RED_SEGS;
    if (seg < 8) seg = 8;
    size_t nseg = (nb + seg - 1) / seg;
    uint8_t *mem = (uint8_t *)s->red;
    zkv_g2_affine *r = (zkv_g2_affine *)mem, *t = r + G2_RED_SEGS;
    mem += msm_align(2 * G2_RED_SEGS * sizeof(zkv_g2_affine));
    uint8_t *rused = mem, *tused = mem + G2_RED_SEGS;
    mem += msm_align(2 * G2_RED_SEGS);
    g2_aop *ops = (g2_aop *)mem;
    memset(rused, 0, nseg);
    memset(tused, 0, nseg);
    for (size_t j = seg; j-- > 0;) {
        size_t m = 0;
        for (size_t g = 0; g < nseg; g++) {
            size_t b = g * seg + j;
            if (b >= nb || !s->used[b]) continue;
            if (!rused[g]) {
                r[g] = s->bucket[b];
                rused[g] = 1;
                continue;
            }
            ops[m].d = &r[g];
            ops[m].dused = &rused[g];
            ops[m].p = &s->bucket[b];
            m++;
        }
        g2_affine_batch(ops, m, s);
        m = 0;
        for (size_t g = 0; g < nseg; g++) {
            if (!rused[g]) continue;
            if (!tused[g]) {
                t[g] = r[g];
                tused[g] = 1;
                continue;
            }
            ops[m].d = &t[g];
            ops[m].dused = &tused[g];
            ops[m].p = &r[g];
            m++;
        }
        g2_affine_batch(ops, m, s);
    }
    zkv_g2 running, weighted, total;
    g2_set_zero(&running);
    g2_set_zero(&weighted);
    g2_set_zero(&total);
    for (size_t g = nseg; g-- > 1;) {
        if (rused[g]) zkv_g2_add_affine(&running, &running, &r[g]);
        zkv_g2_add(&weighted, &weighted, &running);
    }
    for (size_t k = 1; k < seg; k <<= 1) zkv_g2_double(&weighted, &weighted);
    for (size_t g = 0; g < nseg; g++)
        if (tused[g]) zkv_g2_add_affine(&total, &total, &t[g]);
    zkv_g2_add(out, &total, &weighted);
}

/* The end of a window: flush, run the queue through further batches while it shrinks by
 * half or more a pass (the rest goes to the Jacobian overflow buckets), then
 * out = sum_b (b + 1) * bucket[b] over the nb buckets: affine (g2_reduce_affine) unless many
 * overflow buckets or few buckets make a Jacobian running sum the simpler choice. */
static void g2b_finish(zkv_g2 *out, g2b_state *s, size_t nb) {
    g2b_flush(s);
    while (s->qlen > 0) {
        size_t before = s->qlen;
        s->qlen = 0;
        for (size_t k = 0; k < before; k++) {
            g2b_op op = s->queue[k]; /* pushes write at qlen <= k: in place is safe */
            g2b_push(s, &op);
        }
        g2b_flush(s);
        if (s->qlen > 0 && (s->qlen < 16 || 2 * s->qlen > before)) {
            for (size_t k = 0; k < s->qlen; k++) g2b_overflow_add(s, &s->queue[k]);
            s->qlen = 0;
        }
    }
    size_t n_ovf = 0;
    for (size_t b = 0; b < nb; b++) n_ovf += s->ovf[b];
    if (nb >= 64 && n_ovf <= nb / 64) {
        /* the few Jacobian buckets (stragglers of the queue) are weighted one by one */
        g2_reduce_affine(out, s, nb);
        for (size_t b = 0; n_ovf > 0 && b < nb; b++) {
            if (!s->ovf[b]) continue;
            uint8_t k[32] = {0};
            k[0] = (uint8_t)(b + 1);
            k[1] = (uint8_t)((b + 1) >> 8);
            k[2] = (uint8_t)((b + 1) >> 16);
            zkv_g2 t;
            zkv_g2_mul_vartime(&t, &s->overflow[b], k);
            zkv_g2_add(out, out, &t);
            n_ovf--;
        }
        return;
    }
    zkv_g2 running, total;
    g2_set_zero(&running);
    g2_set_zero(&total);
    for (size_t b = nb; b-- > 0;) {
        if (s->used[b]) zkv_g2_add_affine(&running, &running, &s->bucket[b]);
        if (s->ovf[b]) zkv_g2_add(&running, &running, &s->overflow[b]);
        zkv_g2_add(&total, &total, &running);
    }
    *out = total;
}

static size_t g2b_scratch_sizeof(size_t n, unsigned c) {
    size_t nb = (size_t)1 << (c - 1);
    return msm_align(nb * sizeof(zkv_g2_affine)) + 2 * msm_align(nb) + msm_align(nb * 4) +
           msm_align(nb * sizeof(zkv_g2)) + msm_align((G2B_BATCH + n) * sizeof(g2b_op)) +
           2 * msm_align(G2B_BATCH * sizeof(zkv_fq2)) + msm_align(G2B_BATCH) + msm_align(n) +
           G2_RED_SCRATCH;
}

static void g2b_msm(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                    size_t n, void *scratch, unsigned c) {
    size_t nb = (size_t)1 << (c - 1);
    uint8_t *mem = (uint8_t *)scratch;
    g2b_state s;
    s.pts = points;
    s.cap = nb / 2 < G2B_BATCH ? (nb / 2 > 0 ? nb / 2 : 1) : G2B_BATCH;
    s.bucket = (zkv_g2_affine *)mem;
    mem += msm_align(nb * sizeof(zkv_g2_affine));
    s.used = mem;
    mem += msm_align(nb);
    s.ovf = mem;
    mem += msm_align(nb);
    s.stamp = (uint32_t *)mem;
    mem += msm_align(nb * 4);
    s.overflow = (zkv_g2 *)mem;
    mem += msm_align(nb * sizeof(zkv_g2));
    s.batch = (g2b_op *)mem;
    s.queue = s.batch + G2B_BATCH;
    mem += msm_align((G2B_BATCH + n) * sizeof(g2b_op));
    s.den = (zkv_fq2 *)mem;
    mem += msm_align(G2B_BATCH * sizeof(zkv_fq2));
    s.pre = (zkv_fq2 *)mem;
    mem += msm_align(G2B_BATCH * sizeof(zkv_fq2));
    s.special = mem;
    mem += msm_align(G2B_BATCH);
    s.red = mem;
    mem += G2_RED_SCRATCH;
    uint8_t *carry = mem;

    unsigned nw = msm_max_bits(scalars, n) / c + 1;
    const uint32_t half = 1u << (c - 1), full = 1u << c;
    memset(carry, 0, n);
    zkv_g2 acc;
    g2_set_zero(&acc);
    zkv_g2 wsum[256 / 3 + 2];
    for (unsigned w = 0; w < nw; w++) {
        memset(s.used, 0, nb);
        memset(s.ovf, 0, nb);
        memset(s.stamp, 0, nb * 4);
        s.cur = 1;
        s.len = s.qlen = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t d = msm_bits(scalars + 32 * i, w * c, c) + carry[i];
            carry[i] = 0;
            if (d == 0) continue;
            g2b_op op = {0, (uint32_t)i, 0};
            if (d > half) {
                carry[i] = 1;
                if (d == full) continue;
                op.bucket = full - d - 1;
                op.neg = 1;
            } else {
                op.bucket = d - 1;
            }
            if (g2_affine_is_infinity(&points[i])) continue;
            g2b_push(&s, &op);
        }
        g2b_finish(&wsum[w], &s, nb);
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
    uint64_t p[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            zkv_u128 s = (zkv_u128)t[i] * G2_PSI_MU[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        p[i + 4] = carry;
    }
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

/* ------------------------------------------------------------ fixed-base table MSM */
/*
 * As zkv_g1_msm_table_vartime, on the psi split: a table T[w][i][h] = 2^(13 w) psi^h(P_i)
 * (w < 10, h < 2) lets all windows share one bucket set, so the bucket reduction runs once
 * instead of per window, and the wider window (13 bits: ten windows of the 127-bit halves
 * instead of twelve) pays.
 * The top window holds at most 127 - 117 = 10 bits, so its signed digits never carry out.
 */
#define G2_TAB_C 13
#define G2_TAB_WINDOWS 10

size_t zkv_g2_msm_table_entries(size_t n) { return (size_t)G2_TAB_WINDOWS * 2 * n; }

size_t zkv_g2_msm_table_build_scratch_sizeof(size_t n) {
    return msm_align(n * sizeof(zkv_g2)) + msm_align(n * sizeof(zkv_fq2)) +
           msm_align(n * sizeof(zkv_g2_affine));
}

void zkv_g2_msm_table_build(zkv_g2_affine *table, const zkv_g2_affine *points, size_t n,
                            void *scratch) {
    uint8_t *mem = (uint8_t *)scratch;
    zkv_g2 *jac = (zkv_g2 *)mem;
    mem += msm_align(n * sizeof(zkv_g2));
    zkv_fq2 *fqs = (zkv_fq2 *)mem;
    mem += msm_align(n * sizeof(zkv_fq2));
    zkv_g2_affine *aff = (zkv_g2_affine *)mem;
    for (size_t i = 0; i < n; i++) zkv_g2_from_affine(&jac[i], &points[i]);
    for (unsigned w = 0; w < G2_TAB_WINDOWS; w++) {
        if (w == 0) {
            memcpy(aff, points, n * sizeof(zkv_g2_affine));
        } else {
            for (size_t i = 0; i < n; i++)
                for (unsigned k = 0; k < G2_TAB_C; k++) zkv_g2_double(&jac[i], &jac[i]);
            g2_batch_to_affine(aff, jac, n, fqs);
        }
        zkv_g2_affine *row = table + (size_t)w * 2 * n;
        for (size_t i = 0; i < n; i++) {
            row[2 * i] = aff[i];
            if (g2_affine_is_infinity(&aff[i])) {
                row[2 * i + 1] = aff[i];
            } else {
                tw_g2_affine_frobenius(&row[2 * i + 1], &aff[i], 1);
            }
        }
    }
}

static size_t g2_tab_pushes(size_t n) { return (size_t)G2_TAB_WINDOWS * 2 * n; }

size_t zkv_g2_msm_table_scratch_sizeof(size_t n) {
    size_t nb = (size_t)1 << (G2_TAB_C - 1);
    return msm_align(nb * sizeof(zkv_g2_affine)) + 2 * msm_align(nb) + msm_align(nb * 4) +
           msm_align(nb * sizeof(zkv_g2)) +
           msm_align((G2B_BATCH + g2_tab_pushes(n)) * sizeof(g2b_op)) +
           2 * msm_align(G2B_BATCH * sizeof(zkv_fq2)) + msm_align(G2B_BATCH) + G2_RED_SCRATCH;
}

void zkv_g2_msm_table_vartime(zkv_g2 *out, const zkv_g2_affine *table, size_t n,
                              const uint8_t *scalars, void *scratch) {
    const unsigned c = G2_TAB_C;
    size_t nb = (size_t)1 << (c - 1);
    uint8_t *mem = (uint8_t *)scratch;
    g2b_state s;
    s.pts = table;
    s.cap = nb / 2 < G2B_BATCH ? nb / 2 : G2B_BATCH;
    s.bucket = (zkv_g2_affine *)mem;
    mem += msm_align(nb * sizeof(zkv_g2_affine));
    s.used = mem;
    mem += msm_align(nb);
    s.ovf = mem;
    mem += msm_align(nb);
    s.stamp = (uint32_t *)mem;
    mem += msm_align(nb * 4);
    s.overflow = (zkv_g2 *)mem;
    mem += msm_align(nb * sizeof(zkv_g2));
    s.batch = (g2b_op *)mem;
    s.queue = s.batch + G2B_BATCH;
    mem += msm_align((G2B_BATCH + g2_tab_pushes(n)) * sizeof(g2b_op));
    s.den = (zkv_fq2 *)mem;
    mem += msm_align(G2B_BATCH * sizeof(zkv_fq2));
    s.pre = (zkv_fq2 *)mem;
    mem += msm_align(G2B_BATCH * sizeof(zkv_fq2));
    s.special = mem;
    mem += msm_align(G2B_BATCH);
    s.red = mem;
    memset(s.used, 0, nb);
    memset(s.ovf, 0, nb);
    memset(s.stamp, 0, nb * 4);
    s.cur = 1;
    s.len = s.qlen = 0;
    const uint32_t half = 1u << (c - 1), full = 1u << c, mask = full - 1;
    for (size_t i = 0; i < n; i++) {
        if (g2_affine_is_infinity(&table[2 * i])) continue;
        zkv_u128 m[2];
        g2_psi_split_u128(&m[0], &m[1], scalars + 32 * i);
        for (unsigned h = 0; h < 2; h++) {
            zkv_u128 v = m[h];
            uint32_t carry = 0;
            for (unsigned w = 0; w < G2_TAB_WINDOWS && (v != 0 || carry); w++) {
                uint32_t d = (uint32_t)(v & mask) + carry;
                v >>= c;
                carry = 0;
                g2b_op op = {0, (uint32_t)(((size_t)w * n + i) * 2 + h), 0};
                if (d > half) {
                    carry = 1;
                    if (d == full) continue;
                    op.bucket = full - d - 1;
                    op.neg = 1;
                } else if (d == 0) {
                    continue;
                } else {
                    op.bucket = d - 1;
                }
                g2b_push(&s, &op);
            }
        }
    }
    g2b_finish(out, &s, nb);
}

void zkv_g2_affine_array_to_bytes(uint8_t *out, const zkv_g2_affine *in, size_t n) {
    for (size_t i = 0; i < n; i++) zkv_g2_affine_to_bytes(out + 128 * i, &in[i]);
}
