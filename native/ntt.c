/*
 * ntt.c - number-theoretic transform over Fr (2-adicity 28), in place, natural order.
 *
 * Iterative radix-2 Cooley-Tukey (decimation in time): a bit-reversal permutation, then
 * log_n butterfly stages. The twiddles of a stage are generated in chunks into a small stack
 * buffer (one multiplication each, about n in total over all stages), so the transform needs
 * no heap, no global cache and no caller scratch, and stays thread-safe.
 */
#include "field_impl.h"

#define NTT_MAX_LOG 28
#define NTT_CHUNK 512 /* twiddles per chunk: 16 KiB on the stack */

/* 5^((r-1)/2^28) and its inverse, Montgomery form: primitive 2^28-th roots of unity. */
static const uint64_t NTT_ROOT_28[4] = {0x636e735580d13d9cULL, 0xa22bf3742445ffd6ULL,
                                        0x56452ac01eb203d8ULL, 0x1860ef942963f9e7ULL};
static const uint64_t NTT_ROOT_28_INV[4] = {0x89bcc016584bb683ULL, 0xe8d9887f0164a50cULL,
                                            0x755e95cb795eda3dULL, 0x0f572b871323b130ULL};

/* w_(2^log_n) = root_28^(2^(28 - log_n)), or its inverse. */
static void ntt_root(zkv_fr *out, uint32_t log_n, int inverse) {
    memcpy(out->l, inverse ? NTT_ROOT_28_INV : NTT_ROOT_28, sizeof out->l);
    for (uint32_t k = log_n; k < NTT_MAX_LOG; k++) fr_sqr(out, out);
}

zkv_error zkv_fr_root_of_unity(zkv_fr *out, uint32_t log_n) {
    if (log_n > NTT_MAX_LOG) return ZKV_BAD_ARGUMENT;
    ntt_root(out, log_n, 0);
    return ZKV_OK;
}

static void ntt_bit_reverse(zkv_fr *a, uint32_t log_n) {
    size_t n = (size_t)1 << log_n;
    for (size_t i = 1, j = 0; i < n; i++) {
        /* j = bit-reversal of i, maintained by a reversed increment */
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j |= bit;
        if (i < j) {
            zkv_fr t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

/* The unscaled transform with root w (w or w^-1). */
static void ntt_core(zkv_fr *a, uint32_t log_n, int inverse) {
    size_t n = (size_t)1 << log_n;
    zkv_fr tw[NTT_CHUNK];
    ntt_bit_reverse(a, log_n);
    for (uint32_t s = 1; s <= log_n; s++) {
        size_t half = (size_t)1 << (s - 1), len = half << 1;
        zkv_fr wlen, wj;
        ntt_root(&wlen, s, inverse);
        fr_set_one(&wj); /* wlen^j0 at the start of each chunk */
        for (size_t j0 = 0; j0 < half; j0 += NTT_CHUNK) {
            size_t m = half - j0 < NTT_CHUNK ? half - j0 : NTT_CHUNK;
            for (size_t j = 0; j < m; j++) {
                tw[j] = wj;
                fr_mul(&wj, &wj, &wlen);
            }
            /* twiddle w^0 = 1 needs no multiplication: about n/2 fewer over the transform */
            size_t first = j0 == 0 ? 1 : 0;
            for (size_t blk = 0; blk < n; blk += len) {
                zkv_fr *lo = a + blk + j0, *hi = lo + half;
                if (first) {
                    zkv_fr t = hi[0];
                    fr_sub(&hi[0], &lo[0], &t);
                    fr_add(&lo[0], &lo[0], &t);
                }
                for (size_t j = first; j < m; j++) {
                    zkv_fr t;
                    fr_mul(&t, &hi[j], &tw[j]);
                    fr_sub(&hi[j], &lo[j], &t);
                    fr_add(&lo[j], &lo[j], &t);
                }
            }
        }
    }
}

/* a_i *= c * s^i for i < n (c = 1 when c is NULL). */
static void ntt_scale_powers(zkv_fr *a, size_t n, const zkv_fr *c, const zkv_fr *s) {
    zkv_fr f;
    if (c) {
        f = *c;
    } else {
        fr_set_one(&f);
    }
    for (size_t i = 0; i < n; i++) {
        fr_mul(&a[i], &a[i], &f);
        if (s) fr_mul(&f, &f, s);
    }
}

zkv_error zkv_fr_ntt(zkv_fr *a, uint32_t log_n, int inverse) {
    if (log_n > NTT_MAX_LOG) return ZKV_BAD_ARGUMENT;
    ntt_core(a, log_n, inverse);
    if (inverse) {
        zkv_fr ninv;
        fr_inv_pow2(&ninv, log_n);
        ntt_scale_powers(a, (size_t)1 << log_n, &ninv, NULL);
    }
    return ZKV_OK;
}

zkv_error zkv_fr_ntt_coset(zkv_fr *a, uint32_t log_n, const zkv_fr *shift, int inverse) {
    if (log_n > NTT_MAX_LOG) return ZKV_BAD_ARGUMENT;
    size_t n = (size_t)1 << log_n;
    if (!inverse) {
        ntt_scale_powers(a, n, NULL, shift);
        ntt_core(a, log_n, 0);
        return ZKV_OK;
    }
    zkv_fr sinv, ninv;
    if (zkv_fr_inv(&sinv, shift) != ZKV_OK) return ZKV_NOT_INVERTIBLE;
    ntt_core(a, log_n, 1);
    fr_inv_pow2(&ninv, log_n);
    ntt_scale_powers(a, n, &ninv, &sinv); /* 1/n folded into the shift powers */
    return ZKV_OK;
}
