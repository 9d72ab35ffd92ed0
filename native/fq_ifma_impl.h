/*
 * fq_ifma_impl.h - internal: eight BN254 Fq elements side by side in AVX-512 registers, for
 * the G1 batch-affine MSM (g1.c). Only compiled where the compiler targets AVX-512 IFMA
 * (-march=native on such a CPU) and ZKV_NO_IFMA is not defined; it then defines ZKV_FQ8.
 *
 * Representation: a value is five 52-bit limbs, limb i of the eight lanes in one __m512i.
 * Multiplication is Montgomery's with R' = 2^260 (five word-by-word rounds of vpmadd52luq /
 * vpmadd52huq), while zkv_fq holds x 2^256 mod q. The lanes therefore take a zkv_fq's limbs as
 * they are: the integer X = x 2^256 read with R' = 2^260 stands for x / 16, and the same
 * integer read back is x again. The callers' formulas are written for those scaled values
 * (see g1.c); no conversion multiplies are needed at the borders.
 *
 * Ranges (q < 0.76 * 2^254, so q / 2^260 < 1/84): fq8_mul returns T < a b / 2^260 + q, so
 * inputs below 4q give T < 1.2q and inputs below 2q and 16q give T < 1.4q. Every limb that
 * enters a multiplication must be below 2^52 (the instructions read 52 bits): results of
 * fq8_mul, fq8_sub_kq and the loads are normalised. Variable time is not an issue here (public
 * points), but nothing below branches on a value anyway.
 */
#ifndef ZKV_FQ_IFMA_IMPL_H
#define ZKV_FQ_IFMA_IMPL_H

#if defined(__AVX512IFMA__) && defined(__AVX512F__) && !defined(ZKV_NO_IFMA)
#define ZKV_FQ8 1
#include <immintrin.h>
#include <stdint.h>
#include "zkv.h"

typedef struct {
    __m512i l[5];
} zkv_fq8;

#define FQ8_MASK52 0xfffffffffffffULL
/* q in 52-bit limbs, and -q^-1 mod 2^52 */
static const uint64_t FQ8_Q[5] = {0x8c16d87cfd47ULL, 0x916871ca8d3c2ULL, 0x181585d97816aULL,
                                  0xa029b85045b68ULL, 0x30644e72e131ULL};
#define FQ8_QINV 0x20782e4866389ULL

static inline __m512i fq8_bc(uint64_t v) { return _mm512_set1_epi64((long long)v); }

/* Carry-propagate signed limbs (each |limb| < 2^62) into 52-bit limbs; the top limb keeps the
 * rest, so the value is unchanged and, if it is nonnegative, every limb is then in [0, 2^52). */
static inline void fq8_normalize(zkv_fq8 *a) {
    const __m512i m = fq8_bc(FQ8_MASK52);
    for (int i = 0; i < 4; i++) {
        a->l[i + 1] = _mm512_add_epi64(a->l[i + 1], _mm512_srai_epi64(a->l[i], 52));
        a->l[i] = _mm512_and_si512(a->l[i], m);
    }
}

/* o = a + k q - b, normalised; needs b < k q (then o < a + k q). k is small (1..8). */
static inline void fq8_sub_kq(zkv_fq8 *o, const zkv_fq8 *a, const zkv_fq8 *b, uint64_t k) {
    for (int i = 0; i < 5; i++)
        o->l[i] = _mm512_sub_epi64(_mm512_add_epi64(a->l[i], fq8_bc(k * FQ8_Q[i])), b->l[i]);
    fq8_normalize(o);
}

/* o = 4 a, normalised (a < 2^258). */
static inline void fq8_mul4(zkv_fq8 *o, const zkv_fq8 *a) {
    for (int i = 0; i < 5; i++) o->l[i] = _mm512_slli_epi64(a->l[i], 2);
    fq8_normalize(o);
}

/* o = a - k q in the lanes where a >= k q, else a (k q fits 260 bits). */
static inline void fq8_csub_kq(zkv_fq8 *o, const zkv_fq8 *a, uint64_t k) {
    zkv_fq8 d;
    for (int i = 0; i < 5; i++) d.l[i] = _mm512_sub_epi64(a->l[i], fq8_bc(k * FQ8_Q[i]));
    fq8_normalize(&d);
    __mmask8 neg = _mm512_cmplt_epi64_mask(d.l[4], _mm512_setzero_si512());
    for (int i = 0; i < 5; i++) o->l[i] = _mm512_mask_blend_epi64(neg, d.l[i], a->l[i]);
}

/*
 * o = a b / 2^260 mod q, T < a b / 2^260 + q (see the ranges above), limbs normalised; o may
 * alias a or b. Five rounds: t += a b_i, then t += m q with m = -t_0 / q mod 2^52, which
 * clears the low limb, and the accumulator moves down one limb. Limbs of t collect at most
 * about twenty 52-bit terms, far below 2^64.
 */
static inline void fq8_mul(zkv_fq8 *o, const zkv_fq8 *a, const zkv_fq8 *b) {
    const __m512i z = _mm512_setzero_si512();
    const __m512i q0 = fq8_bc(FQ8_Q[0]), q1 = fq8_bc(FQ8_Q[1]), q2 = fq8_bc(FQ8_Q[2]),
                  q3 = fq8_bc(FQ8_Q[3]), q4 = fq8_bc(FQ8_Q[4]), qinv = fq8_bc(FQ8_QINV);
    const __m512i a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3], a4 = a->l[4];
    __m512i t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5;
    for (int i = 0; i < 5; i++) {
        const __m512i bi = b->l[i];
        t0 = _mm512_madd52lo_epu64(t0, a0, bi);
        const __m512i m = _mm512_madd52lo_epu64(z, t0, qinv);
        t1 = _mm512_madd52lo_epu64(t1, a1, bi);
        t2 = _mm512_madd52lo_epu64(t2, a2, bi);
        t3 = _mm512_madd52lo_epu64(t3, a3, bi);
        t4 = _mm512_madd52lo_epu64(t4, a4, bi);
        t1 = _mm512_madd52hi_epu64(t1, a0, bi);
        t2 = _mm512_madd52hi_epu64(t2, a1, bi);
        t3 = _mm512_madd52hi_epu64(t3, a2, bi);
        t4 = _mm512_madd52hi_epu64(t4, a3, bi);
        t5 = _mm512_madd52hi_epu64(z, a4, bi);
        t0 = _mm512_madd52lo_epu64(t0, m, q0);
        t1 = _mm512_madd52lo_epu64(t1, m, q1);
        t2 = _mm512_madd52lo_epu64(t2, m, q2);
        t3 = _mm512_madd52lo_epu64(t3, m, q3);
        t4 = _mm512_madd52lo_epu64(t4, m, q4);
        t1 = _mm512_madd52hi_epu64(t1, m, q0);
        t2 = _mm512_madd52hi_epu64(t2, m, q1);
        t3 = _mm512_madd52hi_epu64(t3, m, q2);
        t4 = _mm512_madd52hi_epu64(t4, m, q3);
        t5 = _mm512_madd52hi_epu64(t5, m, q4);
        /* t0 is now a multiple of 2^52: drop it, keeping its carry */
        t0 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
        t1 = t2;
        t2 = t3;
        t3 = t4;
        t4 = t5;
    }
    o->l[0] = t0;
    o->l[1] = t1;
    o->l[2] = t2;
    o->l[3] = t3;
    o->l[4] = t4;
    fq8_normalize(o);
}

/* 4x64 limbs of 8 values (lane j from w[j]) into 52-bit limbs; the value is unchanged. */
static inline void fq8_from_words(zkv_fq8 *o, __m512i w0, __m512i w1, __m512i w2, __m512i w3) {
    const __m512i m = fq8_bc(FQ8_MASK52);
    o->l[0] = _mm512_and_si512(w0, m);
    o->l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w0, 52), _mm512_slli_epi64(w1, 12)), m);
    o->l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w1, 40), _mm512_slli_epi64(w2, 24)), m);
    o->l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w2, 28), _mm512_slli_epi64(w3, 36)), m);
    o->l[4] = _mm512_srli_epi64(w3, 16);
}

/* The inverse of fq8_from_words for a value below 2^256. */
static inline void fq8_to_words(__m512i w[4], const zkv_fq8 *a) {
    w[0] = _mm512_or_si512(a->l[0], _mm512_slli_epi64(a->l[1], 52));
    w[1] = _mm512_or_si512(_mm512_srli_epi64(a->l[1], 12), _mm512_slli_epi64(a->l[2], 40));
    w[2] = _mm512_or_si512(_mm512_srli_epi64(a->l[2], 24), _mm512_slli_epi64(a->l[3], 28));
    w[3] = _mm512_or_si512(_mm512_srli_epi64(a->l[3], 36), _mm512_slli_epi64(a->l[4], 16));
}

/* Lane j = the zkv_fq at byte address ptrs[j] + off. */
static inline void fq8_gather(zkv_fq8 *o, __m512i ptrs, int off) {
    __m512i w[4];
    for (int i = 0; i < 4; i++)
        w[i] = _mm512_i64gather_epi64(_mm512_add_epi64(ptrs, fq8_bc((uint64_t)(off + 8 * i))),
                                      NULL, 1);
    fq8_from_words(o, w[0], w[1], w[2], w[3]);
}

/* The zkv_fq at byte address ptrs[j] + off = lane j of a (below 2^256), for the lanes in
 * mask. */
static inline void fq8_scatter(__m512i ptrs, __mmask8 mask, const zkv_fq8 *a, int off) {
    __m512i w[4];
    fq8_to_words(w, a);
    for (int i = 0; i < 4; i++)
        _mm512_mask_i64scatter_epi64(NULL, mask,
                                     _mm512_add_epi64(ptrs, fq8_bc((uint64_t)(off + 8 * i))),
                                     w[i], 1);
}

/* All eight lanes from zkv_fq values (contiguous). */
static inline void fq8_load(zkv_fq8 *o, const zkv_fq v[8]) {
    const __m512i idx = _mm512_set_epi64(28, 24, 20, 16, 12, 8, 4, 0);
    const long long *base = (const long long *)v;
    fq8_from_words(o, _mm512_i64gather_epi64(idx, base, 8),
                   _mm512_i64gather_epi64(_mm512_add_epi64(idx, fq8_bc(1)), base, 8),
                   _mm512_i64gather_epi64(_mm512_add_epi64(idx, fq8_bc(2)), base, 8),
                   _mm512_i64gather_epi64(_mm512_add_epi64(idx, fq8_bc(3)), base, 8));
}

static inline void fq8_store(zkv_fq v[8], const zkv_fq8 *a) {
    __m512i w[4];
    fq8_to_words(w, a);
    uint64_t buf[4][8];
    for (int i = 0; i < 4; i++) _mm512_storeu_si512((void *)buf[i], w[i]);
    for (int j = 0; j < 8; j++)
        for (int i = 0; i < 4; i++) v[j].l[i] = buf[i][j];
}

#endif /* IFMA */
#endif /* ZKV_FQ_IFMA_IMPL_H */
