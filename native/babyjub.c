/*
 * babyjub.c - BabyJubJub, the twisted Edwards curve a*x^2 + y^2 = 1 + d*x^2*y^2 over Fr
 * (a = 168700, d = 168696), group order 8*l.
 *
 * Internally the curve is taken to its isomorphic a = -1 form: -a is a square in Fr, so with
 * s = sqrt(-a) the map (x, y) -> (s*x, y) sends it to -x'^2 + y^2 = 1 + d'*x'^2*y^2 with
 * d' = -d/a. The a = -1 formulas save the multiplication by a in every addition and doubling.
 * Only the opaque zkv_bjj holds scaled coordinates; zkv_bjj_affine (the public, serialised
 * form) holds the true (x, y), and from_affine / to_affine apply the map.
 *
 * Points live in extended coordinates (X : Y : T : Z), x' = X/Z, y = Y/Z, T = XY/Z
 * (Hisil-Wong-Carter-Dawson 2008). Because -1 is a square and d' is not in Fr, the unified
 * addition law is complete: one formula serves every pair of points (doubling, identity,
 * small-order points), so no code path depends on which points are combined.
 *
 * Scalar multiplication comes in three shapes:
 *  - zkv_bjj_mul (CT): fixed 4-bit windows over all 256 bits, table scanned in full;
 *  - zkv_bjj_mul_base8 (CT): 64 precomputed tables of 16 affine multiples of Base8, built once;
 *  - zkv_bjj_mul_vartime: width-5 wNAF, for public scalars.
 */
#include <pthread.h>

#include "field_impl.h"

/* a and d in Montgomery form. */
static const zkv_fr BJJ_A = {{0x95accf61fff261e0ULL, 0x24780d659df7d378ULL,
                              0xe0ac11b07e906ae8ULL, 0x0f35db2216d3def3ULL}};
static const zkv_fr BJJ_D = {{0x2735f484aff261f5ULL, 0x70ba1b579a2e0f63ULL,
                              0xff41c9a91e2caa8cULL, 0x07704a8e8fe6025fULL}};
/* In Montgomery form: s = sqrt(-a), 1/s, and k = 2d' = -2d/a (a non-square). */
static const zkv_fr BJJ_S = {{0xe77f2cb3269fc386ULL, 0x2ffbbf36ea0da89fULL,
                              0x3afc6b3516e0d90fULL, 0x12bc88bf75913573ULL}};
static const zkv_fr BJJ_S_INV = {{0xe20e74d43e4fe829ULL, 0xa8d667e4f5a39962ULL,
                                  0x406eb7865831de44ULL, 0x1f91608db0da6c67ULL}};
static const zkv_fr BJJ_K = {{0x74951b58b09ee319ULL, 0x7948709cb6cd1cd7ULL,
                              0xd6b6a48830a3748dULL, 0x305b9e606e11e0f8ULL}};
/* l, the prime subgroup order (plain integer limbs, little-endian). */
static const uint64_t BJJ_L[4] = {0x677297dc392126f1ULL, 0xab3eedb83920ee0aULL,
                                  0x370a08b6d0302b0bULL, 0x060c89ce5c263405ULL};
/* (r - 1) / 2: circomlib calls x "negative" when x is above it. */
static const uint64_t BJJ_HALF_R[4] = {0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL,
                                       0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};
/* Base8 in Montgomery form. */
static const zkv_bjj_affine BJJ_BASE8 = {
    {{0x0a8fc7bc1a89fa86ULL, 0xa7d9d786e9e48627ULL, 0xee6158b465bea369ULL, 0x14a0ff6d2f874519ULL}},
    {{0xb83342d20d0201aaULL, 0x2ffef2f7cdcfeac7ULL, 0xbfa79a9425a6e625ULL, 0x0dfb859dc3a44b70ULL}}};

#define BJJ_INLINE static inline __attribute__((always_inline))

/* A point prepared as the second operand of an addition (scaled coordinates):
 * Y - X, Y + X, 2Z, k*T. */
typedef struct { zkv_fr ymx, ypx, z2, kt; } bjj_cached;
/* An affine point prepared the same way (Z = 1): y - x', y + x', k*x'*y. */
typedef struct { zkv_fr ymx, ypx, kt; } bjj_precomp;

/* ------------------------------------------------------------ group law */

static inline void bjj_set_identity(zkv_bjj *p) {
    fr_set_zero(&p->x);
    fr_set_one(&p->y);
    fr_set_zero(&p->t);
    fr_set_one(&p->z);
}

static inline void bjj_to_cached(bjj_cached *c, const zkv_bjj *p) {
    fr_sub(&c->ymx, &p->y, &p->x);
    fr_add(&c->ypx, &p->y, &p->x);
    fr_add(&c->z2, &p->z, &p->z);
    fr_mul(&c->kt, &p->t, &BJJ_K);
}

/* From affine coordinates already on the a = -1 curve (x' = s*x). */
static inline void bjj_scaled_to_precomp(bjj_precomp *c, const zkv_fr *xs, const zkv_fr *y) {
    fr_sub(&c->ymx, y, xs);
    fr_add(&c->ypx, y, xs);
    fr_mul(&c->kt, xs, y);
    fr_mul(&c->kt, &c->kt, &BJJ_K);
}

static inline void bjj_affine_to_precomp(bjj_precomp *c, const zkv_bjj_affine *p) {
    zkv_fr xs;
    fr_mul(&xs, &p->x, &BJJ_S);
    bjj_scaled_to_precomp(c, &xs, &p->y);
}

/* The end of add-2008-hwcd-3 (a = -1), shared by the full and mixed additions. */
BJJ_INLINE void bjj_add_finish(zkv_bjj *o, const zkv_fr *A, const zkv_fr *B, const zkv_fr *C,
                               const zkv_fr *D) {
    zkv_fr E, F, G, H;
    fr_sub(&E, B, A);
    fr_sub(&F, D, C);
    fr_add(&G, D, C);
    fr_add(&H, B, A);
    fr_mul(&o->x, &E, &F);
    fr_mul(&o->y, &G, &H);
    fr_mul(&o->t, &E, &H);
    fr_mul(&o->z, &F, &G);
}

/* o = p + q, complete (add-2008-hwcd-3, 8M). o may alias p. */
BJJ_INLINE void bjj_add_cached(zkv_bjj *o, const zkv_bjj *p, const bjj_cached *q) {
    zkv_fr A, B, C, D, t;
    fr_sub(&t, &p->y, &p->x);
    fr_mul(&A, &t, &q->ymx);
    fr_add(&t, &p->y, &p->x);
    fr_mul(&B, &t, &q->ypx);
    fr_mul(&C, &p->t, &q->kt);
    fr_mul(&D, &p->z, &q->z2);
    bjj_add_finish(o, &A, &B, &C, &D);
}

/* o = p + q for an affine q (Z2 = 1 saves one multiplication). o may alias p. */
BJJ_INLINE void bjj_add_precomp(zkv_bjj *o, const zkv_bjj *p, const bjj_precomp *q) {
    zkv_fr A, B, C, D, t;
    fr_sub(&t, &p->y, &p->x);
    fr_mul(&A, &t, &q->ymx);
    fr_add(&t, &p->y, &p->x);
    fr_mul(&B, &t, &q->ypx);
    fr_mul(&C, &p->t, &q->kt);
    fr_add(&D, &p->z, &p->z);
    bjj_add_finish(o, &A, &B, &C, &D);
}

/* o = 2p (dbl-2008-hwcd with a = -1, 4M + 4S); T of the input is not read. with_t = 0 skips
 * computing T, for a doubling that only feeds another doubling. o may alias p. */
BJJ_INLINE void bjj_dbl(zkv_bjj *o, const zkv_bjj *p, int with_t) {
    zkv_fr A, B, C, E, F, G, H;
    fr_sqr(&A, &p->x);
    fr_sqr(&B, &p->y);
    fr_sqr(&C, &p->z);
    fr_add(&C, &C, &C);
    fr_add(&E, &p->x, &p->y);
    fr_sqr(&E, &E);
    fr_add(&H, &A, &B); /* H = -(aA + B) with a = -1, i.e. A + B negated below */
    fr_sub(&E, &E, &H); /* E = 2XY */
    fr_sub(&G, &B, &A); /* G = aA + B */
    fr_sub(&F, &G, &C);
    fr_neg(&H, &H); /* H = aA - B */
    fr_mul(&o->x, &E, &F);
    fr_mul(&o->y, &G, &H);
    if (with_t) fr_mul(&o->t, &E, &H);
    fr_mul(&o->z, &F, &G);
}

/* -q: X -> -X swaps Y - X and Y + X; T -> -T. */
static inline void bjj_neg_cached(bjj_cached *o, const bjj_cached *p) {
    zkv_fr t = p->ymx;
    o->ymx = p->ypx;
    o->ypx = t;
    o->z2 = p->z2;
    fr_neg(&o->kt, &p->kt);
}

static inline void bjj_neg_precomp(bjj_precomp *o, const bjj_precomp *p) {
    zkv_fr t = p->ymx;
    o->ymx = p->ypx;
    o->ypx = t;
    fr_neg(&o->kt, &p->kt);
}

static inline int bjj_is_identity(const zkv_bjj *p) {
    return fr_is_zero(&p->x) && fr_equal(&p->y, &p->z);
}

/* ------------------------------------------------------------ public: conversions, predicates */

zkv_error zkv_bjj_affine_from_bytes(zkv_bjj_affine *out, const uint8_t in[64]) {
    zkv_bjj_affine p;
    if (zkv_fr_from_bytes(&p.x, in) != ZKV_OK) return ZKV_NOT_CANONICAL;
    if (zkv_fr_from_bytes(&p.y, in + 32) != ZKV_OK) return ZKV_NOT_CANONICAL;
    if (!zkv_bjj_is_on_curve(&p)) return ZKV_NOT_ON_CURVE;
    *out = p;
    return ZKV_OK;
}

void zkv_bjj_affine_to_bytes(uint8_t out[64], const zkv_bjj_affine *p) {
    zkv_fr_to_bytes(out, &p->x);
    zkv_fr_to_bytes(out + 32, &p->y);
}

zkv_error zkv_bjj_affine_array_from_bytes(zkv_bjj_affine *out, const uint8_t *in, size_t n,
                                          size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        zkv_error rc = zkv_bjj_affine_from_bytes(&out[i], in + 64 * i);
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

int zkv_bjj_is_on_curve(const zkv_bjj_affine *p) {
    zkv_fr x2, y2, lhs, rhs, one;
    fr_sqr(&x2, &p->x);
    fr_sqr(&y2, &p->y);
    fr_mul(&lhs, &x2, &BJJ_A);
    fr_add(&lhs, &lhs, &y2);
    fr_mul(&rhs, &x2, &y2);
    fr_mul(&rhs, &rhs, &BJJ_D);
    fr_set_one(&one);
    fr_add(&rhs, &rhs, &one);
    return fr_equal(&lhs, &rhs);
}

void zkv_bjj_from_affine(zkv_bjj *out, const zkv_bjj_affine *p) {
    fr_mul(&out->x, &p->x, &BJJ_S);
    out->y = p->y;
    fr_mul(&out->t, &out->x, &p->y);
    fr_set_one(&out->z);
}

void zkv_bjj_to_affine(zkv_bjj_affine *out, const zkv_bjj *p) {
    zkv_fr zinv;
    /* Z never vanishes on this curve (complete law), so the inversion is always defined. */
    (void)zkv_fr_inv(&zinv, &p->z); /* CT; Z of a point is never 0 */
    fr_mul(&out->y, &p->y, &zinv);
    fr_mul(&zinv, &zinv, &BJJ_S_INV); /* undo the scaling of x */
    fr_mul(&out->x, &p->x, &zinv);
}

int zkv_bjj_is_in_subgroup(const zkv_bjj_affine *p) {
    zkv_bjj e, r;
    uint8_t l_bytes[32];
    limbs_to_le_bytes(l_bytes, BJJ_L);
    zkv_bjj_from_affine(&e, p);
    zkv_bjj_mul_vartime(&r, &e, l_bytes);
    return bjj_is_identity(&r);
}

void zkv_bjj_add(zkv_bjj *out, const zkv_bjj *a, const zkv_bjj *b) {
    bjj_cached c;
    bjj_to_cached(&c, b);
    bjj_add_cached(out, a, &c);
}

void zkv_bjj_double(zkv_bjj *out, const zkv_bjj *a) { bjj_dbl(out, a, 1); }

void zkv_bjj_neg(zkv_bjj *out, const zkv_bjj *a) {
    fr_neg(&out->x, &a->x);
    out->y = a->y;
    fr_neg(&out->t, &a->t);
    out->z = a->z;
}

int zkv_bjj_equal(const zkv_bjj *a, const zkv_bjj *b) {
    zkv_fr l, r;
    fr_mul(&l, &a->x, &b->z);
    fr_mul(&r, &b->x, &a->z);
    if (!fr_equal(&l, &r)) return 0;
    fr_mul(&l, &a->y, &b->z);
    fr_mul(&r, &b->y, &a->z);
    return fr_equal(&l, &r);
}

/* ------------------------------------------------------------ constant-time selection */

/* o = table[idx] reading every entry (idx is secret). */
static void ct_select_cached(bjj_cached *o, const bjj_cached table[16], uint64_t idx) {
    *o = table[0];
    for (uint64_t j = 1; j < 16; j++) {
        uint64_t f = ct_eq(j, idx);
        fr_cmov(&o->ymx, &table[j].ymx, f);
        fr_cmov(&o->ypx, &table[j].ypx, f);
        fr_cmov(&o->z2, &table[j].z2, f);
        fr_cmov(&o->kt, &table[j].kt, f);
    }
}

static void ct_select_precomp(bjj_precomp *o, const bjj_precomp table[16], uint64_t idx) {
    *o = table[0];
    for (uint64_t j = 1; j < 16; j++) {
        uint64_t f = ct_eq(j, idx);
        fr_cmov(&o->ymx, &table[j].ymx, f);
        fr_cmov(&o->ypx, &table[j].ypx, f);
        fr_cmov(&o->kt, &table[j].kt, f);
    }
}

/* 4-bit window i (0 = least significant) of a 32-byte little-endian scalar. */
static inline uint64_t nibble(const uint8_t k[32], int i) { return (k[i >> 1] >> ((i & 1) * 4)) & 15; }

/* ------------------------------------------------------------ scalar multiplication */

void zkv_bjj_mul(zkv_bjj *out, const zkv_bjj *p, const uint8_t k[32]) {
    bjj_cached table[16], sel;
    zkv_bjj acc, m;
    /* table[j] = j*P, j = 0..15 */
    bjj_set_identity(&m);
    bjj_to_cached(&table[0], &m);
    bjj_to_cached(&table[1], p);
    m = *p;
    for (int j = 2; j < 16; j++) {
        bjj_add_cached(&m, &m, &table[1]);
        bjj_to_cached(&table[j], &m);
    }
    bjj_set_identity(&acc);
    for (int i = 63; i >= 0; i--) {
        bjj_dbl(&acc, &acc, 0);
        bjj_dbl(&acc, &acc, 0);
        bjj_dbl(&acc, &acc, 0);
        bjj_dbl(&acc, &acc, 1);
        ct_select_cached(&sel, table, nibble(k, i));
        bjj_add_cached(&acc, &acc, &sel);
    }
    *out = acc;
}

/* Width-5 NAF of a 256-bit scalar: digits odd in [-15, 15] or 0, at most 257 of them.
 * Returns the number of digits. */
static int wnaf5(int8_t digits[258], const uint8_t k[32]) {
    uint64_t v[5];
    limbs_from_le_bytes(v, k);
    v[4] = 0;
    int n = 0;
    while (v[0] | v[1] | v[2] | v[3] | v[4]) {
        int d = 0;
        if (v[0] & 1) {
            d = (int)(v[0] & 31);
            if (d > 16) d -= 32;
            /* v -= d, exact in 320 bits */
            uint64_t sub = (uint64_t)(int64_t)d;
            uint64_t ext = d < 0 ? ~0ULL : 0;
            zkv_u128 s = (zkv_u128)v[0] - sub;
            v[0] = (uint64_t)s;
            uint64_t borrow = (uint64_t)(s >> 64) & 1;
            for (int i = 1; i < 5; i++) {
                s = (zkv_u128)v[i] - ext - borrow;
                v[i] = (uint64_t)s;
                borrow = (uint64_t)(s >> 64) & 1;
            }
        }
        digits[n++] = (int8_t)d;
        for (int i = 0; i < 4; i++) v[i] = (v[i] >> 1) | (v[i + 1] << 63);
        v[4] >>= 1;
    }
    return n;
}

void zkv_bjj_mul_vartime(zkv_bjj *out, const zkv_bjj *p, const uint8_t k[32]) {
    int8_t digits[258];
    int n = wnaf5(digits, k);
    bjj_cached odd[8], neg; /* odd[j] = (2j+1) P */
    zkv_bjj acc, p2;
    bjj_to_cached(&odd[0], p);
    bjj_dbl(&p2, p, 1);
    acc = *p;
    bjj_cached c2;
    bjj_to_cached(&c2, &p2);
    for (int j = 1; j < 8; j++) {
        bjj_add_cached(&acc, &acc, &c2);
        bjj_to_cached(&odd[j], &acc);
    }
    bjj_set_identity(&acc);
    for (int i = n - 1; i >= 0; i--) {
        bjj_dbl(&acc, &acc, digits[i] != 0 || i == 0); /* T is read only by an add */
        if (digits[i] > 0) {
            bjj_add_cached(&acc, &acc, &odd[digits[i] >> 1]);
        } else if (digits[i] < 0) {
            bjj_neg_cached(&neg, &odd[(-digits[i]) >> 1]);
            bjj_add_cached(&acc, &acc, &neg);
        }
    }
    *out = acc;
}

/* Fixed-base table: BASE8_TABLE[i][j] = j * 16^i * Base8 (affine, prepared for mixed
 * addition), i < 64, j < 16: 96 KiB. */
static bjj_precomp BASE8_TABLE[64][16];
static pthread_once_t BASE8_ONCE = PTHREAD_ONCE_INIT;

static void base8_table_build(void) {
    /* All 1024 multiples in extended form, then one batch inversion to make them affine. */
    static zkv_bjj pts[64][16];
    static zkv_fr zs[64 * 16], scratch[64 * 16];
    zkv_bjj base, m;
    bjj_cached cb;
    zkv_bjj_from_affine(&base, &BJJ_BASE8);
    for (int i = 0; i < 64; i++) {
        bjj_set_identity(&pts[i][0]);
        pts[i][1] = base;
        bjj_to_cached(&cb, &base);
        m = base;
        for (int j = 2; j < 16; j++) {
            bjj_add_cached(&m, &m, &cb);
            pts[i][j] = m;
        }
        for (int s = 0; s < 4; s++) bjj_dbl(&base, &base, 1); /* 16 * base */
    }
    for (int i = 0; i < 64 * 16; i++) zs[i] = pts[i / 16][i % 16].z;
    zkv_fr_batch_inv(zs, zs, 64 * 16, scratch);
    for (int i = 0; i < 64 * 16; i++) {
        zkv_fr xs, y; /* affine on the a = -1 curve */
        const zkv_bjj *q = &pts[i / 16][i % 16];
        fr_mul(&xs, &q->x, &zs[i]);
        fr_mul(&y, &q->y, &zs[i]);
        bjj_scaled_to_precomp(&BASE8_TABLE[i / 16][i % 16], &xs, &y);
    }
}

/* The table is built on the first call, under pthread_once, so concurrent first calls are
 * safe; the scan over each 16-entry row is constant-time. */
void zkv_bjj_mul_base8(zkv_bjj *out, const uint8_t k[32]) {
    bjj_precomp sel;
    zkv_bjj acc;
    pthread_once(&BASE8_ONCE, base8_table_build);
    bjj_set_identity(&acc);
    for (int i = 0; i < 64; i++) {
        ct_select_precomp(&sel, BASE8_TABLE[i], nibble(k, i));
        bjj_add_precomp(&acc, &acc, &sel);
    }
    *out = acc;
}

/* ------------------------------------------------------------ MSM (Pippenger) */

/* Window width for n points: about log2(n) - 2, clamped to [2, 12]. */
static int msm_window(size_t n) {
    int lg = 0;
    while (lg < 63 && ((size_t)1 << (lg + 1)) <= n) lg++;
    int c = lg - 2;
    if (c < 2) c = 2;
    if (c > 12) c = 12;
    return c;
}

/* Signed windows of width c cover 256 bits plus one carry window. */
static int msm_windows(int c) { return (256 + c - 1) / c + 1; }

size_t zkv_bjj_msm_scratch_sizeof(size_t n) {
    int c = msm_window(n);
    size_t buckets = (size_t)1 << (c - 1);
    return n * sizeof(bjj_precomp) + buckets * sizeof(zkv_bjj) +
           n * (size_t)msm_windows(c) * sizeof(int16_t) + 64;
}

/* Bits [pos, pos + c) of a 32-byte little-endian scalar (zero past bit 255). */
static inline uint32_t scalar_bits(const uint8_t *k, int pos, int c) {
    uint32_t v = 0;
    for (int b = 0; b < c; b++) {
        int bit = pos + b;
        if (bit < 256) v |= (uint32_t)((k[bit >> 3] >> (bit & 7)) & 1) << b;
    }
    return v;
}

void zkv_bjj_msm_vartime(zkv_bjj *out, const zkv_bjj_affine *points, const uint8_t *scalars,
                         size_t n, void *scratch) {
    int c = msm_window(n);
    int nw = msm_windows(c);
    /* Skip the windows above the largest scalar (tallies and weights are often small);
     * digits are still stored with stride nw, the top windows simply stay unread. */
    int top_bits = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 31; b >= 0; b--)
            if (scalars[32 * i + b]) {
                int bits = 8 * b + 32 - __builtin_clz((unsigned)scalars[32 * i + b]);
                if (bits > top_bits) top_bits = bits;
                break;
            }
    int used = (top_bits + c - 1) / c + 1; /* + 1 for the signed-digit carry */
    if (used > nw) used = nw;
    size_t nb = (size_t)1 << (c - 1);
    /* scratch layout: precomputed points | buckets | digits (each 8-byte aligned by size) */
    uintptr_t base = ((uintptr_t)scratch + 63) & ~(uintptr_t)63;
    bjj_precomp *pre = (bjj_precomp *)base;
    zkv_bjj *buckets = (zkv_bjj *)(pre + n);
    int16_t *digits = (int16_t *)(buckets + nb);

    for (size_t i = 0; i < n; i++) {
        bjj_affine_to_precomp(&pre[i], &points[i]);
        /* signed digits in [-2^(c-1), 2^(c-1)] with a carry into the next window */
        int carry = 0;
        for (int w = 0; w < nw; w++) {
            int d = (int)scalar_bits(scalars + 32 * i, w * c, c) + carry;
            carry = d > (int)nb;
            if (carry) d -= (int)(nb << 1);
            digits[i * (size_t)nw + w] = (int16_t)d;
        }
    }

    zkv_bjj acc, running, total;
    bjj_set_identity(&acc);
    for (int w = used - 1; w >= 0; w--) {
        for (int s = 0; s < c; s++) bjj_dbl(&acc, &acc, s == c - 1);
        for (size_t b = 0; b < nb; b++) bjj_set_identity(&buckets[b]);
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            int d = digits[i * (size_t)nw + w];
            if (d == 0) continue;
            any = 1;
            if (d > 0) {
                bjj_add_precomp(&buckets[d - 1], &buckets[d - 1], &pre[i]);
            } else {
                bjj_precomp q;
                bjj_neg_precomp(&q, &pre[i]);
                bjj_add_precomp(&buckets[-d - 1], &buckets[-d - 1], &q);
            }
        }
        if (!any) continue;
        /* sum_b (b+1) * bucket[b] by running sums from the top */
        bjj_set_identity(&running);
        bjj_set_identity(&total);
        bjj_cached cc;
        for (size_t b = nb; b-- > 0;) {
            bjj_to_cached(&cc, &buckets[b]);
            bjj_add_cached(&running, &running, &cc);
            bjj_to_cached(&cc, &running);
            bjj_add_cached(&total, &total, &cc);
        }
        bjj_to_cached(&cc, &total);
        bjj_add_cached(&acc, &acc, &cc);
    }
    *out = acc;
}

/* ------------------------------------------------------------ column sums (homomorphic tallies) */

/* out[c] = sum over r of the point at in[(r * cols + c) * 64], for c < cols: the per-option sums
 * of a table of ciphertext components. Each input is parsed like zkv_bjj_affine_from_bytes
 * (canonical coordinates, on the curve; not the subgroup) and added with a mixed addition, so
 * a row costs no inversion; the sums stay in extended coordinates for the caller to normalise
 * once. Adds are complete, so the time depends only on rows and cols. On a bad point, out is
 * left partially summed and *bad_index (if non-null) receives its flat index r * cols + c. */
zkv_error zkv_bjj_sum_columns(zkv_bjj *out, const uint8_t *in, size_t rows, size_t cols,
                              size_t *bad_index) {
    for (size_t c = 0; c < cols; c++) bjj_set_identity(&out[c]);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            size_t i = r * cols + c;
            zkv_bjj_affine p;
            zkv_error rc = zkv_bjj_affine_from_bytes(&p, in + 64 * i);
            if (rc != ZKV_OK) {
                if (bad_index) *bad_index = i;
                return rc;
            }
            bjj_precomp q;
            bjj_affine_to_precomp(&q, &p);
            bjj_add_precomp(&out[c], &out[c], &q);
        }
    }
    return ZKV_OK;
}

/* ------------------------------------------------------------ circomlib point compression */

void zkv_bjj_pack(uint8_t out[32], const zkv_bjj_affine *p) {
    uint64_t x[4], y[4];
    fr_to_limbs(x, &p->x);
    fr_to_limbs(y, &p->y);
    limbs_to_le_bytes(out, y);
    /* x > (r-1)/2  <=>  (r-1)/2 < x */
    out[31] |= (uint8_t)(limbs_less_than(BJJ_HALF_R, x) << 7);
}

zkv_error zkv_bjj_unpack(zkv_bjj_affine *out, const uint8_t in[32]) {
    uint8_t buf[32];
    memcpy(buf, in, 32);
    int sign = buf[31] >> 7;
    buf[31] &= 0x7f;
    zkv_bjj_affine p;
    if (zkv_fr_from_bytes(&p.y, buf) != ZKV_OK) return ZKV_NOT_CANONICAL;
    /* x^2 = (1 - y^2) / (a - d*y^2); the denominator is never 0 since a/d is a non-square. */
    zkv_fr y2, num, den, x2, one;
    fr_sqr(&y2, &p.y);
    fr_set_one(&one);
    fr_sub(&num, &one, &y2);
    fr_mul(&den, &y2, &BJJ_D);
    fr_sub(&den, &BJJ_A, &den);
    (void)zkv_fr_inv(&den, &den);
    fr_mul(&x2, &num, &den);
    /* No square root: no curve point has this y. */
    if (zkv_fr_sqrt(&p.x, &x2) != ZKV_OK) return ZKV_NOT_ON_CURVE;
    uint64_t x[4];
    fr_to_limbs(x, &p.x);
    if (limbs_less_than(BJJ_HALF_R, x)) fr_neg(&p.x, &p.x); /* the "positive" root */
    if (sign) {
        /* x = 0 has one encoding only: its sign bit clear. */
        if (fr_is_zero(&p.x)) return ZKV_BAD_ENCODING;
        fr_neg(&p.x, &p.x);
    }
    if (!zkv_bjj_is_on_curve(&p)) return ZKV_NOT_ON_CURVE;
    *out = p;
    return ZKV_OK;
}
