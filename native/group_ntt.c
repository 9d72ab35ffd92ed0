/*
 * group_ntt.c - inverse NTT over G1 and G2: Lagrange-basis points from monomial points.
 *
 * Given a_k = tau^k P (k < n = 2^log_n), the inverse transform a_i <- (1/n) sum_k w^(-ik) a_k
 * yields L_i(tau) P, the Lagrange basis of the domain <w> at tau (w from
 * zkv_fr_root_of_unity), which a Groth16 phase 2 needs for tauG1, tauG2, alpha tauG1 and
 * beta tauG1. Same shape as ntt.c: bit-reversal, then log_n radix-2 decimation-in-time stages
 * on Jacobian points in the caller's array (no allocation).
 *
 * Everything here is variable time: the points are public ceremony outputs and the twiddles
 * are public constants, so a wNAF multiplication that branches on the digits is fine. The
 * scalar multiplications dominate, so they use each group's endomorphism (GLV on G1, psi on
 * G2: half the doublings of zkv_g*_mul_vartime); each stage multiplies half of the points,
 * and the loops run twiddle-outer to derive each w^-j once per stage. The 1/n
 * factor is folded into the last stage (lo scaled by 1/n, hi by w^-j/n), which replaces n
 * scalings and the n/2 free j = 0 products by n products.
 *
 * One generic implementation serves both groups through a small table of operations;
 * the indirect call is noise next to a scalar multiplication.
 */
#include <pthread.h>

#include "tower_impl.h"

#define GNTT_MAX_LOG 28

typedef union {
    zkv_g1 g1;
    zkv_g2 g2;
} gntt_point;

/* ------------------------------------------------------------ scalar multiplication */
/*
 * Both groups have an endomorphism E acting as a scalar lam on the points we handle, so a
 * twiddle k splits as k = k1 + k2 lam (mod r) with |k1|, |k2| < 2^127, and k P = k1 P +
 * k2 E(P) costs ~127 doublings (a joint width-5 NAF) instead of ~254:
 *  - G1: E(x, y) = (beta x, y), lam = 36x^3 + 18x^2 + 6x + 1 (a cube root of unity; beta the
 *    matching one in Fq). Babai rounding against the short basis (-(2x+1), 6x^2+2x),
 *    (-(6x^2+4x+1), -(2x+1)) of {(a, b) : a + b lam = 0 mod r} (determinant r):
 *    c1 = round(k (2x+1) / r), c2 = round(k (6x^2+2x) / r), k1 = k - c1 (2x+1) -
 *    c2 (6x^2+4x+1), k2 = c1 (6x^2+2x) - c2 (2x+1). The quotients use G = floor(2^320 b / r),
 *    c = (k G + 2^319) >> 320, within 1/2 + 2^-66 of exact, so |k1|, |k2| < 2^127; k1 and k2
 *    are then exact in two's complement mod 2^128. (g1.c's GLV MSM uses the same lattice.)
 *  - G2: E = psi (untwist-Frobenius-twist), lam = 6x^2 < 2^127 with lam^2 > r: plain division,
 *    k1 = k mod lam, k2 = floor(k / lam).
 * The twiddles are public, so the recoding and the additions may branch on them.
 */
static const uint64_t GNTT_X2P1 = 0x89d3256894d213e3ULL;                       /* 2x + 1 */
static const uint64_t GNTT_6X2_2X[2] = {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL};
static const uint64_t GNTT_6X2_4X_1[2] = {0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL};
static const uint64_t GNTT_G_C1[4] = {0x6eb9c714773a6ef2ULL, 0xd91d232ec7e0b3d7ULL,
                                      0x0000000000000002ULL, 0};
static const uint64_t GNTT_G_C2[4] = {0xa5e38cfb5eaa26d9ULL, 0x7a7bd9d4391eb18dULL,
                                      0x4ccef014a773d2cfULL, 0x0000000000000002ULL};
/* beta (Montgomery form): the cube root of unity of Fq with (beta x, y) = lam (x, y) on G1 */
static const zkv_fq GNTT_BETA = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL,
                                  0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}};

#define GNTT_W 5
#define GNTT_TABLE (1 << (GNTT_W - 2))
#define GNTT_DIGITS 130

static inline zkv_u128 gntt_u128(const uint64_t v[2]) { return ((zkv_u128)v[1] << 64) | v[0]; }

/* (k G + 2^319) >> 320 for k, G < 2^256 (the result fits 128 bits here). */
static zkv_u128 gntt_round_quotient(const uint64_t k[4], const uint64_t g[4]) {
    uint64_t prod[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            zkv_u128 t = (zkv_u128)k[i] * g[j] + prod[i + j] + carry;
            prod[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        prod[i + 4] = carry;
    }
    /* add 2^319 (bit 63 of limb 4), then take limbs 5 and 6 */
    uint64_t old = prod[4];
    prod[4] += 1ULL << 63;
    if (prod[4] < old && ++prod[5] == 0) prod[6]++;
    return ((zkv_u128)prod[6] << 64) | prod[5];
}

/* k (canonical, < r) = k1 + k2 lam for G1, as magnitudes and signs. */
static void gntt_g1_split(zkv_u128 m[2], int neg[2], const uint8_t k[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, k);
    zkv_u128 c1 = gntt_round_quotient(t, GNTT_G_C1), c2 = gntt_round_quotient(t, GNTT_G_C2);
    zkv_u128 low = gntt_u128(t);
    zkv_u128 k1 = low - c1 * GNTT_X2P1 - c2 * gntt_u128(GNTT_6X2_4X_1);
    zkv_u128 k2 = c1 * gntt_u128(GNTT_6X2_2X) - c2 * GNTT_X2P1;
    zkv_u128 parts[2] = {k1, k2};
    for (int i = 0; i < 2; i++) {
        neg[i] = (int)(parts[i] >> 127);
        m[i] = neg[i] ? (zkv_u128)0 - parts[i] : parts[i];
    }
}

/* k (canonical, < r) = k1 + k2 (6x^2) for G2, by binary long division (254 steps). */
static void gntt_g2_split(zkv_u128 m[2], int neg[2], const uint8_t k[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, k);
    zkv_u128 lam = gntt_u128(TW_SIX_X2), rem = 0, quo = 0;
    for (int bit = 255; bit >= 0; bit--) {
        rem = (rem << 1) | ((t[bit >> 6] >> (bit & 63)) & 1); /* rem < 2 lam < 2^128 */
        quo <<= 1;
        if (rem >= lam) {
            rem -= lam;
            quo |= 1;
        }
    }
    m[0] = rem;
    m[1] = quo;
    neg[0] = neg[1] = 0;
}

/* Width-5 NAF of k < 2^127; returns the digit count (<= 128). */
static int gntt_wnaf(int8_t d[GNTT_DIGITS], zkv_u128 k) {
    int len = 0;
    while (k) {
        int v = 0;
        if (k & 1) {
            v = (int)(k & ((1u << GNTT_W) - 1));
            if (v >= 1 << (GNTT_W - 1)) v -= 1 << GNTT_W;
            k = v > 0 ? k - (zkv_u128)v : k + (zkv_u128)(-v);
        }
        d[len++] = (int8_t)v;
        k >>= 1;
    }
    return len;
}

typedef struct {
    size_t size; /* bytes of one Jacobian point */
    void (*add)(void *out, const void *a, const void *b);
    void (*dbl)(void *out, const void *a);
    void (*neg)(void *out, const void *a);
    void (*endo)(void *out, const void *a); /* E, acting as lam */
    void (*split)(zkv_u128 m[2], int neg[2], const uint8_t k[32]);
} gntt_ops;

/* out = k p for a canonical k (< r), p in the order-r subgroup; out may alias p. */
static void gntt_mul(void *out, const void *p, const uint8_t k[32], const gntt_ops *ops) {
    zkv_u128 m[2];
    int neg[2], len[2];
    int8_t d[2][GNTT_DIGITS];
    gntt_point table[2][GNTT_TABLE], p2, acc, tmp;
    ops->split(m, neg, k);
    for (int s = 0; s < 2; s++) len[s] = gntt_wnaf(d[s], m[s]);
    /* odd multiples P, 3P, ..., 15P, and their images under E (a group homomorphism) */
    memcpy(&table[0][0], p, ops->size);
    if (neg[0]) ops->neg(&table[0][0], &table[0][0]);
    ops->dbl(&p2, &table[0][0]);
    for (int i = 1; i < GNTT_TABLE; i++) ops->add(&table[0][i], &table[0][i - 1], &p2);
    for (int i = 0; i < GNTT_TABLE; i++) {
        ops->endo(&table[1][i], &table[0][i]);
        if (neg[0] != neg[1]) ops->neg(&table[1][i], &table[1][i]);
    }
    int top = len[0] > len[1] ? len[0] : len[1], started = 0;
    for (int i = top - 1; i >= 0; i--) {
        if (started) ops->dbl(&acc, &acc);
        for (int s = 0; s < 2; s++) {
            int v = i < len[s] ? d[s][i] : 0;
            if (!v) continue;
            const gntt_point *e = &table[s][(v > 0 ? v : -v) >> 1];
            if (v < 0) {
                ops->neg(&tmp, e);
                e = &tmp;
            }
            if (started) {
                ops->add(&acc, &acc, e);
            } else {
                memcpy(&acc, e, ops->size);
                started = 1;
            }
        }
    }
    if (!started) { /* k = 0: the identity, built as p + (-p) */
        ops->neg(&tmp, p);
        ops->add(&acc, p, &tmp);
    }
    memcpy(out, &acc, ops->size);
}

static void g1_add_v(void *o, const void *a, const void *b) { zkv_g1_add(o, a, b); }
static void g1_dbl_v(void *o, const void *a) { zkv_g1_double(o, a); }
static void g1_neg_v(void *o, const void *a) { zkv_g1_neg(o, a); }
static void g1_endo_v(void *o, const void *a) {
    const zkv_g1 *p = a;
    zkv_g1 *q = o;
    fq_mul(&q->x, &p->x, &GNTT_BETA);
    q->y = p->y;
    q->z = p->z;
}
static void g2_add_v(void *o, const void *a, const void *b) { zkv_g2_add(o, a, b); }
static void g2_dbl_v(void *o, const void *a) { zkv_g2_double(o, a); }
static void g2_neg_v(void *o, const void *a) { zkv_g2_neg(o, a); }
/* psi on Jacobian points: conjugation commutes with X / Z^2, so (conj(X) g1, conj(Y) g2,
 * conj(Z)) with the affine map's constants (tw_g2_affine_frobenius, n = 1). */
static void g2_endo_v(void *o, const void *a) {
    const zkv_g2 *p = a;
    zkv_g2 *q = o;
    fq2_conj(&q->x, &p->x);
    fq2_conj(&q->y, &p->y);
    fq2_conj(&q->z, &p->z);
    fq2_mul(&q->x, &q->x, &TW_FROB1[1]);
    fq2_mul(&q->y, &q->y, &TW_FROB1[2]);
}

static const gntt_ops GNTT_G1 = {sizeof(zkv_g1), g1_add_v, g1_dbl_v, g1_neg_v, g1_endo_v,
                                 gntt_g1_split};
static const gntt_ops GNTT_G2 = {sizeof(zkv_g2), g2_add_v, g2_dbl_v, g2_neg_v, g2_endo_v,
                                 gntt_g2_split};

static inline uint8_t *gntt_at(void *a, const gntt_ops *ops, size_t i) {
    return (uint8_t *)a + i * ops->size;
}

static void gntt_bit_reverse(void *a, const gntt_ops *ops, uint32_t log_n) {
    size_t n = (size_t)1 << log_n;
    gntt_point t;
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j |= bit;
        if (i < j) {
            memcpy(&t, gntt_at(a, ops, i), ops->size);
            memcpy(gntt_at(a, ops, i), gntt_at(a, ops, j), ops->size);
            memcpy(gntt_at(a, ops, j), &t, ops->size);
        }
    }
}

/* lo, hi <- lo + t, lo - t with t = k_hi * hi (k_hi NULL: t = hi), lo first scaled by k_lo
 * when k_lo is not NULL. */
static void gntt_butterfly(uint8_t *lo, uint8_t *hi, const gntt_ops *ops, const uint8_t *k_lo,
                           const uint8_t *k_hi) {
    gntt_point t, u;
    if (k_hi) {
        gntt_mul(&t, hi, k_hi, ops);
    } else {
        memcpy(&t, hi, ops->size);
    }
    if (k_lo) gntt_mul(lo, lo, k_lo, ops);
    ops->neg(&u, &t);
    ops->add(hi, lo, &u);
    ops->add(lo, lo, &t);
}

/*
 * Threads: the n/2 butterflies of a stage are independent, so each stage is cut into
 * contiguous ranges of butterfly indices b = j * blocks + block (twiddle-major order), one
 * range per thread, joined before the next stage. A range starts its twiddle with one
 * exponentiation and then steps it by multiplication. If a thread cannot be started, the
 * calling thread runs its range (same result, less parallelism).
 */
#define GNTT_MAX_THREADS 64

typedef struct {
    void *a;
    const gntt_ops *ops;
    size_t n, half, b0, b1;
    zkv_fr wlen, ninv; /* wlen = w_len^-1 of the stage */
    int last;
} gntt_job;

static void gntt_stage_range(const gntt_job *jb) {
    size_t blocks = jb->n / (2 * jb->half), b = jb->b0;
    if (b >= jb->b1) return;
    size_t j = b / blocks;
    uint8_t e[32] = {0}, k[32], ninv_bytes[32];
    for (int i = 0; i < 8; i++) e[i] = (uint8_t)((uint64_t)j >> (8 * i));
    zkv_fr wj, kj;
    zkv_fr_pow(&wj, &jb->wlen, e);
    zkv_fr_to_bytes(ninv_bytes, &jb->ninv);
    while (b < jb->b1) {
        const uint8_t *k_hi = NULL;
        if (jb->last) {
            fr_mul(&kj, &wj, &jb->ninv);
            zkv_fr_to_bytes(k, &kj);
            k_hi = k;
        } else if (j) {
            zkv_fr_to_bytes(k, &wj);
            k_hi = k;
        }
        for (size_t blk = b % blocks; blk < blocks && b < jb->b1; blk++, b++) {
            size_t lo = blk * 2 * jb->half + j;
            gntt_butterfly(gntt_at(jb->a, jb->ops, lo), gntt_at(jb->a, jb->ops, lo + jb->half),
                           jb->ops, jb->last ? ninv_bytes : NULL, k_hi);
        }
        j++;
        fr_mul(&wj, &wj, &jb->wlen);
    }
}

static void *gntt_stage_worker(void *arg) {
    gntt_stage_range(arg);
    return NULL;
}

static zkv_error gntt_inverse(void *a, const gntt_ops *ops, uint32_t log_n, uint32_t threads) {
    if (log_n > GNTT_MAX_LOG) return ZKV_BAD_ARGUMENT;
    if (log_n == 0) return ZKV_OK; /* n = 1: the transform and 1/n are the identity */
    size_t n = (size_t)1 << log_n, per_stage = n / 2;
    size_t t = threads < 1 ? 1 : threads > GNTT_MAX_THREADS ? GNTT_MAX_THREADS : threads;
    if (t > per_stage) t = per_stage;
    zkv_fr ninv, two;
    fr_from_u64(&two, 2);
    zkv_fr_inv(&two, &two);
    fr_set_one(&ninv);
    for (uint32_t s = 0; s < log_n; s++) fr_mul(&ninv, &ninv, &two);

    gntt_bit_reverse(a, ops, log_n);
    gntt_job jobs[GNTT_MAX_THREADS];
    pthread_t tids[GNTT_MAX_THREADS];
    int started[GNTT_MAX_THREADS];
    for (uint32_t s = 1; s <= log_n; s++) {
        zkv_fr wlen;
        zkv_fr_root_of_unity(&wlen, s);
        zkv_fr_inv(&wlen, &wlen);
        for (size_t i = 0; i < t; i++) {
            gntt_job jb = {a, ops, n, (size_t)1 << (s - 1), per_stage * i / t,
                           per_stage * (i + 1) / t, wlen, ninv, s == log_n};
            jobs[i] = jb;
        }
        /* threads 1..t-1 in the background, range 0 here */
        for (size_t i = 1; i < t; i++)
            started[i] = pthread_create(&tids[i], NULL, gntt_stage_worker, &jobs[i]) == 0;
        gntt_stage_range(&jobs[0]);
        for (size_t i = 1; i < t; i++) {
            if (started[i]) {
                pthread_join(tids[i], NULL);
            } else {
                gntt_stage_range(&jobs[i]);
            }
        }
    }
    return ZKV_OK;
}

zkv_error zkv_g1_intt_vartime(zkv_g1 *a, uint32_t log_n, uint32_t threads) {
    return gntt_inverse(a, &GNTT_G1, log_n, threads);
}

zkv_error zkv_g2_intt_vartime(zkv_g2 *a, uint32_t log_n, uint32_t threads) {
    return gntt_inverse(a, &GNTT_G2, log_n, threads);
}

/* ------------------------------------------------------------ affine in, affine out */

/* Montgomery's trick over the z's, as zkv_g1_batch_to_affine does for G1 (g2.c keeps its
 * own copy private); identities (z = 0) pass with a factor 1. scratch holds n. */
static void gntt_g2_batch_to_affine(zkv_g2_affine *out, const zkv_g2 *in, size_t n,
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
        zkv_fq2 zi, zi2;
        fq2_mul(&zi, &inv, &scratch[i]);
        fq2_mul(&inv, &inv, &in[i].z);
        fq2_sqr(&zi2, &zi);
        fq2_mul(&out[i].x, &in[i].x, &zi2);
        fq2_mul(&zi2, &zi2, &zi);
        fq2_mul(&out[i].y, &in[i].y, &zi2);
    }
}

static size_t gntt_align(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

size_t zkv_g1_lagrange_scratch_sizeof(uint32_t log_n) {
    if (log_n > GNTT_MAX_LOG) return 0;
    size_t n = (size_t)1 << log_n;
    return gntt_align(n * sizeof(zkv_g1)) + n * sizeof(zkv_fq);
}

size_t zkv_g2_lagrange_scratch_sizeof(uint32_t log_n) {
    if (log_n > GNTT_MAX_LOG) return 0;
    size_t n = (size_t)1 << log_n;
    return gntt_align(n * sizeof(zkv_g2)) + n * sizeof(zkv_fq2);
}

zkv_error zkv_g1_lagrange_vartime(zkv_g1_affine *out, const zkv_g1_affine *in, size_t m,
                                  uint32_t log_n, uint32_t threads, void *scratch) {
    if (log_n > GNTT_MAX_LOG || m > ((size_t)1 << log_n)) return ZKV_BAD_ARGUMENT;
    size_t n = (size_t)1 << log_n;
    zkv_g1 *jac = scratch;
    zkv_fq *zs = (zkv_fq *)((uint8_t *)scratch + gntt_align(n * sizeof(zkv_g1)));
    zkv_g1_affine zero;
    memset(&zero, 0, sizeof zero);
    for (size_t i = 0; i < n; i++) zkv_g1_from_affine(&jac[i], i < m ? &in[i] : &zero);
    zkv_error rc = zkv_g1_intt_vartime(jac, log_n, threads);
    if (rc != ZKV_OK) return rc;
    zkv_g1_batch_to_affine(out, jac, n, zs);
    return ZKV_OK;
}

zkv_error zkv_g2_lagrange_vartime(zkv_g2_affine *out, const zkv_g2_affine *in, size_t m,
                                  uint32_t log_n, uint32_t threads, void *scratch) {
    if (log_n > GNTT_MAX_LOG || m > ((size_t)1 << log_n)) return ZKV_BAD_ARGUMENT;
    size_t n = (size_t)1 << log_n;
    zkv_g2 *jac = scratch;
    zkv_fq2 *zs = (zkv_fq2 *)((uint8_t *)scratch + gntt_align(n * sizeof(zkv_g2)));
    zkv_g2_affine zero;
    memset(&zero, 0, sizeof zero);
    for (size_t i = 0; i < n; i++) zkv_g2_from_affine(&jac[i], i < m ? &in[i] : &zero);
    zkv_error rc = zkv_g2_intt_vartime(jac, log_n, threads);
    if (rc != ZKV_OK) return rc;
    gntt_g2_batch_to_affine(out, jac, n, zs);
    return ZKV_OK;
}
