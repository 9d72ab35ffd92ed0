/*
 * fq_ifma_impl.h - internal: eight BN254 Fq elements side by side in AVX-512 registers, and
 * eight Fq2 elements built on them, for the G1 and G2 batch-affine MSMs (msm_lanes_impl.h).
 * Only compiled where the compiler targets AVX-512 IFMA (-march=native on such a CPU) and
 * ZKV_NO_IFMA is not defined; it then defines ZKV_FQ8.
 *
 * Representation: a value is five 52-bit limbs, limb i of the eight lanes in one __m512i.
 * Multiplication is Montgomery's with R' = 2^260 (five word-by-word rounds of vpmadd52luq /
 * vpmadd52huq), while zkv_fq holds x 2^256 mod q. The lanes therefore take a zkv_fq's limbs as
 * they are: the integer X = x 2^256 read with R' = 2^260 stands for x / 16, and the same
 * integer read back is x again. The callers' formulas are written for those scaled values
 * (see msm_lanes_impl.h); no conversion multiplies are needed at the borders.
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

/* o = a + b, normalised (a + b < 2^260). */
static inline void fq8_add(zkv_fq8 *o, const zkv_fq8 *a, const zkv_fq8 *b) {
    for (int i = 0; i < 5; i++) o->l[i] = _mm512_add_epi64(a->l[i], b->l[i]);
    fq8_normalize(o);
}

/* The lanes in mask become the integer 1, the others keep a. */
static inline void fq8_one_where(zkv_fq8 *o, const zkv_fq8 *a, __mmask8 mask) {
    o->l[0] = _mm512_mask_blend_epi64(mask, a->l[0], fq8_bc(1));
    for (int i = 1; i < 5; i++) o->l[i] = _mm512_maskz_mov_epi64((__mmask8)~mask, a->l[i]);
}

/* Every lane the integer 1 (a nonzero start for a running product). */
static inline void fq8_set_one(zkv_fq8 *o) {
    for (int i = 1; i < 5; i++) o->l[i] = _mm512_setzero_si512();
    o->l[0] = fq8_bc(1);
}

/* 2^266 mod q in 52-bit limbs: fq8_mul by it multiplies an integer by 64 (mod q). */
static const uint64_t FQ8_2_266[5] = {0xbb09513349ca1ULL, 0x24f028f972b34ULL, 0x6092b951e8801ULL,
                                      0xed32e56cdd25aULL, 0x5800320dce9ULL};

/*
 * inv[c] = 1 / (4 v[c]) in the lanes' reading (value x' = X / 2^260 of the integer X), for the
 * sixteen nonzero lane values v[0], v[1] (below 4q), with one scalar batch inversion; inv
 * below 1.1q. Why 64: v' = X / 2^260, so 1 / (4 v') has the integer 2^518 / X = 64 (2^512 / X),
 * and 2^512 / X is the integer of zkv_fq's inverse of X (Montgomery with 2^256).
 */
static inline void fq8_inv4(zkv_fq8 inv[2], const zkv_fq8 v[2]) {
    zkv_fq out[16], tmp[16];
    for (int c = 0; c < 2; c++) {
        zkv_fq8 t;
        fq8_csub_kq(&t, &v[c], 2);
        fq8_csub_kq(&t, &t, 1);
        fq8_store(out + 8 * c, &t);
    }
    fq_batch_inv_vartime(out, 16, tmp); /* every factor is nonzero; all public */
    zkv_fq8 k64;
    for (int i = 0; i < 5; i++) k64.l[i] = fq8_bc(FQ8_2_266[i]);
    for (int c = 0; c < 2; c++) {
        fq8_load(&inv[c], out + 8 * c);
        fq8_mul(&inv[c], &inv[c], &k64);
    }
}

/*
 * Eight Fq2 = Fq[u]/(u^2 + 1) elements: c0 + c1 u, each component an fq8 lane value (read as
 * above: the zkv_fq2's integers over 2^260). Working range: components below 2q, which every
 * operation below returns (and fq2x8_mul also accepts one factor below 8q).
 */
typedef struct {
    zkv_fq8 c0, c1;
} zkv_fq2x8;

/*
 * o = a b by Karatsuba (three lane products), o may alias a or b. Components of a below 8q and
 * of b below 2q, or both below 4q: the products stay below 1.2q (t0, t1) and 1.8q (t2), so
 * c0 = t0 + 2q - t1 < 3.2q and c1 = t2 + 3q - t0 - t1 < 4.8q, which the conditional
 * subtractions bring below 2q.
 */
static inline void fq2x8_mul(zkv_fq2x8 *o, const zkv_fq2x8 *a, const zkv_fq2x8 *b) {
    zkv_fq8 t0, t1, t2, sa, sb;
    fq8_add(&sa, &a->c0, &a->c1);
    fq8_add(&sb, &b->c0, &b->c1);
    fq8_mul(&t0, &a->c0, &b->c0);
    fq8_mul(&t1, &a->c1, &b->c1);
    fq8_mul(&t2, &sa, &sb);
    fq8_sub_kq(&o->c0, &t0, &t1, 2);
    fq8_add(&sa, &t0, &t1);
    fq8_sub_kq(&o->c1, &t2, &sa, 3);
    fq8_csub_kq(&o->c0, &o->c0, 2);
    fq8_csub_kq(&o->c1, &o->c1, 4);
    fq8_csub_kq(&o->c1, &o->c1, 2);
}

/* o = a^2 = (c0 + c1)(c0 - c1) + 2 c0 c1 u, components below 2q in and out; o may alias a. */
static inline void fq2x8_sqr(zkv_fq2x8 *o, const zkv_fq2x8 *a) {
    zkv_fq8 s, d, m;
    fq8_add(&s, &a->c0, &a->c1);
    fq8_sub_kq(&d, &a->c0, &a->c1, 2);
    fq8_mul(&m, &a->c0, &a->c1);
    fq8_mul(&o->c0, &s, &d);
    fq8_add(&o->c1, &m, &m);
    fq8_csub_kq(&o->c1, &o->c1, 2);
}

static inline void fq2x8_sub_kq(zkv_fq2x8 *o, const zkv_fq2x8 *a, const zkv_fq2x8 *b,
                                uint64_t k) {
    fq8_sub_kq(&o->c0, &a->c0, &b->c0, k);
    fq8_sub_kq(&o->c1, &a->c1, &b->c1, k);
}

static inline void fq2x8_csub_kq(zkv_fq2x8 *o, const zkv_fq2x8 *a, uint64_t k) {
    fq8_csub_kq(&o->c0, &a->c0, k);
    fq8_csub_kq(&o->c1, &a->c1, k);
}

static inline void fq2x8_mul4(zkv_fq2x8 *o, const zkv_fq2x8 *a) {
    fq8_mul4(&o->c0, &a->c0);
    fq8_mul4(&o->c1, &a->c1);
}

static inline void fq2x8_one_where(zkv_fq2x8 *o, const zkv_fq2x8 *a, __mmask8 mask) {
    fq8_one_where(&o->c0, &a->c0, mask);
    for (int i = 0; i < 5; i++) o->c1.l[i] = _mm512_maskz_mov_epi64((__mmask8)~mask, a->c1.l[i]);
}

static inline void fq2x8_set_one(zkv_fq2x8 *o) {
    fq8_set_one(&o->c0);
    for (int i = 0; i < 5; i++) o->c1.l[i] = _mm512_setzero_si512();
}

/* inv[c] = 1 / (4 v[c]) for nonzero v (components below 2q): conj(v) / (4 N(v)), with the norm
 * N(v) = c0^2 + c1^2 (below 2.1q) through fq8_inv4; components of inv below 2q. */
static inline void fq2x8_inv4(zkv_fq2x8 inv[2], const zkv_fq2x8 v[2]) {
    zkv_fq8 nrm[2], ninv[2], t;
    for (int c = 0; c < 2; c++) {
        fq8_mul(&nrm[c], &v[c].c0, &v[c].c0);
        fq8_mul(&t, &v[c].c1, &v[c].c1);
        fq8_add(&nrm[c], &nrm[c], &t);
    }
    fq8_inv4(ninv, nrm);
    const zkv_fq8 zero = {{_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                           _mm512_setzero_si512(), _mm512_setzero_si512()}};
    for (int c = 0; c < 2; c++) {
        fq8_sub_kq(&t, &zero, &v[c].c1, 2);
        fq8_mul(&inv[c].c0, &v[c].c0, &ninv[c]);
        fq8_mul(&inv[c].c1, &t, &ninv[c]);
    }
}

/* Lane j = the zkv_fq2 at byte address ptrs[j] + off, and back for the lanes in mask. */
static inline void fq2x8_gather(zkv_fq2x8 *o, __m512i ptrs, int off) {
    fq8_gather(&o->c0, ptrs, off);
    fq8_gather(&o->c1, ptrs, off + 32);
}

static inline void fq2x8_scatter(__m512i ptrs, __mmask8 mask, const zkv_fq2x8 *a, int off) {
    fq8_scatter(ptrs, mask, &a->c0, off);
    fq8_scatter(ptrs, mask, &a->c1, off + 32);
}

/* Words 0..7 of eight zkv_fq2 (c0's four, then c1's) into lanes. */
static inline void fq2x8_from_words(zkv_fq2x8 *o, const __m512i w[8]) {
    fq8_from_words(&o->c0, w[0], w[1], w[2], w[3]);
    fq8_from_words(&o->c1, w[4], w[5], w[6], w[7]);
}

static inline void fq8_from_words_arr(zkv_fq8 *o, const __m512i w[4]) {
    fq8_from_words(o, w[0], w[1], w[2], w[3]);
}

static inline void fq2x8_load(zkv_fq2x8 *o, const zkv_fq2 v[8]) {
    zkv_fq a[8], b[8];
    for (int j = 0; j < 8; j++) {
        a[j] = v[j].c0;
        b[j] = v[j].c1;
    }
    fq8_load(&o->c0, a);
    fq8_load(&o->c1, b);
}

static inline void fq2x8_store(zkv_fq2 v[8], const zkv_fq2x8 *a) {
    zkv_fq x[8], y[8];
    fq8_store(x, &a->c0);
    fq8_store(y, &a->c1);
    for (int j = 0; j < 8; j++) {
        v[j].c0 = x[j];
        v[j].c1 = y[j];
    }
}

#endif /* IFMA */
#endif /* ZKV_FQ_IFMA_IMPL_H */
