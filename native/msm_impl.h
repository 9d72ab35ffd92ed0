/*
 * msm_impl.h - internal: Pippenger (bucket) multi-scalar multiplication, written once and
 * instantiated per group by defining macros and including this file. Two parts, each
 * included on its own (the shared helpers below are defined once per translation unit):
 *   - with MSM_FN defined: a Jacobian-bucket Pippenger (G1, G2, BabyJubJub), contract below;
 *   - with MSM_BA_NAME defined: the batch-affine bucket engine of the large G1 and G2 MSMs
 *     (affine buckets, batched inversions), contract at its section further down;
 *   - with MSM_FB_FN defined: the fixed-base batch multiplication of G1 and G2 (a setup's
 *     keys), contract at its section at the end.
 *
 * Macro contract of the Jacobian Pippenger (define all of these before the #include; they
 * are #undef'd at the end):
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
#ifndef ZKV_MSM_IMPL_COMMON
#define ZKV_MSM_IMPL_COMMON
#include <stddef.h>
#include <stdint.h>

#ifndef MSM_MAX_WINDOWS_FOR
/* enough windows for 256-bit scalars plus the final carry */
#define MSM_MAX_WINDOWS_FOR(c) (256u / (c) + 1u)
#endif

/* floor(log2 n), 0 for n <= 1: what the window choices below and in g2.c start from. */
static inline unsigned msm_log2(size_t n) {
    unsigned lg = 0;
    while (lg < 63 && ((size_t)1 << (lg + 1)) <= n) lg++;
    return lg;
}

/* Window width: about log2(n) - 2 (balances n additions per window against the 2^c bucket
 * reduction), never below 2 nor above 16 (buckets would stop fitting in cache). */
static unsigned msm_default_window(size_t n) {
    unsigned lg = msm_log2(n);
    unsigned c = lg > 4 ? lg - 2 : 3;
    if (n < 4) c = 2;
    return c > 16 ? 16 : c;
}

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

#endif /* ZKV_MSM_IMPL_COMMON */

#ifdef MSM_FN
#ifndef MSM_WINDOW_BITS
#define MSM_WINDOW_BITS(n) msm_default_window(n)
#endif

#ifndef MSM_STORAGE
#define MSM_STORAGE
#endif

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
#endif /* MSM_FN */

#ifdef MSM_BA_NAME
/*
 * The batch-affine bucket engine: the part of a batch-affine Pippenger that does not depend on
 * how the caller cuts its scalars into digits. The caller pushes "bucket b += virtual point e"
 * additions; the engine keeps the buckets in affine coordinates and collects the additions in
 * batches that share one inversion (Montgomery's trick), so that one costs about six field
 * multiplications instead of the eleven of a mixed Jacobian addition. A batch may touch each
 * bucket once (an addition reads the bucket's current value): an addition whose bucket is
 * already in the batch waits in a queue for a later batch, and only when the queue is full
 * (many equal digits), or is left with a few stragglers at the end, goes into a second,
 * Jacobian, bucket of the same index. At the end of a pass the buckets of each of one or more
 * bucket sets are weighted and summed, with affine additions too (segments of buckets summed
 * side by side, so that each step is one batch), unless many Jacobian buckets were needed.
 *
 * Macro contract (define before the #include; #undef'd at the end):
 *   MSM_BA_NAME(x)         names of the engine's types and functions (e.g. g1_ba_##x)
 *   MSM_POINT, MSM_AFFINE  Jacobian and affine point types (affine .x, .y of MSM_FIELD)
 *   MSM_FIELD              the coordinate field's type
 *   MSM_F_ADD/SUB/DBL/MUL/SQR(o, a, b)  field arithmetic (canonical in and out; SQR and DBL
 *                          take one input)
 *   MSM_F_SET_ONE(o), MSM_F_EQUAL(a, b), MSM_F_INV(o, a)
 *   MSM_BA_VPOINT(o, s, e) the affine virtual point e (the caller's encoding; the state's
 *                          pts and alt_x are for it) into *o
 *   MSM_SET_ZERO(p), MSM_ADD(o, a, b), MSM_ADD_AFFINE(o, a, b), MSM_DOUBLE(o, a),
 *   MSM_FROM_AFFINE(o, a), MSM_MUL_VARTIME(o, p, k32)  Jacobian group law as
 *                          in the MSM_FN contract; the doubling formula is used in affine
 *                          form for equal points, so the group must have no point of order 2
 *   MSM_BA_BATCH           the size of the batch arrays: the most additions sharing one
 *                          inversion
 *   MSM_BA_MAX_SEGS        the most bucket segments a reduction runs side by side
 *                          (<= MSM_BA_BATCH)
 *   MSM_BA_SEG_MIN         the fewest buckets in a reduction segment (a power of two)
 *   MSM_BA_MIN_BUCKETS     sets with fewer buckets are summed with Jacobian running sums
 *   MSM_BA_STRAGGLERS      at the end of a pass, queued additions are retried in further
 *                          batches while at least this many move into each (the rest go to
 *                          the Jacobian buckets)
 * Optional: MSM_F_MUL_LAZY(o, a, b) / MSM_F_LAZY_REDUCE(o, a), a product left in [0, 2q) that
 * may feed only MSM_F_MUL / MSM_F_SQR / MSM_F_MUL_LAZY / MSM_F_LAZY_REDUCE (default: exact).
 * Optional, a vectorised batch (all three or none):
 *   MSM_BA_FLUSH_VEC(ops, m, spec, mem)  for k < m, ops[k].d += ops[k].p (the MSM_BA_NAME(aop)
 *                          entries, d pairwise distinct) for every k it takes, and writes the
 *                          indices k it leaves (in increasing order) to spec, returning their
 *                          count; it must leave every k whose x-coordinates are equal (a
 *                          doubling or a cancellation), which then run the scalar way
 *   MSM_BA_VEC_SCRATCH(k)  bytes of mem it needs for k additions (any alignment)
 *   MSM_BA_VEC_MIN         batches with fewer additions stay scalar
 *
 * Use: MSM_BA_NAME(state_sizeof)(nbt, qcap) bytes of scratch for nbt buckets in all and a
 * queue of qcap additions, MSM_BA_NAME(layout) on them; per pass MSM_BA_NAME(reset),
 * MSM_BA_NAME(push) (or MSM_BA_NAME(overflow_add), straight to the Jacobian bucket), then
 * MSM_BA_NAME(finish), which writes sum_b (b + 1) * bucket[t nb + b] for each set t.
 * Variable time.
 */
#ifndef MSM_F_MUL_LAZY
#define MSM_F_MUL_LAZY(o, a, b) MSM_F_MUL(o, a, b)
#define MSM_F_LAZY_REDUCE(o, a) (*(o) = *(a))
#endif
_Static_assert(MSM_BA_MAX_SEGS <= MSM_BA_BATCH, "a reduction step is one batch");

enum { MSM_BA_NAME(ADD) = 0, MSM_BA_NAME(DBL) = 1, MSM_BA_NAME(CANCEL) = 2 };

typedef struct {
    MSM_AFFINE *d;
    uint8_t *dused;
    const MSM_AFFINE *p;
} MSM_BA_NAME(aop);

typedef struct {
    uint32_t e; /* virtual point, in the caller's encoding */
    uint32_t b; /* bucket */
} MSM_BA_NAME(op);

typedef struct {
    const MSM_AFFINE *pts;  /* for MSM_BA_VPOINT */
    const MSM_FIELD *alt_x; /* for MSM_BA_VPOINT */
    MSM_AFFINE *bucket;     /* affine buckets, valid where used[b] */
    uint8_t *used;
    uint32_t *stamp;     /* batch id that last touched the bucket */
    MSM_POINT *overflow; /* Jacobian buckets, valid where ovf[b] */
    uint8_t *ovf;
    MSM_BA_NAME(op) * batch, *queue; /* batch entries: .b only (the point is in bpt) */
    MSM_AFFINE *bpt; /* the batch's points, fetched (and negated) once */
    MSM_FIELD *den, *pre;
    uint8_t *kind;
    size_t len, cap, qlen, qcap;
    uint32_t id;
    size_t n_ovf; /* Jacobian buckets in use */
    /* the segmented reduction: per segment a running sum and a weighted total */
    MSM_AFFINE *seg_r, *seg_t;
    uint8_t *seg_rused, *seg_tused;
    MSM_BA_NAME(aop) * seg_ops;
#ifdef MSM_BA_FLUSH_VEC
    uint32_t *vspec; /* indices the vectorised batch leaves to the scalar one */
    uint8_t *vmem;
#endif
} MSM_BA_NAME(state);

static size_t MSM_BA_NAME(state_sizeof)(size_t nbt, size_t qcap) {
    const size_t k = MSM_BA_BATCH;
    return msm_align(nbt * sizeof(MSM_AFFINE)) + 2 * msm_align(nbt) + msm_align(nbt * 4) +
           msm_align(nbt * sizeof(MSM_POINT)) +
           msm_align((k + qcap) * sizeof(MSM_BA_NAME(op))) +
           3 * msm_align(k * sizeof(MSM_AFFINE)) + 2 * msm_align(k * sizeof(MSM_FIELD)) +
           3 * msm_align(k) + msm_align(k * sizeof(MSM_BA_NAME(aop)))
#ifdef MSM_BA_FLUSH_VEC
           + msm_align(k * 4) + msm_align(MSM_BA_VEC_SCRATCH(k))
#endif
        ;
}

/* Lay out MSM_BA_NAME(state_sizeof)(nbt, qcap) bytes of mem; returns the first byte after
 * them. */
static uint8_t *MSM_BA_NAME(layout)(MSM_BA_NAME(state) * s, uint8_t *mem, size_t nbt,
                                    size_t qcap) {
    const size_t k = MSM_BA_BATCH;
    s->bucket = (MSM_AFFINE *)mem;
    mem += msm_align(nbt * sizeof(MSM_AFFINE));
    s->used = mem;
    mem += msm_align(nbt);
    s->ovf = mem;
    mem += msm_align(nbt);
    s->stamp = (uint32_t *)mem;
    mem += msm_align(nbt * 4);
    s->overflow = (MSM_POINT *)mem;
    mem += msm_align(nbt * sizeof(MSM_POINT));
    s->batch = (MSM_BA_NAME(op) *)mem;
    s->queue = s->batch + k;
    s->qcap = qcap;
    mem += msm_align((k + qcap) * sizeof(MSM_BA_NAME(op)));
    s->bpt = (MSM_AFFINE *)mem;
    mem += msm_align(k * sizeof(MSM_AFFINE));
    s->seg_r = (MSM_AFFINE *)mem;
    mem += msm_align(k * sizeof(MSM_AFFINE));
    s->seg_t = (MSM_AFFINE *)mem;
    mem += msm_align(k * sizeof(MSM_AFFINE));
    s->den = (MSM_FIELD *)mem;
    mem += msm_align(k * sizeof(MSM_FIELD));
    s->pre = (MSM_FIELD *)mem;
    mem += msm_align(k * sizeof(MSM_FIELD));
    s->kind = mem;
    mem += msm_align(k);
    s->seg_rused = mem;
    mem += msm_align(k);
    s->seg_tused = mem;
    mem += msm_align(k);
    s->seg_ops = (MSM_BA_NAME(aop) *)mem;
    mem += msm_align(k * sizeof(MSM_BA_NAME(aop)));
#ifdef MSM_BA_FLUSH_VEC
    s->vspec = (uint32_t *)mem;
    mem += msm_align(k * 4);
    s->vmem = mem;
    mem += msm_align(MSM_BA_VEC_SCRATCH(k));
#endif
    return mem;
}

/* Start a pass over nbt empty buckets with batches of cap additions (1..MSM_BA_BATCH). */
static void MSM_BA_NAME(reset)(MSM_BA_NAME(state) * s, size_t nbt, size_t cap) {
    memset(s->used, 0, nbt);
    memset(s->ovf, 0, nbt);
    memset(s->stamp, 0xff, nbt * 4);
    s->len = s->qlen = 0;
    s->id = 0;
    s->n_ovf = 0;
    s->cap = cap < 1 ? 1 : (cap < MSM_BA_BATCH ? cap : MSM_BA_BATCH);
}

/* The second half of an affine addition b += p once 1/den is known (den = p.x - b.x for an
 * addition, 2 * b.y for a doubling); dinv may be lazily reduced. */
static inline void MSM_BA_NAME(finish_add)(MSM_AFFINE *b, const MSM_AFFINE *p,
                                           const MSM_FIELD *dinv, int kind) {
    MSM_FIELD lambda, t, x3;
    if (kind == MSM_BA_NAME(ADD)) {
        MSM_F_SUB(&t, &p->y, &b->y);
        MSM_F_MUL_LAZY(&lambda, &t, dinv);
        MSM_F_SQR(&x3, &lambda);
        MSM_F_SUB(&x3, &x3, &b->x);
        MSM_F_SUB(&x3, &x3, &p->x);
    } else {
        MSM_F_SQR(&t, &b->x);
        MSM_F_ADD(&lambda, &t, &t);
        MSM_F_ADD(&lambda, &lambda, &t);
        MSM_F_MUL_LAZY(&lambda, &lambda, dinv);
        MSM_F_SQR(&x3, &lambda);
        MSM_F_SUB(&x3, &x3, &b->x);
        MSM_F_SUB(&x3, &x3, &b->x);
    }
    MSM_F_SUB(&t, &b->x, &x3);
    MSM_F_MUL(&t, &lambda, &t);
    MSM_F_SUB(&b->y, &t, &b->y);
    b->x = x3;
}

/* The kind of b + p for affine b, p (neither the identity), and its denominator. */
static inline int MSM_BA_NAME(kind_of)(MSM_FIELD *den, const MSM_AFFINE *b,
                                       const MSM_AFFINE *p) {
    if (!MSM_F_EQUAL(&b->x, &p->x)) {
        MSM_F_SUB(den, &p->x, &b->x);
        return MSM_BA_NAME(ADD);
    }
    if (MSM_F_EQUAL(&b->y, &p->y)) {
        MSM_F_DBL(den, &p->y); /* y != 0: no point of order 2 */
        return MSM_BA_NAME(DBL);
    }
    return MSM_BA_NAME(CANCEL); /* p = -b: the sum is the identity */
}

/* DEST(k) += SRC(k) for k < m (affine, present, the DEST pairwise distinct) with one shared
 * inversion; CANCELLED(k) runs for a sum that is the identity (DEST(k) then unused). */
#define MSM_BA_ADD_ALL(m, DEST, SRC, CANCELLED)                                               \
    do {                                                                                      \
        MSM_FIELD acc_, inv_, dinv_;                                                          \
        MSM_F_SET_ONE(&acc_);                                                                 \
        for (size_t k_ = 0; k_ < (m); k_++) {                                                 \
            s->kind[k_] = (uint8_t)MSM_BA_NAME(kind_of)(&s->den[k_], DEST(k_), SRC(k_));      \
            if (s->kind[k_] == MSM_BA_NAME(CANCEL)) {                                         \
                CANCELLED(k_);                                                                \
                continue;                                                                     \
            }                                                                                 \
            s->pre[k_] = acc_;                                                                \
            MSM_F_MUL_LAZY(&acc_, &acc_, &s->den[k_]);                                        \
        }                                                                                     \
        MSM_F_LAZY_REDUCE(&acc_, &acc_);                                                      \
        MSM_F_INV(&inv_, &acc_); /* the denominators are nonzero by construction */          \
        for (size_t k_ = (m); k_-- > 0;) {                                                    \
            if (s->kind[k_] == MSM_BA_NAME(CANCEL)) continue;                                 \
            MSM_F_MUL_LAZY(&dinv_, &inv_, &s->pre[k_]);                                       \
            MSM_F_MUL_LAZY(&inv_, &inv_, &s->den[k_]);                                        \
            MSM_BA_NAME(finish_add)(DEST(k_), SRC(k_), &dinv_, s->kind[k_]);                  \
        }                                                                                     \
    } while (0)

/* seg_ops[k].d += seg_ops[k].p for k < m (affine, present, the d pairwise distinct) with one
 * inversion; a sum that is the identity clears *dused. */
static void MSM_BA_NAME(affine_batch)(MSM_BA_NAME(state) * s, size_t m) {
    if (m == 0) return;
    const MSM_BA_NAME(aop) *ops = s->seg_ops;
#ifdef MSM_BA_FLUSH_VEC
    if (m >= MSM_BA_VEC_MIN) {
        const uint32_t *spec = s->vspec;
        size_t ns = MSM_BA_FLUSH_VEC(ops, m, s->vspec, s->vmem);
        if (ns == 0) return;
#define MSM_BA_DEST_(k) (ops[spec[k]].d)
#define MSM_BA_SRC_(k) (ops[spec[k]].p)
#define MSM_BA_CANCELLED_(k) (*ops[spec[k]].dused = 0)
        MSM_BA_ADD_ALL(ns, MSM_BA_DEST_, MSM_BA_SRC_, MSM_BA_CANCELLED_);
#undef MSM_BA_DEST_
#undef MSM_BA_SRC_
#undef MSM_BA_CANCELLED_
        return;
    }
#endif
#define MSM_BA_DEST_(k) (ops[k].d)
#define MSM_BA_SRC_(k) (ops[k].p)
#define MSM_BA_CANCELLED_(k) (*ops[k].dused = 0)
    MSM_BA_ADD_ALL(m, MSM_BA_DEST_, MSM_BA_SRC_, MSM_BA_CANCELLED_);
#undef MSM_BA_DEST_
#undef MSM_BA_SRC_
#undef MSM_BA_CANCELLED_
}

/* Run the batch: every bucket in it += its fetched point. */
static void MSM_BA_NAME(flush)(MSM_BA_NAME(state) * s) {
    size_t m = s->len;
    if (m == 0) return;
#ifdef MSM_BA_FLUSH_VEC
    if (m >= MSM_BA_VEC_MIN) {
        /* as seg_ops, which only the reduction uses otherwise, for the vectorised batch */
        for (size_t k = 0; k < m; k++) {
            uint32_t b = s->batch[k].b;
            s->seg_ops[k].d = &s->bucket[b];
            s->seg_ops[k].dused = &s->used[b];
            s->seg_ops[k].p = &s->bpt[k];
        }
        MSM_BA_NAME(affine_batch)(s, m);
        s->len = 0;
        s->id++;
        return;
    }
#endif
#define MSM_BA_DEST_(k) (&s->bucket[s->batch[k].b])
#define MSM_BA_SRC_(k) (&s->bpt[k])
#define MSM_BA_CANCELLED_(k) (s->used[s->batch[k].b] = 0)
    MSM_BA_ADD_ALL(m, MSM_BA_DEST_, MSM_BA_SRC_, MSM_BA_CANCELLED_);
#undef MSM_BA_DEST_
#undef MSM_BA_SRC_
#undef MSM_BA_CANCELLED_
    s->len = 0;
    s->id++;
}

/* The Jacobian bucket: overflow[b] += the virtual point e. */
static void MSM_BA_NAME(overflow_add)(MSM_BA_NAME(state) * s, uint32_t e, uint32_t b) {
    MSM_AFFINE p;
    MSM_BA_VPOINT(&p, s, e);
    if (!s->ovf[b]) {
        MSM_FROM_AFFINE(&s->overflow[b], &p);
        s->ovf[b] = 1;
        s->n_ovf++;
    } else {
        MSM_ADD_AFFINE(&s->overflow[b], &s->overflow[b], &p);
    }
}

/* bucket[b] += the virtual point e, now or in the current batch; 0 if it has to wait */
static inline int MSM_BA_NAME(try_add)(MSM_BA_NAME(state) * s, uint32_t e, uint32_t b) {
    if (!s->used[b]) {
        MSM_BA_VPOINT(&s->bucket[b], s, e);
        s->used[b] = 1;
        return 1;
    }
    if (s->stamp[b] == s->id) return 0;
    s->stamp[b] = s->id;
    s->batch[s->len].b = b; /* flush reads only the bucket: the point is fetched into bpt */
    MSM_BA_VPOINT(&s->bpt[s->len], s, e);
    s->len++;
#if defined(__GNUC__)
    __builtin_prefetch(&s->bucket[b], 1);
#endif
    return 1;
}

/* Move the waiting additions into the (just flushed, empty) batch, as many as its arrays
 * hold; those whose bucket is taken again stay queued. Returns how many moved. */
static size_t MSM_BA_NAME(drain)(MSM_BA_NAME(state) * s) {
    size_t kept = 0, moved = 0;
    for (size_t q = 0; q < s->qlen; q++) {
        MSM_BA_NAME(op) op = s->queue[q];
        if (s->len < MSM_BA_BATCH && MSM_BA_NAME(try_add)(s, op.e, op.b)) {
            moved++;
        } else {
            s->queue[kept++] = op;
        }
    }
    s->qlen = kept;
    return moved;
}

/* bucket[b] += the virtual point e (b < the pass's nbt). */
static void MSM_BA_NAME(push)(MSM_BA_NAME(state) * s, uint32_t e, uint32_t b) {
    if (!MSM_BA_NAME(try_add)(s, e, b)) {
        if (s->qlen < s->qcap) {
            s->queue[s->qlen].e = e;
            s->queue[s->qlen].b = b;
            s->qlen++;
        } else {
            MSM_BA_NAME(overflow_add)(s, e, b);
        }
        return;
    }
    if (s->len >= s->cap) {
        MSM_BA_NAME(flush)(s);
        MSM_BA_NAME(drain)(s);
    }
}

/*
 * out[t] = sum_b (b + 1) * bucket[t nb + b] over the affine buckets of each of nsets sets of
 * nb. The running sum is sequential in b, so each set is cut into segments of seg buckets
 * (a power of two from MSM_BA_SEG_MIN, so that all sets together have at most
 * MSM_BA_MAX_SEGS segments) that run side by side: segment g keeps R_g = the sum of its
 * buckets and T_g = sum_j (j + 1) * bucket[g seg + j]; each step is two batches
 * (R_g += bucket, then T_g += R_g) over all segments. A set's sum is then
 * sum_g T_g + seg * sum_g g R_g over its segments, in Jacobian coordinates.
 */
static void MSM_BA_NAME(reduce)(MSM_POINT *out, MSM_BA_NAME(state) * s, size_t nsets,
                                size_t nb) {
    size_t seg = MSM_BA_SEG_MIN;
    while (nsets * ((nb + seg - 1) / seg) > MSM_BA_MAX_SEGS) seg <<= 1;
    size_t per = (nb + seg - 1) / seg, nseg = nsets * per;
    MSM_AFFINE *r = s->seg_r, *t = s->seg_t;
    uint8_t *rused = s->seg_rused, *tused = s->seg_tused;
    MSM_BA_NAME(aop) *ops = s->seg_ops;
    memset(rused, 0, nseg);
    memset(tused, 0, nseg);
    for (size_t j = seg; j-- > 0;) {
        size_t m = 0;
        for (size_t set = 0, g = 0; set < nsets; set++) {
            for (size_t gl = 0; gl < per; gl++, g++) {
                size_t b = gl * seg + j;
                if (b >= nb) continue;
                b += set * nb;
                if (!s->used[b]) continue;
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
        }
        MSM_BA_NAME(affine_batch)(s, m);
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
        MSM_BA_NAME(affine_batch)(s, m);
    }
    for (size_t set = 0; set < nsets; set++) {
        const size_t g0 = set * per;
        MSM_POINT running, weighted, total;
        MSM_SET_ZERO(&running);
        MSM_SET_ZERO(&weighted);
        MSM_SET_ZERO(&total);
        for (size_t g = per; g-- > 1;) {
            if (rused[g0 + g]) MSM_ADD_AFFINE(&running, &running, &r[g0 + g]);
            MSM_ADD(&weighted, &weighted, &running);
        }
        for (size_t k = 1; k < seg; k <<= 1) MSM_DOUBLE(&weighted, &weighted);
        for (size_t g = 0; g < per; g++)
            if (tused[g0 + g]) MSM_ADD_AFFINE(&total, &total, &t[g0 + g]);
        MSM_ADD(&out[set], &total, &weighted);
    }
}

/* The end of a pass: flush, run the queue through batches while they still share an
 * inversion widely (the stragglers go to the Jacobian buckets), then for each of the nsets
 * sets of nb buckets out[t] = sum_b (b + 1) * bucket[t nb + b]. */
static void MSM_BA_NAME(finish)(MSM_POINT *out, MSM_BA_NAME(state) * s, size_t nsets,
                                size_t nb) {
    MSM_BA_NAME(flush)(s);
    while (s->qlen > 0) {
        if (s->qlen < MSM_BA_STRAGGLERS || MSM_BA_NAME(drain)(s) < MSM_BA_STRAGGLERS) {
            MSM_BA_NAME(flush)(s);
            for (size_t q = 0; q < s->qlen; q++)
                MSM_BA_NAME(overflow_add)(s, s->queue[q].e, s->queue[q].b);
            s->qlen = 0;
            break;
        }
        MSM_BA_NAME(flush)(s);
    }
    size_t nbt = nsets * nb;
    if (nb >= MSM_BA_MIN_BUCKETS && s->n_ovf <= nbt / 64) {
        /* the few Jacobian buckets (stragglers of the queue) are weighted one by one */
        MSM_BA_NAME(reduce)(out, s, nsets, nb);
        for (size_t b = 0; s->n_ovf > 0 && b < nbt; b++) {
            if (!s->ovf[b]) continue;
            size_t w = b % nb + 1;
            uint8_t k[32] = {0};
            k[0] = (uint8_t)w;
            k[1] = (uint8_t)(w >> 8);
            k[2] = (uint8_t)(w >> 16);
            MSM_POINT t;
            MSM_MUL_VARTIME(&t, &s->overflow[b], k);
            MSM_ADD(&out[b / nb], &out[b / nb], &t);
            s->n_ovf--;
        }
        return;
    }
    /* many additions went to the Jacobian buckets: Jacobian running sums over both */
    for (size_t set = 0; set < nsets; set++) {
        MSM_POINT running, total;
        MSM_SET_ZERO(&running);
        MSM_SET_ZERO(&total);
        for (size_t b = set * nb + nb; b-- > set * nb;) {
            if (s->used[b]) MSM_ADD_AFFINE(&running, &running, &s->bucket[b]);
            if (s->ovf[b]) MSM_ADD(&running, &running, &s->overflow[b]);
            MSM_ADD(&total, &total, &running);
        }
        out[set] = total;
    }
}

#undef MSM_BA_ADD_ALL
#undef MSM_BA_NAME
#undef MSM_POINT
#undef MSM_AFFINE
#undef MSM_FIELD
#undef MSM_F_ADD
#undef MSM_F_SUB
#undef MSM_F_DBL
#undef MSM_F_MUL
#undef MSM_F_SQR
#undef MSM_F_MUL_LAZY
#undef MSM_F_LAZY_REDUCE
#undef MSM_F_SET_ONE
#undef MSM_F_EQUAL
#undef MSM_F_INV
#undef MSM_BA_VPOINT
#undef MSM_SET_ZERO
#undef MSM_ADD
#undef MSM_ADD_AFFINE
#undef MSM_DOUBLE
#undef MSM_FROM_AFFINE
#undef MSM_IS_ZERO
#undef MSM_MUL_VARTIME
#undef MSM_BA_BATCH
#undef MSM_BA_SEG_MIN
#undef MSM_BA_MAX_SEGS
#undef MSM_BA_MIN_BUCKETS
#undef MSM_BA_STRAGGLERS
#undef MSM_BA_FLUSH_VEC
#undef MSM_BA_VEC_SCRATCH
#undef MSM_BA_VEC_MIN
#endif /* MSM_BA_NAME */

#ifdef MSM_FB_FN
/*
 * Fixed-base batch: out[i] = k_i * base (affine, identity (0, 0)) for n 32-byte little-endian
 * scalars (any value < 2^256): a table of the signed window multiples (d * 2^(c w)) * base,
 * d = 1..2^(c-1), built once, then about 256/c mixed additions per scalar and one shared
 * inversion per chunk of MSM_FB_CHUNK results to return affine points. Variable time.
 *
 * Macro contract (#undef'd at the end): MSM_FB_FN and MSM_FB_SCRATCH_FN, the names of
 *   void MSM_FB_FN(MSM_AFFINE *out, const MSM_AFFINE *base, const uint8_t *scalars, size_t n,
 *                  void *scratch) and size_t MSM_FB_SCRATCH_FN(size_t n);
 * MSM_POINT, MSM_AFFINE, MSM_FIELD, MSM_SET_ZERO, MSM_ADD, MSM_ADD_AFFINE, MSM_NEG_AFFINE,
 * MSM_DOUBLE, MSM_FROM_AFFINE as in the other parts, and
 * MSM_BATCH_TO_AFFINE(out, in, n, scratch)  n Jacobian points to affine (identity (0, 0)) with
 *                        a scratch of n MSM_FIELD.
 */
#ifndef MSM_FB_CHUNK
#define MSM_FB_CHUNK 1024
#endif

#ifndef ZKV_MSM_IMPL_FB_COMMON
#define ZKV_MSM_IMPL_FB_COMMON
/* The window: about log2(n) - 3 bits (a table of (256/c + 1) 2^(c-1) points against n times
 * 256/c additions), from 2 to 12. */
static unsigned msm_fb_window(size_t n) {
    unsigned lg = msm_log2(n);
    unsigned c = lg > 5 ? lg - 3 : 2;
    return c > 12 ? 12 : c;
}

static size_t msm_fb_table(unsigned c) { return (256 / c + 1) * ((size_t)1 << (c - 1)); }
#endif /* ZKV_MSM_IMPL_FB_COMMON */

size_t MSM_FB_SCRATCH_FN(size_t n) {
    size_t t = msm_fb_table(msm_fb_window(n));
    size_t work = t > MSM_FB_CHUNK ? t : MSM_FB_CHUNK;
    return msm_align(t * sizeof(MSM_AFFINE)) + msm_align(work * sizeof(MSM_POINT)) +
           msm_align(work * sizeof(MSM_FIELD));
}

void MSM_FB_FN(MSM_AFFINE *out, const MSM_AFFINE *base, const uint8_t *scalars, size_t n,
               void *scratch) {
    unsigned c = msm_fb_window(n);
    size_t t = msm_fb_table(c), half = (size_t)1 << (c - 1);
    size_t work = t > MSM_FB_CHUNK ? t : MSM_FB_CHUNK;
    unsigned nw = 256 / c + 1;
    uint8_t *mem = (uint8_t *)scratch;
    MSM_AFFINE *table = (MSM_AFFINE *)mem;
    mem += msm_align(t * sizeof(MSM_AFFINE));
    MSM_POINT *jac = (MSM_POINT *)mem;
    mem += msm_align(work * sizeof(MSM_POINT));
    MSM_FIELD *field_scratch = (MSM_FIELD *)mem;

    MSM_POINT bw;
    MSM_FROM_AFFINE(&bw, base);
    for (unsigned w = 0; w < nw; w++) {
        MSM_POINT *row = jac + (size_t)w * half;
        row[0] = bw;
        for (size_t d = 1; d < half; d++) MSM_ADD(&row[d], &row[d - 1], &bw);
        for (unsigned k = 0; k < c; k++) MSM_DOUBLE(&bw, &bw);
    }
    MSM_BATCH_TO_AFFINE(table, jac, t, field_scratch);

    const uint32_t full = 1u << c;
    for (size_t first = 0; first < n; first += MSM_FB_CHUNK) {
        size_t len = n - first < MSM_FB_CHUNK ? n - first : MSM_FB_CHUNK;
        for (size_t i = 0; i < len; i++) {
            const uint8_t *k = scalars + 32 * (first + i);
            MSM_POINT acc;
            MSM_SET_ZERO(&acc);
            uint32_t carry = 0;
            for (unsigned w = 0; w < nw; w++) {
                uint32_t d = msm_bits(k, w * c, c) + carry;
                carry = 0;
                if (d == 0) continue;
                if (d > (uint32_t)half) {
                    carry = 1;
                    if (d == full) continue;
                    MSM_AFFINE neg;
                    MSM_NEG_AFFINE(&neg, &table[(size_t)w * half + (full - d - 1)]);
                    MSM_ADD_AFFINE(&acc, &acc, &neg);
                } else {
                    MSM_ADD_AFFINE(&acc, &acc, &table[(size_t)w * half + (d - 1)]);
                }
            }
            jac[i] = acc;
        }
        MSM_BATCH_TO_AFFINE(out + first, jac, len, field_scratch);
    }
}

#undef MSM_FB_FN
#undef MSM_FB_SCRATCH_FN
#undef MSM_POINT
#undef MSM_AFFINE
#undef MSM_FIELD
#undef MSM_SET_ZERO
#undef MSM_ADD
#undef MSM_ADD_AFFINE
#undef MSM_NEG_AFFINE
#undef MSM_DOUBLE
#undef MSM_FROM_AFFINE
#undef MSM_BATCH_TO_AFFINE
#endif /* MSM_FB_FN */
