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
 * scalar multiplications dominate: zkv_g1_mul_vartime and zkv_g2_mul_vartime, which split the
 * scalar through each group's endomorphism (GLV on G1, psi on G2; the points are in the
 * order-r subgroup); each stage multiplies half of the points,
 * and the loops run twiddle-outer to derive each w^-j once per stage. The 1/n
 * factor is folded into the last stage (lo scaled by 1/n, hi by w^-j/n), which replaces n
 * scalings and the n/2 free j = 0 products by n products.
 *
 * One generic implementation serves both groups through a small table of operations;
 * the indirect call is noise next to a scalar multiplication.
 */
#include <pthread.h>

#include "field_impl.h"

#define GNTT_MAX_LOG 28

typedef union {
    zkv_g1 g1;
    zkv_g2 g2;
} gntt_point;

typedef struct {
    size_t size; /* bytes of one Jacobian point */
    void (*add)(void *out, const void *a, const void *b);
    void (*neg)(void *out, const void *a);
    void (*mul)(void *out, const void *p, const uint8_t k[32]); /* p in the order-r group */
} gntt_ops;

static void g1_add_v(void *o, const void *a, const void *b) { zkv_g1_add(o, a, b); }
static void g1_neg_v(void *o, const void *a) { zkv_g1_neg(o, a); }
static void g1_mul_v(void *o, const void *p, const uint8_t k[32]) {
    zkv_g1_mul_vartime(o, p, k);
}
static void g2_add_v(void *o, const void *a, const void *b) { zkv_g2_add(o, a, b); }
static void g2_neg_v(void *o, const void *a) { zkv_g2_neg(o, a); }
static void g2_mul_v(void *o, const void *p, const uint8_t k[32]) {
    zkv_g2_mul_vartime(o, p, k);
}

static const gntt_ops GNTT_G1 = {sizeof(zkv_g1), g1_add_v, g1_neg_v, g1_mul_v};
static const gntt_ops GNTT_G2 = {sizeof(zkv_g2), g2_add_v, g2_neg_v, g2_mul_v};

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
        ops->mul(&t, hi, k_hi);
    } else {
        memcpy(&t, hi, ops->size);
    }
    if (k_lo) ops->mul(lo, lo, k_lo);
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
    zkv_fr ninv;
    fr_inv_pow2(&ninv, log_n);

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
    zkv_g2_batch_to_affine(out, jac, n, zs);
    return ZKV_OK;
}
