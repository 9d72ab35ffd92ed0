/*
 * msm_lanes_impl.h - internal: the batch-affine engine's additions (msm_impl.h's
 * MSM_BA_FLUSH_VEC) on eight AVX-512 IFMA lanes, once for G1 over fq8 and once for G2 over
 * fq2x8 (fq_ifma_impl.h). Include after the engine (it reads the engine's aop type), with:
 *   MSM_LANES_NAME(x)   prefix of what it defines: MSM_LANES_NAME(add_batch)(ops, m, spec, mem)
 *                       is the hook, MSM_LANES_NAME(scratch)(k) its scratch bytes
 *   MSM_LANES_AOP       the engine's aop type ({d, dused, p}, the two points affine {x, y})
 *   MSM_LANES_F         the lane field; MSM_LANES_XWORDS the 64-bit words of one coordinate
 *   MSM_LANES_F_FROM_WORDS(o, w), _GATHER(o, ptrs, off), _SCATTER(ptrs, mask, a, off),
 *   _SUB1(o, a, b) = a + q - b, _CSUB(o, a, k), _MUL, _SQR, _MUL4, _ONE_WHERE(o, a, mask),
 *   _SET_ONE(o), _INV4(inv[2], v[2]) = 1 / (4 v)  (fq_ifma_impl.h's contracts and ranges: each
 *                       product's components below 2q from factors below 2q, one may be below 8q)
 *
 * ops[k].d += ops[k].p for k < m (the d pairwise distinct), eight additions per step: group g
 * holds additions 8g..8g+7, lane j addition 8g + j. Each lane runs a prefix product of the
 * denominators in two chains (even and odd groups, so that consecutive products do not wait
 * on each other); the sixteen chain products share one scalar inversion. Additions with equal
 * x-coordinates (doublings, cancellations) are left out of the lanes and their indices written
 * to spec (the return value counts them) for the scalar batch.
 *
 * The lanes read a zkv_fq's integer X = x 2^256 as x' = x / 16 (Montgomery with 2^260), so the
 * formulas run on x' = x / 16, y' = y / 16 (componentwise in Fq2). With d' = px' - bx' and
 * l = (py' - by') / (4 d') = lambda / 4: x3' = l^2 - bx' - px' and y3' = 4 l (bx' - x3') - by'
 * are exactly x3 / 16 and y3 / 16, whose integers are x3 2^256 and y3 2^256: the limbs,
 * written back as they come. The 1/4 rides on the inversion: each lane's running inverse
 * starts at 1 / (4 P') for its product P' of the d'.
 * Ranges: inputs canonical; d', py' - by' < 2q; products < 2q; x3' < 4q and y3' < 3q before
 * the conditional subtractions that make them canonical.
 */
_Static_assert(sizeof(MSM_LANES_AOP) == 24 && offsetof(MSM_LANES_AOP, d) == 0 &&
                   offsetof(MSM_LANES_AOP, p) == 16,
               "the lanes gather the op pointers");

/* Lanes past the end read these: an addition with a nonzero denominator (x differs in its
 * first word), never written. */
static const uint64_t MSM_LANES_NAME(dummy_b)[2 * MSM_LANES_XWORDS] = {0};
static const uint64_t MSM_LANES_NAME(dummy_p)[2 * MSM_LANES_XWORDS] = {1};

static size_t MSM_LANES_NAME(scratch)(size_t k) {
    return ((k + 7) / 8) * sizeof(MSM_LANES_F) + 64;
}

/* Group g's destination and source pointers; lanes past m read the dummies. */
static inline __mmask8 MSM_LANES_NAME(ptrs)(__m512i *dp, __m512i *pp, const MSM_LANES_AOP *ops,
                                            size_t m, size_t g) {
    const __m512i idx = _mm512_set_epi64(21, 18, 15, 12, 9, 6, 3, 0);
    size_t left = m - 8 * g;
    __mmask8 valid = left >= 8 ? (__mmask8)0xff : (__mmask8)((1u << left) - 1);
    const long long *base = (const long long *)(const void *)(ops + 8 * g);
    *dp = _mm512_mask_i64gather_epi64(fq8_bc((uint64_t)(uintptr_t)MSM_LANES_NAME(dummy_b)), valid,
                                      idx, base, 8);
    *pp = _mm512_mask_i64gather_epi64(fq8_bc((uint64_t)(uintptr_t)MSM_LANES_NAME(dummy_p)), valid,
                                      _mm512_add_epi64(idx, fq8_bc(2)), base, 8);
    return valid;
}

/* The x-coordinates of group g's lanes, the lanes whose two x are equal, and the
 * denominators px' - bx' (1 in those lanes, so that they pass through the products). */
static inline __mmask8 MSM_LANES_NAME(den)(MSM_LANES_F *den, MSM_LANES_F *bx, MSM_LANES_F *px,
                                           __m512i dp, __m512i pp) {
    __m512i bw[MSM_LANES_XWORDS], pw[MSM_LANES_XWORDS];
    __mmask8 eq = 0xff;
    for (int i = 0; i < MSM_LANES_XWORDS; i++) {
        bw[i] = _mm512_i64gather_epi64(_mm512_add_epi64(dp, fq8_bc(8 * (uint64_t)i)), NULL, 1);
        pw[i] = _mm512_i64gather_epi64(_mm512_add_epi64(pp, fq8_bc(8 * (uint64_t)i)), NULL, 1);
        eq &= _mm512_cmpeq_epi64_mask(bw[i], pw[i]);
    }
    MSM_LANES_F_FROM_WORDS(bx, bw);
    MSM_LANES_F_FROM_WORDS(px, pw);
    MSM_LANES_F_SUB1(den, px, bx);
    MSM_LANES_F_ONE_WHERE(den, den, eq);
    return eq;
}

/* The second half of group g's additions once dinv = 1 / (4 d') is known, for nsteps groups
 * side by side (independent dependency chains that the core can overlap). */
static inline void MSM_LANES_NAME(finish)(int nsteps, const __m512i dp[2], const __m512i pp[2],
                                          const __mmask8 write[2], const MSM_LANES_F bx[2],
                                          const MSM_LANES_F px[2], const MSM_LANES_F dinv[2]) {
    const int yoff = 8 * MSM_LANES_XWORDS;
    MSM_LANES_F by[2], py[2], t[2], lam[2], x3[2], y3[2];
    for (int s = 0; s < nsteps; s++) {
        MSM_LANES_F_GATHER(&by[s], dp[s], yoff);
        MSM_LANES_F_GATHER(&py[s], pp[s], yoff);
        MSM_LANES_F_SUB1(&t[s], &py[s], &by[s]);
    }
    for (int s = 0; s < nsteps; s++) MSM_LANES_F_MUL(&lam[s], &t[s], &dinv[s]);
    for (int s = 0; s < nsteps; s++) MSM_LANES_F_SQR(&x3[s], &lam[s]);
    for (int s = 0; s < nsteps; s++) {
        MSM_LANES_F_SUB1(&x3[s], &x3[s], &bx[s]);
        MSM_LANES_F_SUB1(&x3[s], &x3[s], &px[s]);
        MSM_LANES_F_CSUB(&x3[s], &x3[s], 2);
        MSM_LANES_F_CSUB(&x3[s], &x3[s], 1);
        MSM_LANES_F_SUB1(&t[s], &bx[s], &x3[s]);
        MSM_LANES_F_MUL4(&t[s], &t[s]);
    }
    for (int s = 0; s < nsteps; s++) MSM_LANES_F_MUL(&y3[s], &t[s], &lam[s]);
    for (int s = 0; s < nsteps; s++) {
        MSM_LANES_F_SUB1(&y3[s], &y3[s], &by[s]);
        MSM_LANES_F_CSUB(&y3[s], &y3[s], 2);
        MSM_LANES_F_CSUB(&y3[s], &y3[s], 1);
        MSM_LANES_F_SCATTER(dp[s], write[s], &x3[s], 0);
        MSM_LANES_F_SCATTER(dp[s], write[s], &y3[s], yoff);
    }
}

static size_t MSM_LANES_NAME(add_batch)(const void *ops_v, size_t m, uint32_t *spec, void *mem) {
    const MSM_LANES_AOP *ops = (const MSM_LANES_AOP *)ops_v;
    MSM_LANES_F *pre = (MSM_LANES_F *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    size_t ng = (m + 7) / 8, ns = 0;
    MSM_LANES_F acc[2], den[2], bx[2], px[2];
    /* any nonzero start: the inverse of the product undoes it */
    MSM_LANES_F_SET_ONE(&acc[0]);
    MSM_LANES_F_SET_ONE(&acc[1]);
    for (size_t g = 0; g < ng; g++) {
        __m512i dp, pp;
        __mmask8 valid = MSM_LANES_NAME(ptrs)(&dp, &pp, ops, m, g);
        __mmask8 eq = MSM_LANES_NAME(den)(&den[0], &bx[0], &px[0], dp, pp) & valid;
        for (unsigned j = 0; eq; j++, eq >>= 1)
            if (eq & 1) spec[ns++] = (uint32_t)(8 * g + j);
        pre[g] = acc[g & 1];
        MSM_LANES_F_MUL(&acc[g & 1], &acc[g & 1], &den[0]);
    }

    MSM_LANES_F linv[2];
    MSM_LANES_F_INV4(linv, acc);

    /* backwards, two groups (one of each chain) at a time */
    for (size_t hi = ng; hi > 0;) {
        int nsteps = hi >= 2 ? 2 : 1;
        __m512i dp[2], pp[2];
        __mmask8 write[2];
        MSM_LANES_F dinv[2];
        for (int s = 0; s < nsteps; s++) {
            size_t g = hi - 1 - (size_t)s;
            __mmask8 valid = MSM_LANES_NAME(ptrs)(&dp[s], &pp[s], ops, m, g);
            __mmask8 eq = MSM_LANES_NAME(den)(&den[s], &bx[s], &px[s], dp[s], pp[s]);
            write[s] = valid & (__mmask8)~eq;
            MSM_LANES_F_MUL(&dinv[s], &linv[g & 1], &pre[g]);
            MSM_LANES_F_MUL(&linv[g & 1], &linv[g & 1], &den[s]);
        }
        MSM_LANES_NAME(finish)(nsteps, dp, pp, write, bx, px, dinv);
        hi -= (size_t)nsteps;
    }
    return ns;
}

#undef MSM_LANES_NAME
#undef MSM_LANES_AOP
#undef MSM_LANES_F
#undef MSM_LANES_XWORDS
#undef MSM_LANES_F_FROM_WORDS
#undef MSM_LANES_F_GATHER
#undef MSM_LANES_F_SCATTER
#undef MSM_LANES_F_SUB1
#undef MSM_LANES_F_CSUB
#undef MSM_LANES_F_MUL
#undef MSM_LANES_F_SQR
#undef MSM_LANES_F_MUL4
#undef MSM_LANES_F_ONE_WHERE
#undef MSM_LANES_F_SET_ONE
#undef MSM_LANES_F_INV4
