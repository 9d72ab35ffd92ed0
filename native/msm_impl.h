/*
 * msm_impl.h - internal: a generic Pippenger (bucket) multi-scalar multiplication, written once
 * and instantiated per group (G1, G2, BabyJubJub) by defining macros and including this file.
 *
 * Macro contract (define all of these before the #include; they are #undef'd at the end):
 *
 *   MSM_FN                 name of the MSM function to define, with the zkv.h signature
 *                          void MSM_FN(MSM_POINT *out, const MSM_AFFINE *points,
 *                                      const uint8_t *scalars, size_t n, void *scratch)
 *   MSM_SCRATCH_FN         name of the scratch-size function: size_t MSM_SCRATCH_FN(size_t n)
 *   MSM_POINT              projective point type (the accumulators)
 *   MSM_AFFINE             affine point type (the inputs)
 *   MSM_SET_ZERO(p)        *p = the identity
 *   MSM_ADD(o, a, b)       *o = *a + *b, projective; complete (identity, a == b, a == -b);
 *                          o may alias a
 *   MSM_ADD_AFFINE(o, a, b)  *o = *a + *b with b affine; complete for every a and every
 *                          non-identity b; o may alias a
 *   MSM_NEG_AFFINE(o, b)   *o = -*b (affine)
 *   MSM_DOUBLE(o, a)       *o = 2 * *a; o may alias a
 *   MSM_AFFINE_IS_ZERO(b)  nonzero iff *b is the identity (such inputs are skipped)
 *
 * Optional:
 *   MSM_WINDOW_BITS(n)     window width c for n points (1..16); default msm_default_window
 *   MSM_STORAGE            storage class of the two functions (e.g. static, when the
 *                          instantiation is an internal building block); default external
 *
 * Include at most once per translation unit (the helpers are static with fixed names).
 *
 * Algorithm: scalars (n little-endian 32-byte integers, any value < 2^256) are cut into
 * c-bit windows recoded as signed digits in [-2^(c-1), 2^(c-1)], so a window needs only
 * 2^(c-1) buckets and a negative digit adds the negated affine point. Windows are processed
 * from low to high because the signed recoding carries upward; a per-point carry byte in the
 * scratch carries it across windows, so no digit array is stored. Only as many windows as the
 * largest scalar needs are processed (the scalars are public: this is variable time). Each
 * window is reduced with the running-sum trick (2 * 2^(c-1) additions), and the window sums
 * are combined from the top with c doublings each.
 *
 * Scratch layout (no allocation here): [buckets: 2^(c-1) MSM_POINT][window sums:
 * MSM_MAX_WINDOWS MSM_POINT][carries: n bytes].
 */
#include <stddef.h>
#include <stdint.h>

#ifndef MSM_MAX_WINDOWS_FOR
/* enough windows for 256-bit scalars plus the final carry */
#define MSM_MAX_WINDOWS_FOR(c) (256u / (c) + 1u)
#endif

/* Window width: about log2(n) - 2 (balances n additions per window against the 2^c bucket
 * reduction), never below 2 nor above 16 (buckets would stop fitting in cache). */
static unsigned msm_default_window(size_t n) {
    unsigned lg = 0;
    while (lg < 63 && ((size_t)1 << (lg + 1)) <= n) lg++;
    unsigned c = lg > 4 ? lg - 2 : 3;
    if (n < 4) c = 2;
    return c > 16 ? 16 : c;
}

#ifndef MSM_WINDOW_BITS
#define MSM_WINDOW_BITS(n) msm_default_window(n)
#endif

#ifndef MSM_STORAGE
#define MSM_STORAGE
#endif

/* c bits of the 256-bit little-endian scalar s starting at bit off (c <= 16). */
static inline uint32_t msm_bits(const uint8_t *s, unsigned off, unsigned c) {
    unsigned byte = off >> 3;
    uint32_t v = 0;
    for (unsigned k = 0; k < 4 && byte + k < 32; k++) v |= (uint32_t)s[byte + k] << (8 * k);
    return (v >> (off & 7)) & ((1u << c) - 1);
}

/* Bit length of the largest scalar (0 if all are zero). */
static unsigned msm_max_bits(const uint8_t *scalars, size_t n) {
    uint8_t top[32] = {0};
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 32; b++) top[b] |= scalars[32 * i + b];
    for (int b = 31; b >= 0; b--)
        if (top[b]) {
            unsigned bits = 8 * (unsigned)b;
            for (uint8_t v = top[b]; v; v >>= 1) bits++;
            return bits;
        }
    return 0;
}

static size_t msm_align(size_t x) { return (x + 63) & ~(size_t)63; }

MSM_STORAGE size_t MSM_SCRATCH_FN(size_t n) {
    unsigned c = MSM_WINDOW_BITS(n);
    size_t buckets = (size_t)1 << (c - 1);
    return msm_align((buckets + MSM_MAX_WINDOWS_FOR(c)) * sizeof(MSM_POINT)) + msm_align(n);
}

MSM_STORAGE void MSM_FN(MSM_POINT *out, const MSM_AFFINE *points, const uint8_t *scalars,
                        size_t n, void *scratch) {
    unsigned c = MSM_WINDOW_BITS(n);
    size_t nb = (size_t)1 << (c - 1);
    MSM_POINT *buckets = (MSM_POINT *)scratch;
    MSM_POINT *wsum = buckets + nb;
    uint8_t *carry =
        (uint8_t *)scratch + msm_align((nb + MSM_MAX_WINDOWS_FOR(c)) * sizeof(MSM_POINT));

    unsigned nw = msm_max_bits(scalars, n) / c + 1;
    const uint32_t half = 1u << (c - 1), full = 1u << c;
    for (size_t i = 0; i < n; i++) carry[i] = 0;

    for (unsigned w = 0; w < nw; w++) {
        for (size_t b = 0; b < nb; b++) MSM_SET_ZERO(&buckets[b]);
        for (size_t i = 0; i < n; i++) {
            uint32_t d = msm_bits(scalars + 32 * i, w * c, c) + carry[i];
            if (d == 0) continue;
            if (d > half) {
                /* digit d - 2^c < 0: add -P to bucket 2^c - d, carry one into the next window */
                carry[i] = 1;
                if (d == full) continue; /* digit 0 */
                if (MSM_AFFINE_IS_ZERO(&points[i])) continue;
                MSM_AFFINE neg;
                MSM_NEG_AFFINE(&neg, &points[i]);
                MSM_ADD_AFFINE(&buckets[full - d - 1], &buckets[full - d - 1], &neg);
            } else {
                carry[i] = 0;
                if (MSM_AFFINE_IS_ZERO(&points[i])) continue;
                MSM_ADD_AFFINE(&buckets[d - 1], &buckets[d - 1], &points[i]);
            }
        }
        /* sum_b (b+1) * bucket[b] = sum over suffixes of the running sum */
        MSM_POINT running, total;
        MSM_SET_ZERO(&running);
        MSM_SET_ZERO(&total);
        for (size_t b = nb; b-- > 0;) {
            MSM_ADD(&running, &running, &buckets[b]);
            MSM_ADD(&total, &total, &running);
        }
        wsum[w] = total;
    }

    MSM_POINT acc;
    MSM_SET_ZERO(&acc);
    for (unsigned w = nw; w-- > 0;) {
        for (unsigned k = 0; k < c; k++) MSM_DOUBLE(&acc, &acc);
        MSM_ADD(&acc, &acc, &wsum[w]);
    }
    *out = acc;
}

#undef MSM_FN
#undef MSM_SCRATCH_FN
#undef MSM_POINT
#undef MSM_AFFINE
#undef MSM_SET_ZERO
#undef MSM_ADD
#undef MSM_ADD_AFFINE
#undef MSM_NEG_AFFINE
#undef MSM_DOUBLE
#undef MSM_AFFINE_IS_ZERO
#undef MSM_WINDOW_BITS
#undef MSM_STORAGE
