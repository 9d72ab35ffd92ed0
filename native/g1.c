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

static void g1_neg_affine(zkv_g1_affine *o, const zkv_g1_affine *b) {
    o->x = b->x;
    fq_neg(&o->y, &b->y);
}

/* The generic Jacobian-bucket Pippenger: used as is for small n, where a shared inversion
 * would not pay for itself. */
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

/*
 * Batch-affine Pippenger for large n. Buckets are kept in affine coordinates and additions
 * into them are collected in batches of G1_BATCH, with one shared inversion per batch
 * (Montgomery's trick): an affine addition then costs about 6 multiplications instead of the
 * 11 of a mixed Jacobian addition. A batch may touch each bucket only once (the addition
 * reads the bucket's current value); a point whose bucket is already in the batch goes into
 * a second, Jacobian, bucket of the same index instead, and the two are summed at the end.
 */
#ifndef G1_BATCH
#define G1_BATCH 512 /* the most additions sharing one inversion */
#endif
#ifndef G1_BATCH_MIN_N
#define G1_BATCH_MIN_N 4096 /* below this the Jacobian variant is as fast */
#endif

/* window = log2(n) - delta: cheaper bucket additions favour narrower windows than the
 * Jacobian variant's log2(n) - 2. Delta 3 with batches of 512 needed the fewest instructions
 * (callgrind) at n = 2^16 among deltas 2..5 and batches 256..1024. */
#ifndef G1_BA_WINDOW_DELTA
#define G1_BA_WINDOW_DELTA 3
#endif

enum { G1_OP_ADD = 0, G1_OP_DBL = 1 };

typedef struct {
    zkv_g1_affine *bucket; /* affine buckets, valid where used[b] */
    uint8_t *used;
    uint32_t *stamp;  /* batch id that last touched the bucket */
    zkv_g1 *overflow; /* Jacobian buckets for conflicts */
    zkv_g1_affine *bp; /* the batch: point to add, target bucket, operation, denominator */
    uint32_t *bidx;
    uint8_t *bop;
    zkv_fq *den, *pre;
    size_t len, cap; /* cap <= G1_BATCH: a quarter of the buckets, so conflicts stay rare */
    uint32_t id;
} g1_batch_state;

static unsigned g1_ba_window(size_t n) {
    unsigned lg = 0;
    while (lg < 63 && ((size_t)1 << (lg + 1)) <= n) lg++;
    unsigned c = lg > G1_BA_WINDOW_DELTA ? lg - G1_BA_WINDOW_DELTA : 2;
    if (c < 10) c = 10; /* enough buckets for a batch to share an inversion widely */
    return c > 16 ? 16 : c;
}

static void g1_batch_flush(g1_batch_state *s) {
    size_t m = s->len;
    if (m == 0) return;
    zkv_fq acc, inv;
    fq_set_one(&acc);
    for (size_t k = 0; k < m; k++) {
        s->pre[k] = acc;
        fq_mul(&acc, &acc, &s->den[k]);
    }
    zkv_fq_inv(&inv, &acc); /* denominators are nonzero by construction */
    for (size_t k = m; k-- > 0;) {
        zkv_fq dinv, lambda, t, x3;
        fq_mul(&dinv, &inv, &s->pre[k]);
        fq_mul(&inv, &inv, &s->den[k]);
        zkv_g1_affine *b = &s->bucket[s->bidx[k]];
        const zkv_g1_affine *p = &s->bp[k];
        if (s->bop[k] == G1_OP_ADD) {
            fq_sub(&t, &p->y, &b->y);
            fq_mul(&lambda, &t, &dinv);
            fq_sqr(&x3, &lambda);
            fq_sub(&x3, &x3, &b->x);
            fq_sub(&x3, &x3, &p->x);
        } else {
            fq_sqr(&t, &b->x);
            fq_add(&lambda, &t, &t);
            fq_add(&lambda, &lambda, &t);
            fq_mul(&lambda, &lambda, &dinv);
            fq_sqr(&x3, &lambda);
            fq_sub(&x3, &x3, &b->x);
            fq_sub(&x3, &x3, &b->x);
        }
        fq_sub(&t, &b->x, &x3);
        fq_mul(&t, &lambda, &t);
        fq_sub(&b->y, &t, &b->y);
        b->x = x3;
    }
    s->len = 0;
    s->id++;
}

/* bucket[b] += p (p affine, not the identity) */
static void g1_batch_push(g1_batch_state *s, uint32_t b, const zkv_g1_affine *p) {
    if (!s->used[b]) {
        s->bucket[b] = *p;
        s->used[b] = 1;
        return;
    }
    if (s->stamp[b] == s->id) {
        zkv_g1_add_affine(&s->overflow[b], &s->overflow[b], p);
        return;
    }
    zkv_g1_affine *cur = &s->bucket[b];
    size_t k = s->len;
    if (!fq_equal(&cur->x, &p->x)) {
        fq_sub(&s->den[k], &p->x, &cur->x);
        s->bop[k] = G1_OP_ADD;
    } else if (fq_equal(&cur->y, &p->y)) {
        fq_dbl(&s->den[k], &p->y); /* y != 0: G1 has no point of order 2 */
        s->bop[k] = G1_OP_DBL;
    } else {
        s->used[b] = 0; /* p = -bucket: the sum is the identity */
        return;
    }
    s->stamp[b] = s->id;
    s->bp[k] = *p;
    s->bidx[k] = b;
    if (++s->len == s->cap) g1_batch_flush(s);
}

static size_t g1_ba_scratch_sizeof(size_t n) {
    unsigned c = g1_ba_window(n);
    size_t nb = (size_t)1 << (c - 1);
    return msm_align(nb * sizeof(zkv_g1_affine)) + msm_align(nb) + msm_align(nb * 4) +
           msm_align(nb * sizeof(zkv_g1)) + msm_align(G1_BATCH * sizeof(zkv_g1_affine)) +
           msm_align(G1_BATCH * 4) + msm_align(G1_BATCH) +
           2 * msm_align(G1_BATCH * sizeof(zkv_fq)) + msm_align(n);
}

static void g1_msm_batch_affine(zkv_g1 *out, const zkv_g1_affine *points,
                                const uint8_t *scalars, size_t n, void *scratch) {
    unsigned c = g1_ba_window(n);
    size_t nb = (size_t)1 << (c - 1);
    uint8_t *mem = (uint8_t *)scratch;
    g1_batch_state s;
    s.bucket = (zkv_g1_affine *)mem;
    mem += msm_align(nb * sizeof(zkv_g1_affine));
    s.used = mem;
    mem += msm_align(nb);
    s.stamp = (uint32_t *)mem;
    mem += msm_align(nb * 4);
    s.overflow = (zkv_g1 *)mem;
    mem += msm_align(nb * sizeof(zkv_g1));
    s.bp = (zkv_g1_affine *)mem;
    mem += msm_align(G1_BATCH * sizeof(zkv_g1_affine));
    s.bidx = (uint32_t *)mem;
    mem += msm_align(G1_BATCH * 4);
    s.bop = mem;
    mem += msm_align(G1_BATCH);
    s.den = (zkv_fq *)mem;
    mem += msm_align(G1_BATCH * sizeof(zkv_fq));
    s.pre = (zkv_fq *)mem;
    mem += msm_align(G1_BATCH * sizeof(zkv_fq));
    uint8_t *carry = mem;

    unsigned nw = msm_max_bits(scalars, n) / c + 1;
    const uint32_t half = 1u << (c - 1), full = 1u << c;
    memset(carry, 0, n);
    zkv_g1 acc;
    g1_set_zero(&acc);
    /* windows from the top would need the carries first; going up, keep the window sums */
    zkv_g1 wsum[256 / 10 + 2];
    for (unsigned w = 0; w < nw; w++) {
        memset(s.used, 0, nb);
        memset(s.stamp, 0xff, nb * 4);
        for (size_t b = 0; b < nb; b++) g1_set_zero(&s.overflow[b]);
        s.len = 0;
        s.id = 0;
        s.cap = nb / 4 < G1_BATCH ? nb / 4 : G1_BATCH;
        for (size_t i = 0; i < n; i++) {
            uint32_t d = msm_bits(scalars + 32 * i, w * c, c) + carry[i];
            if (d == 0) continue;
            if (d > half) {
                carry[i] = 1;
                if (d == full || g1_affine_is_zero(&points[i])) continue;
                zkv_g1_affine neg;
                g1_neg_affine(&neg, &points[i]);
                g1_batch_push(&s, full - d - 1, &neg);
            } else {
                carry[i] = 0;
                if (g1_affine_is_zero(&points[i])) continue;
                g1_batch_push(&s, d - 1, &points[i]);
            }
        }
        g1_batch_flush(&s);
        zkv_g1 running, total;
        g1_set_zero(&running);
        g1_set_zero(&total);
        for (size_t b = nb; b-- > 0;) {
            if (s.used[b]) zkv_g1_add_affine(&running, &running, &s.bucket[b]);
            if (!fq_is_zero(&s.overflow[b].z)) zkv_g1_add(&running, &running, &s.overflow[b]);
            zkv_g1_add(&total, &total, &running);
        }
        wsum[w] = total;
    }
    for (unsigned w = nw; w-- > 0;) {
        for (unsigned k = 0; k < c; k++) zkv_g1_double(&acc, &acc);
        zkv_g1_add(&acc, &acc, &wsum[w]);
    }
    *out = acc;
}

size_t zkv_g1_msm_scratch_sizeof(size_t n) {
    return n < G1_BATCH_MIN_N ? g1_msm_jacobian_scratch_sizeof(n) : g1_ba_scratch_sizeof(n);
}

void zkv_g1_msm_vartime(zkv_g1 *out, const zkv_g1_affine *points, const uint8_t *scalars,
                        size_t n, void *scratch) {
    if (n < G1_BATCH_MIN_N) {
        g1_msm_jacobian(out, points, scalars, n, scratch);
    } else {
        g1_msm_batch_affine(out, points, scalars, n, scratch);
    }
}
