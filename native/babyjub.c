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

/* ------------------------------------------------------------ Fr multiplication, inlined
 * GCC 12 compiles the generic u128 CIOS of field_impl.h (mont_mul) into code that spills
 * every 128-bit partial sum to the stack, and does not always inline it into these long point
 * formulas. This is the same Montgomery multiplication (CIOS, 5-word accumulator; valid as
 * r < 2^254) with explicit carry chains, specialised to r and forced inline. CT. */
#define BJJ_INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__)
#include <x86intrin.h>
BJJ_INLINE unsigned char bjj_adc(unsigned char c, uint64_t a, uint64_t b, uint64_t *out) {
    unsigned long long o;
    c = _addcarry_u64(c, a, b, &o);
    *out = o;
    return c;
}
BJJ_INLINE unsigned char bjj_sbb(unsigned char c, uint64_t a, uint64_t b, uint64_t *out) {
    unsigned long long o;
    c = _subborrow_u64(c, a, b, &o);
    *out = o;
    return c;
}
#else
BJJ_INLINE unsigned char bjj_adc(unsigned char c, uint64_t a, uint64_t b, uint64_t *out) {
    zkv_u128 s = (zkv_u128)a + b + c;
    *out = (uint64_t)s;
    return (unsigned char)(s >> 64);
}
BJJ_INLINE unsigned char bjj_sbb(unsigned char c, uint64_t a, uint64_t b, uint64_t *out) {
    zkv_u128 s = (zkv_u128)a - b - c;
    *out = (uint64_t)s;
    return (unsigned char)((s >> 64) & 1);
}
#endif

BJJ_INLINE void bjj_mulhl(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
    zkv_u128 p = (zkv_u128)a * b;
    *lo = (uint64_t)p;
    *hi = (uint64_t)(p >> 64);
}

/* (t0..t4) += x * (y0..y3), the high words shifted one place. */
BJJ_INLINE void bjj_mac_row(uint64_t t[5], uint64_t x, const uint64_t y[4]) {
    uint64_t h0, h1, h2, h3, l0, l1, l2, l3;
    unsigned char c;
    bjj_mulhl(y[0], x, &h0, &l0);
    bjj_mulhl(y[1], x, &h1, &l1);
    bjj_mulhl(y[2], x, &h2, &l2);
    bjj_mulhl(y[3], x, &h3, &l3);
    c = bjj_adc(0, t[0], l0, &t[0]);
    c = bjj_adc(c, t[1], l1, &t[1]);
    c = bjj_adc(c, t[2], l2, &t[2]);
    c = bjj_adc(c, t[3], l3, &t[3]);
    t[4] += c;
    c = bjj_adc(0, t[1], h0, &t[1]);
    c = bjj_adc(c, t[2], h1, &t[2]);
    c = bjj_adc(c, t[3], h2, &t[3]);
    t[4] += h3 + c;
}

#if defined(__x86_64__) && defined(__BMI2__) && defined(__ADX__)
/* mulx with two independent carry chains (adcx for low words, adox for high words); the
 * accumulator's five words rotate through the registers instead of being shifted. */
BJJ_INLINE void bmul(zkv_fr *o, const zkv_fr *x, const zkv_fr *y) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi, z;
    __asm__(
        /* round 0: t += x * y[0]; then t += m*r with m making the low word 0, drop it */
        "xorl %k[z], %k[z]\n\t"
        "movq 0(%[y]), %%rdx\n\t"
        "mulxq 0(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t0]\n\t" "adoxq %[hi], %[t1]\n\t"
        "mulxq 8(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t1]\n\t" "adoxq %[hi], %[t2]\n\t"
        "mulxq 16(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t2]\n\t" "adoxq %[hi], %[t3]\n\t"
        "mulxq 24(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "adcxq %[z], %[t4]\n\t"
        "movq %[t0], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq %[m0], %[lo], %[hi]\n\t" "adcxq %[lo], %[t0]\n\t" "adoxq %[hi], %[t1]\n\t"
        "mulxq %[m1], %[lo], %[hi]\n\t" "adcxq %[lo], %[t1]\n\t" "adoxq %[hi], %[t2]\n\t"
        "mulxq %[m2], %[lo], %[hi]\n\t" "adcxq %[lo], %[t2]\n\t" "adoxq %[hi], %[t3]\n\t"
        "mulxq %[m3], %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "adcxq %[z], %[t4]\n\t"
        /* round 1: t += x * y[1]; then t += m*r with m making the low word 0, drop it */
        "xorl %k[z], %k[z]\n\t"
        "movq 8(%[y]), %%rdx\n\t"
        "mulxq 0(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t1]\n\t" "adoxq %[hi], %[t2]\n\t"
        "mulxq 8(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t2]\n\t" "adoxq %[hi], %[t3]\n\t"
        "mulxq 16(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "mulxq 24(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t4]\n\t" "adoxq %[hi], %[t0]\n\t"
        "adcxq %[z], %[t0]\n\t"
        "movq %[t1], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq %[m0], %[lo], %[hi]\n\t" "adcxq %[lo], %[t1]\n\t" "adoxq %[hi], %[t2]\n\t"
        "mulxq %[m1], %[lo], %[hi]\n\t" "adcxq %[lo], %[t2]\n\t" "adoxq %[hi], %[t3]\n\t"
        "mulxq %[m2], %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "mulxq %[m3], %[lo], %[hi]\n\t" "adcxq %[lo], %[t4]\n\t" "adoxq %[hi], %[t0]\n\t"
        "adcxq %[z], %[t0]\n\t"
        /* round 2: t += x * y[2]; then t += m*r with m making the low word 0, drop it */
        "xorl %k[z], %k[z]\n\t"
        "movq 16(%[y]), %%rdx\n\t"
        "mulxq 0(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t2]\n\t" "adoxq %[hi], %[t3]\n\t"
        "mulxq 8(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "mulxq 16(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t4]\n\t" "adoxq %[hi], %[t0]\n\t"
        "mulxq 24(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t0]\n\t" "adoxq %[hi], %[t1]\n\t"
        "adcxq %[z], %[t1]\n\t"
        "movq %[t2], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq %[m0], %[lo], %[hi]\n\t" "adcxq %[lo], %[t2]\n\t" "adoxq %[hi], %[t3]\n\t"
        "mulxq %[m1], %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "mulxq %[m2], %[lo], %[hi]\n\t" "adcxq %[lo], %[t4]\n\t" "adoxq %[hi], %[t0]\n\t"
        "mulxq %[m3], %[lo], %[hi]\n\t" "adcxq %[lo], %[t0]\n\t" "adoxq %[hi], %[t1]\n\t"
        "adcxq %[z], %[t1]\n\t"
        /* round 3: t += x * y[3]; then t += m*r with m making the low word 0, drop it */
        "xorl %k[z], %k[z]\n\t"
        "movq 24(%[y]), %%rdx\n\t"
        "mulxq 0(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "mulxq 8(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t4]\n\t" "adoxq %[hi], %[t0]\n\t"
        "mulxq 16(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t0]\n\t" "adoxq %[hi], %[t1]\n\t"
        "mulxq 24(%[x]), %[lo], %[hi]\n\t" "adcxq %[lo], %[t1]\n\t" "adoxq %[hi], %[t2]\n\t"
        "adcxq %[z], %[t2]\n\t"
        "movq %[t3], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %k[z], %k[z]\n\t"
        "mulxq %[m0], %[lo], %[hi]\n\t" "adcxq %[lo], %[t3]\n\t" "adoxq %[hi], %[t4]\n\t"
        "mulxq %[m1], %[lo], %[hi]\n\t" "adcxq %[lo], %[t4]\n\t" "adoxq %[hi], %[t0]\n\t"
        "mulxq %[m2], %[lo], %[hi]\n\t" "adcxq %[lo], %[t0]\n\t" "adoxq %[hi], %[t1]\n\t"
        "mulxq %[m3], %[lo], %[hi]\n\t" "adcxq %[lo], %[t1]\n\t" "adoxq %[hi], %[t2]\n\t"
        "adcxq %[z], %[t2]\n\t"
        : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
          [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z)
        : [x] "r"(x->l), [y] "r"(y->l), [inv] "r"((uint64_t)FR_INV), [m0] "m"(FR_MOD[0]),
          [m1] "m"(FR_MOD[1]), [m2] "m"(FR_MOD[2]), [m3] "m"(FR_MOD[3]),
          "m"(*(const uint64_t(*)[4])x->l), "m"(*(const uint64_t(*)[4])y->l)
        : "rdx", "cc");
    /* after four rotations the result words are t4, t0, t1, t2 (t3 is zero), below 2r */
    uint64_t t[4] = {t4, t0, t1, t2}, d[4];
    unsigned char b = 0;
    for (int k = 0; k < 4; k++) b = bjj_sbb(b, t[k], FR_MOD[k], &d[k]);
    uint64_t keep = 0 - (uint64_t)b;
    for (int k = 0; k < 4; k++) o->l[k] = (t[k] & keep) | (d[k] & ~keep);
}
#else
BJJ_INLINE void bmul(zkv_fr *o, const zkv_fr *x, const zkv_fr *y) {
    /* t stays below 2r between rounds, so five words never overflow */
    uint64_t t[5] = {0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        bjj_mac_row(t, y->l[i], x->l);
        bjj_mac_row(t, t[0] * FR_INV, FR_MOD); /* makes t[0] zero: divide by 2^64 */
        t[0] = t[1];
        t[1] = t[2];
        t[2] = t[3];
        t[3] = t[4];
        t[4] = 0;
    }
    uint64_t d[4];
    unsigned char b = 0;
    for (int k = 0; k < 4; k++) b = bjj_sbb(b, t[k], FR_MOD[k], &d[k]);
    uint64_t keep = 0 - (uint64_t)b; /* t < r: keep t */
    for (int k = 0; k < 4; k++) o->l[k] = (t[k] & keep) | (d[k] & ~keep);
}
#endif

BJJ_INLINE void bsqr(zkv_fr *o, const zkv_fr *x) { bmul(o, x, x); }

/* a + b mod r and a - b mod r with explicit carry chains (same reason as bmul). CT. */
BJJ_INLINE void badd(zkv_fr *o, const zkv_fr *a, const zkv_fr *b) {
    uint64_t t[4], d[4];
    unsigned char c = 0;
    for (int k = 0; k < 4; k++) c = bjj_adc(c, a->l[k], b->l[k], &t[k]); /* no carry out: 2r < 2^256 */
    c = 0;
    for (int k = 0; k < 4; k++) c = bjj_sbb(c, t[k], FR_MOD[k], &d[k]);
    uint64_t keep = 0 - (uint64_t)c;
    for (int k = 0; k < 4; k++) o->l[k] = (t[k] & keep) | (d[k] & ~keep);
}

BJJ_INLINE void bsub(zkv_fr *o, const zkv_fr *a, const zkv_fr *b) {
    uint64_t t[4];
    unsigned char c = 0;
    for (int k = 0; k < 4; k++) c = bjj_sbb(c, a->l[k], b->l[k], &t[k]);
    uint64_t mask = 0 - (uint64_t)c; /* add r back when a < b */
    c = 0;
    for (int k = 0; k < 4; k++) c = bjj_adc(c, t[k], FR_MOD[k] & mask, &o->l[k]);
}

/* 1/a = a^(r-2) (0 maps to 0), 4-bit fixed windows over the public exponent: 252 squarings
 * and 63 multiplications on bmul. CT in a: the exponent, not a, picks the table entries. */
static void binv(zkv_fr *o, const zkv_fr *a) {
    static const uint64_t e[4] = {0x43e1f593efffffffULL, 0x2833e84879b97091ULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL}; /* r - 2 */
    zkv_fr pw[16], acc;
    fr_set_one(&pw[0]);
    pw[1] = *a;
    for (int j = 2; j < 16; j++) bmul(&pw[j], &pw[j - 1], a);
    acc = pw[e[3] >> 60];
    for (int i = 62; i >= 0; i--) {
        bsqr(&acc, &acc);
        bsqr(&acc, &acc);
        bsqr(&acc, &acc);
        bsqr(&acc, &acc);
        bmul(&acc, &acc, &pw[(e[i / 16] >> (4 * (i % 16))) & 15]);
    }
    *o = acc;
}

BJJ_INLINE void bneg(zkv_fr *o, const zkv_fr *a) {
    static const zkv_fr zero = {{0, 0, 0, 0}};
    bsub(o, &zero, a);
}

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
    bsub(&c->ymx, &p->y, &p->x);
    badd(&c->ypx, &p->y, &p->x);
    badd(&c->z2, &p->z, &p->z);
    bmul(&c->kt, &p->t, &BJJ_K);
}

/* From affine coordinates already on the a = -1 curve (x' = s*x). */
static inline void bjj_scaled_to_precomp(bjj_precomp *c, const zkv_fr *xs, const zkv_fr *y) {
    bsub(&c->ymx, y, xs);
    badd(&c->ypx, y, xs);
    bmul(&c->kt, xs, y);
    bmul(&c->kt, &c->kt, &BJJ_K);
}

static inline void bjj_affine_to_precomp(bjj_precomp *c, const zkv_bjj_affine *p) {
    zkv_fr xs;
    bmul(&xs, &p->x, &BJJ_S);
    bjj_scaled_to_precomp(c, &xs, &p->y);
}

/* The end of add-2008-hwcd-3 (a = -1), shared by the full and mixed additions. */
BJJ_INLINE void bjj_add_finish(zkv_bjj *o, const zkv_fr *A, const zkv_fr *B, const zkv_fr *C,
                               const zkv_fr *D) {
    zkv_fr E, F, G, H;
    bsub(&E, B, A);
    bsub(&F, D, C);
    badd(&G, D, C);
    badd(&H, B, A);
    bmul(&o->x, &E, &F);
    bmul(&o->y, &G, &H);
    bmul(&o->t, &E, &H);
    bmul(&o->z, &F, &G);
}

/* o = p + q, complete (add-2008-hwcd-3, 8M). o may alias p. */
BJJ_INLINE void bjj_add_cached(zkv_bjj *o, const zkv_bjj *p, const bjj_cached *q) {
    zkv_fr A, B, C, D, t;
    bsub(&t, &p->y, &p->x);
    bmul(&A, &t, &q->ymx);
    badd(&t, &p->y, &p->x);
    bmul(&B, &t, &q->ypx);
    bmul(&C, &p->t, &q->kt);
    bmul(&D, &p->z, &q->z2);
    bjj_add_finish(o, &A, &B, &C, &D);
}

/* o = p + q for an affine q (Z2 = 1 saves one multiplication). o may alias p. */
BJJ_INLINE void bjj_add_precomp(zkv_bjj *o, const zkv_bjj *p, const bjj_precomp *q) {
    zkv_fr A, B, C, D, t;
    bsub(&t, &p->y, &p->x);
    bmul(&A, &t, &q->ymx);
    badd(&t, &p->y, &p->x);
    bmul(&B, &t, &q->ypx);
    bmul(&C, &p->t, &q->kt);
    badd(&D, &p->z, &p->z);
    bjj_add_finish(o, &A, &B, &C, &D);
}

/* o = 2p (dbl-2008-hwcd with a = -1, 4M + 4S); T of the input is not read. with_t = 0 skips
 * computing T, for a doubling that only feeds another doubling. o may alias p. */
BJJ_INLINE void bjj_dbl(zkv_bjj *o, const zkv_bjj *p, int with_t) {
    zkv_fr A, B, C, E, F, G, H;
    bsqr(&A, &p->x);
    bsqr(&B, &p->y);
    bsqr(&C, &p->z);
    badd(&C, &C, &C);
    badd(&E, &p->x, &p->y);
    bsqr(&E, &E);
    badd(&H, &A, &B); /* H = -(aA + B) with a = -1, i.e. A + B negated below */
    bsub(&E, &E, &H); /* E = 2XY */
    bsub(&G, &B, &A); /* G = aA + B */
    bsub(&F, &G, &C);
    bneg(&H, &H); /* H = aA - B */
    bmul(&o->x, &E, &F);
    bmul(&o->y, &G, &H);
    if (with_t) bmul(&o->t, &E, &H);
    bmul(&o->z, &F, &G);
}

/* -q: X -> -X swaps Y - X and Y + X; T -> -T. */
static inline void bjj_neg_cached(bjj_cached *o, const bjj_cached *p) {
    zkv_fr t = p->ymx;
    o->ymx = p->ypx;
    o->ypx = t;
    o->z2 = p->z2;
    bneg(&o->kt, &p->kt);
}

static inline void bjj_neg_precomp(bjj_precomp *o, const bjj_precomp *p) {
    zkv_fr t = p->ymx;
    o->ymx = p->ypx;
    o->ypx = t;
    bneg(&o->kt, &p->kt);
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
    bsqr(&x2, &p->x);
    bsqr(&y2, &p->y);
    bmul(&lhs, &x2, &BJJ_A);
    badd(&lhs, &lhs, &y2);
    bmul(&rhs, &x2, &y2);
    bmul(&rhs, &rhs, &BJJ_D);
    fr_set_one(&one);
    badd(&rhs, &rhs, &one);
    return fr_equal(&lhs, &rhs);
}

void zkv_bjj_from_affine(zkv_bjj *out, const zkv_bjj_affine *p) {
    bmul(&out->x, &p->x, &BJJ_S);
    out->y = p->y;
    bmul(&out->t, &out->x, &p->y);
    fr_set_one(&out->z);
}

void zkv_bjj_to_affine(zkv_bjj_affine *out, const zkv_bjj *p) {
    zkv_fr zinv;
    /* Z never vanishes on this curve (complete law), so the inversion is always defined. */
    binv(&zinv, &p->z);
    bmul(&out->y, &p->y, &zinv);
    bmul(&zinv, &zinv, &BJJ_S_INV); /* undo the scaling of x */
    bmul(&out->x, &p->x, &zinv);
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
    bneg(&out->x, &a->x);
    out->y = a->y;
    bneg(&out->t, &a->t);
    out->z = a->z;
}

int zkv_bjj_equal(const zkv_bjj *a, const zkv_bjj *b) {
    zkv_fr l, r;
    bmul(&l, &a->x, &b->z);
    bmul(&r, &b->x, &a->z);
    if (!fr_equal(&l, &r)) return 0;
    bmul(&l, &a->y, &b->z);
    bmul(&r, &b->y, &a->z);
    return fr_equal(&l, &r);
}

/* ------------------------------------------------------------ constant-time selection */

/* 1 if a == b, else 0, without a branch (a, b < 2^32). */
static inline uint64_t ct_eq(uint64_t a, uint64_t b) {
    uint64_t x = a ^ b;
    return ((x | (0 - x)) >> 63) ^ 1;
}

static inline void fr_cmov(zkv_fr *o, const zkv_fr *a, uint64_t flag) { limbs_cmov(o->l, a->l, flag); }

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
        bmul(&xs, &q->x, &zs[i]);
        bmul(&y, &q->y, &zs[i]);
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
    bsqr(&y2, &p.y);
    fr_set_one(&one);
    bsub(&num, &one, &y2);
    bmul(&den, &y2, &BJJ_D);
    bsub(&den, &BJJ_A, &den);
    binv(&den, &den);
    bmul(&x2, &num, &den);
    /* No square root: no curve point has this y. */
    if (zkv_fr_sqrt(&p.x, &x2) != ZKV_OK) return ZKV_NOT_ON_CURVE;
    uint64_t x[4];
    fr_to_limbs(x, &p.x);
    if (limbs_less_than(BJJ_HALF_R, x)) bneg(&p.x, &p.x); /* the "positive" root */
    if (sign) {
        /* x = 0 has one encoding only: its sign bit clear. */
        if (fr_is_zero(&p.x)) return ZKV_BAD_ENCODING;
        bneg(&p.x, &p.x);
    }
    if (!zkv_bjj_is_on_curve(&p)) return ZKV_NOT_ON_CURVE;
    *out = p;
    return ZKV_OK;
}
