/*
 * field_impl.h - internal: inline Montgomery arithmetic for BN254's Fq and Fr.
 *
 * Both moduli are 254-bit, so 4p < 2^256: additions never carry out of the top limb and the
 * "no-carry" CIOS variant applies. Everything here is constant-time: no branch or memory index
 * depends on an operand's value (the final subtractions use masks).
 *
 * Not part of the public API: only the C sources in native/ include it.
 */
#ifndef ZKV_FIELD_IMPL_H
#define ZKV_FIELD_IMPL_H

#include <string.h>
#include "zkv.h"

typedef unsigned __int128 zkv_u128;

static const uint64_t FQ_MOD[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                   0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FQ_R1[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                  0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL};
static const uint64_t FQ_R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL,
                                  0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL};
#define FQ_INV 0x87d20782e4866389ULL

static const uint64_t FR_MOD[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                   0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FR_R1[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL,
                                  0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL};
static const uint64_t FR_R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL,
                                  0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL};
#define FR_INV 0xc2e1f593efffffffULL

/* ------------------------------------------------------------ generic 4-limb helpers */

/* out = t - m if t >= m else t, without branching on t. */
static inline void mont_reduce_once(uint64_t out[4], const uint64_t t[4], const uint64_t m[4]) {
    uint64_t d[4];
    uint64_t borrow = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)t[k] - m[k] - borrow;
        d[k] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t keep = 0 - borrow; /* all ones when t < m */
    for (int k = 0; k < 4; k++) out[k] = (t[k] & keep) | (d[k] & ~keep);
}

#if defined(__x86_64__) && defined(__ADX__) && defined(__BMI2__) && !defined(ZKV_NO_ASM)
/*
 * x86-64 with BMI2/ADX (what -march=native gives on current CPUs): mulx with two independent
 * carry chains (adcx, adox) and cmov for the final subtraction. GCC 12 derives neither from
 * the portable code below: it spills the 128-bit partial sums and vectorises the masked
 * selects, which made field multiplication 2-3x slower (measured on the pairing and on
 * BabyJubJub scalar multiplication). Same contract as the portable versions: inputs < m,
 * outputs < m, outputs may alias inputs, constant time.
 */
#define ZKV_FIELD_ASM 1

/* (d0..d3) = t - m if that does not borrow, else t (cmov, no branch). */
#define ZKV_ASM_CSUB                                                                           \
    "movq %[t0], %[d0]\n\t"                                                                    \
    "subq 0(%[m]), %[d0]\n\t"                                                                  \
    "movq %[t1], %[d1]\n\t"                                                                    \
    "sbbq 8(%[m]), %[d1]\n\t"                                                                  \
    "movq %[t2], %[d2]\n\t"                                                                    \
    "sbbq 16(%[m]), %[d2]\n\t"                                                                 \
    "movq %[t3], %[d3]\n\t"                                                                    \
    "sbbq 24(%[m]), %[d3]\n\t"                                                                 \
    "cmovcq %[t0], %[d0]\n\t"                                                                  \
    "cmovcq %[t1], %[d1]\n\t"                                                                  \
    "cmovcq %[t2], %[d2]\n\t"                                                                  \
    "cmovcq %[t3], %[d3]\n\t"

/* out = (t0..t3) + b, minus m if that does not borrow; the caller guarantees the sum is below
 * 2m < 2^255 (no carry out of the top limb). */
static inline void add_csub(uint64_t out[4], uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3,
                            const uint64_t b[4], const uint64_t m[4]) {
    uint64_t d0, d1, d2, d3;
    __asm__("addq 0(%[b]), %[t0]\n\t"
            "adcq 8(%[b]), %[t1]\n\t"
            "adcq 16(%[b]), %[t2]\n\t"
            "adcq 24(%[b]), %[t3]\n\t" ZKV_ASM_CSUB
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [d0] "=&r"(d0),
              [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3)
            : [b] "r"(b), [m] "r"(m), "m"(*(const uint64_t(*)[4])b),
              "m"(*(const uint64_t(*)[4])m)
            : "cc");
    out[0] = d0;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
}

static inline void mont_add(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                            const uint64_t m[4]) {
    add_csub(out, a[0], a[1], a[2], a[3], b, m); /* a + b < 2m */
}

static inline void mont_sub(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                            const uint64_t m[4]) {
    uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], k, q0, q1, q2, q3;
    /* a - b, then add m masked by the borrow */
    __asm__("subq 0(%[b]), %[t0]\n\t"
            "sbbq 8(%[b]), %[t1]\n\t"
            "sbbq 16(%[b]), %[t2]\n\t"
            "sbbq 24(%[b]), %[t3]\n\t"
            "sbbq %[k], %[k]\n\t"
            "movq 0(%[m]), %[q0]\n\t"
            "movq 8(%[m]), %[q1]\n\t"
            "movq 16(%[m]), %[q2]\n\t"
            "movq 24(%[m]), %[q3]\n\t"
            "andq %[k], %[q0]\n\t"
            "andq %[k], %[q1]\n\t"
            "andq %[k], %[q2]\n\t"
            "andq %[k], %[q3]\n\t"
            "addq %[q0], %[t0]\n\t"
            "adcq %[q1], %[t1]\n\t"
            "adcq %[q2], %[t2]\n\t"
            "adcq %[q3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [k] "=&r"(k),
              [q0] "=&r"(q0), [q1] "=&r"(q1), [q2] "=&r"(q2), [q3] "=&r"(q3)
            : [b] "r"(b), [m] "r"(m), "m"(*(const uint64_t(*)[4])b),
              "m"(*(const uint64_t(*)[4])m)
            : "cc");
    out[0] = t0;
    out[1] = t1;
    out[2] = t2;
    out[3] = t3;
}

/* One Montgomery reduction round: (T0..T4) += q * m with q making T0 zero. T4 must have room
 * for the carry: zero (wide_redc) or a CIOS round's top word (ZKV_ASM_ROUND). */
#define ZKV_ASM_REDROUND(T0, T1, T2, T3, T4)                                                   \
    "movq %[" #T0 "], %%rdx\n\t"                                                               \
    "imulq %[inv], %%rdx\n\t"                                                                  \
    "xorl %k[z], %k[z]\n\t"                                                                    \
    "mulxq 0(%[m]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T0 "]\n\t adoxq %[hi], %[" #T1 "]\n\t" \
    "mulxq 8(%[m]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T1 "]\n\t adoxq %[hi], %[" #T2 "]\n\t" \
    "mulxq 16(%[m]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T2 "]\n\t adoxq %[hi], %[" #T3 "]\n\t"\
    "mulxq 24(%[m]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T3 "]\n\t adoxq %[hi], %[" #T4 "]\n\t"\
    "adcxq %[z], %[" #T4 "]\n\t"

/* One CIOS round on the rotating 5-word accumulator: t += a*b[i], then t += q*m with q
 * making the low word zero; the next round starts one word up. */
#define ZKV_ASM_ROUND(I, T0, T1, T2, T3, T4)                                                   \
    "xorl %k[z], %k[z]\n\t"                                                                    \
    "movq " #I "(%[b]), %%rdx\n\t"                                                             \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T0 "]\n\t adoxq %[hi], %[" #T1 "]\n\t" \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T1 "]\n\t adoxq %[hi], %[" #T2 "]\n\t" \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T2 "]\n\t adoxq %[hi], %[" #T3 "]\n\t"\
    "mulxq 24(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T3 "]\n\t adoxq %[hi], %[" #T4 "]\n\t"\
    "adcxq %[z], %[" #T4 "]\n\t" ZKV_ASM_REDROUND(T0, T1, T2, T3, T4)

/* CIOS Montgomery multiplication, no-carry variant (m < 2^254 keeps t below 2m). Operands may
 * also lie in [0, 2m): a b / 2^256 < m still (4m < 2^256), so the result is canonical. */
static inline void mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                            const uint64_t m[4], uint64_t inv) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi, z, d0, d1, d2, d3;
    __asm__(ZKV_ASM_ROUND(0, t0, t1, t2, t3, t4) ZKV_ASM_ROUND(8, t1, t2, t3, t4, t0)
                ZKV_ASM_ROUND(16, t2, t3, t4, t0, t1) ZKV_ASM_ROUND(24, t3, t4, t0, t1, t2)
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
              [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z)
            : [a] "r"(a), [b] "r"(b), [m] "r"(m), [inv] "r"(inv),
              "m"(*(const uint64_t(*)[4])a), "m"(*(const uint64_t(*)[4])b),
              "m"(*(const uint64_t(*)[4])m)
            : "rdx", "cc");
    /* after four rotations the result words are t4, t0, t1, t2 (t3 is zero), below 2m */
    __asm__(ZKV_ASM_CSUB
            : [d0] "=&r"(d0), [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3)
            : [t0] "r"(t4), [t1] "r"(t0), [t2] "r"(t1), [t3] "r"(t2), [m] "r"(m),
              "m"(*(const uint64_t(*)[4])m)
            : "cc");
    out[0] = d0;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
}

#else /* portable C */

static inline void mont_add(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                            const uint64_t m[4]) {
    uint64_t t[4];
    uint64_t carry = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)a[k] + b[k] + carry;
        t[k] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    mont_reduce_once(out, t, m);
}

static inline void mont_sub(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                            const uint64_t m[4]) {
    uint64_t t[4];
    uint64_t borrow = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)a[k] - b[k] - borrow;
        t[k] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t mask = 0 - borrow; /* add m back when a < b */
    uint64_t carry = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)t[k] + (m[k] & mask) + carry;
        out[k] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

/* CIOS Montgomery multiplication, no-carry variant (valid because m[3] < 2^63 - 1). As the
 * asm version, operands in [0, 2m) are accepted: every partial sum stays below 2^256. */
static inline void mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                            const uint64_t m[4], uint64_t inv) {
    uint64_t t[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        zkv_u128 s = (zkv_u128)a[0] * b[i] + t[0];
        t[0] = (uint64_t)s;
        uint64_t A = (uint64_t)(s >> 64);
        uint64_t q = t[0] * inv;
        s = (zkv_u128)q * m[0] + t[0];
        uint64_t C = (uint64_t)(s >> 64);
        for (int j = 1; j < 4; j++) {
            s = (zkv_u128)a[j] * b[i] + t[j] + A;
            t[j] = (uint64_t)s;
            A = (uint64_t)(s >> 64);
            s = (zkv_u128)q * m[j] + t[j] + C;
            t[j - 1] = (uint64_t)s;
            C = (uint64_t)(s >> 64);
        }
        t[3] = C + A;
    }
    mont_reduce_once(out, t, m);
}
#endif

static inline int limbs_is_zero(const uint64_t a[4]) {
    return ((a[0] | a[1] | a[2] | a[3]) == 0);
}

static inline int limbs_equal(const uint64_t a[4], const uint64_t b[4]) {
    return (((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0);
}

/* 1 if a < m (a, m little-endian limbs). */
static inline int limbs_less_than(const uint64_t a[4], const uint64_t m[4]) {
    uint64_t borrow = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)a[k] - m[k] - borrow;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    return (int)borrow;
}

static inline void limbs_from_le_bytes(uint64_t out[4], const uint8_t in[32]) {
    for (int k = 0; k < 4; k++) {
        uint64_t w = 0;
        for (int b = 7; b >= 0; b--) w = (w << 8) | in[8 * k + b];
        out[k] = w;
    }
}

static inline void limbs_to_le_bytes(uint8_t out[32], const uint64_t in[4]) {
    for (int k = 0; k < 4; k++)
        for (int b = 0; b < 8; b++) out[8 * k + b] = (uint8_t)(in[k] >> (8 * b));
}

/* ------------------------------------------------------------ constant-time selection */

/* v unchanged; hides it from the optimiser so that it cannot turn a mask computed from v back
 * into a branch. */
static inline uint64_t ct_barrier(uint64_t v) {
#if defined(__GNUC__)
    __asm__("" : "+r"(v));
#endif
    return v;
}

/* 1 if a == b, else 0, without a comparison the compiler could branch on (any a, b). */
static inline uint64_t ct_eq(uint64_t a, uint64_t b) {
    uint64_t x = a ^ b;
    return ct_barrier(((x | (0 - x)) >> 63) ^ 1);
}

/* Constant-time conditional move: out = flag ? a : out (flag is 0 or 1). */
static inline void limbs_cmov(uint64_t out[4], const uint64_t a[4], uint64_t flag) {
    uint64_t mask = 0 - flag;
    for (int k = 0; k < 4; k++) out[k] ^= mask & (out[k] ^ a[k]);
}

/* ------------------------------------------------------------ Fq */
static inline void fq_add(zkv_fq *o, const zkv_fq *a, const zkv_fq *b) { mont_add(o->l, a->l, b->l, FQ_MOD); }
static inline void fq_sub(zkv_fq *o, const zkv_fq *a, const zkv_fq *b) { mont_sub(o->l, a->l, b->l, FQ_MOD); }
static inline void fq_mul(zkv_fq *o, const zkv_fq *a, const zkv_fq *b) { mont_mul(o->l, a->l, b->l, FQ_MOD, FQ_INV); }
static inline void fq_sqr(zkv_fq *o, const zkv_fq *a) { mont_mul(o->l, a->l, a->l, FQ_MOD, FQ_INV); }
static inline void fq_dbl(zkv_fq *o, const zkv_fq *a) { mont_add(o->l, a->l, a->l, FQ_MOD); }
static inline void fq_neg(zkv_fq *o, const zkv_fq *a) {
    static const uint64_t zero[4] = {0, 0, 0, 0};
    mont_sub(o->l, zero, a->l, FQ_MOD);
}
static inline void fq_cmov(zkv_fq *o, const zkv_fq *a, uint64_t flag) { limbs_cmov(o->l, a->l, flag); }
static inline void fq_set_zero(zkv_fq *o) { memset(o, 0, sizeof *o); }
static inline void fq_set_one(zkv_fq *o) { memcpy(o->l, FQ_R1, sizeof o->l); }
static inline int fq_is_zero(const zkv_fq *a) { return limbs_is_zero(a->l); }
static inline int fq_is_one(const zkv_fq *a) { return limbs_equal(a->l, FQ_R1); }
static inline int fq_equal(const zkv_fq *a, const zkv_fq *b) { return limbs_equal(a->l, b->l); }
/* Montgomery form of a small integer. */
static inline void fq_from_u64(zkv_fq *o, uint64_t v) {
    uint64_t t[4] = {v, 0, 0, 0};
    mont_mul(o->l, t, FQ_R2, FQ_MOD, FQ_INV);
}
/* out = a^e for a public exponent e (little-endian limbs); CT in a. */
void fq_pow(zkv_fq *out, const zkv_fq *a, const uint64_t e[4]);
/* out = 1/a (0 for 0) by a variable-time binary GCD: public a only (fields.c). */
void fq_inv_vartime(zkv_fq *out, const zkv_fq *a);
/* v[i] = 1/v[i] for n >= 1 nonzero public values (Montgomery's trick around one
 * fq_inv_vartime); scratch holds n (fields.c). */
void fq_batch_inv_vartime(zkv_fq *v, size_t n, zkv_fq *scratch);

/* ------------------------------------------------------------ Fr */
static inline void fr_add(zkv_fr *o, const zkv_fr *a, const zkv_fr *b) { mont_add(o->l, a->l, b->l, FR_MOD); }
static inline void fr_sub(zkv_fr *o, const zkv_fr *a, const zkv_fr *b) { mont_sub(o->l, a->l, b->l, FR_MOD); }
static inline void fr_mul(zkv_fr *o, const zkv_fr *a, const zkv_fr *b) { mont_mul(o->l, a->l, b->l, FR_MOD, FR_INV); }
static inline void fr_sqr(zkv_fr *o, const zkv_fr *a) { mont_mul(o->l, a->l, a->l, FR_MOD, FR_INV); }
static inline void fr_dbl(zkv_fr *o, const zkv_fr *a) { mont_add(o->l, a->l, a->l, FR_MOD); }
static inline void fr_neg(zkv_fr *o, const zkv_fr *a) {
    static const uint64_t zero[4] = {0, 0, 0, 0};
    mont_sub(o->l, zero, a->l, FR_MOD);
}
static inline void fr_cmov(zkv_fr *o, const zkv_fr *a, uint64_t flag) { limbs_cmov(o->l, a->l, flag); }
static inline void fr_set_zero(zkv_fr *o) { memset(o, 0, sizeof *o); }
static inline void fr_set_one(zkv_fr *o) { memcpy(o->l, FR_R1, sizeof o->l); }
static inline int fr_is_zero(const zkv_fr *a) { return limbs_is_zero(a->l); }
static inline int fr_equal(const zkv_fr *a, const zkv_fr *b) { return limbs_equal(a->l, b->l); }
static inline void fr_from_u64(zkv_fr *o, uint64_t v) {
    uint64_t t[4] = {v, 0, 0, 0};
    mont_mul(o->l, t, FR_R2, FR_MOD, FR_INV);
}
/* 1/2^log_n (the inverse NTT's 1/n): 1/2 by one inversion, then log_n multiplications. */
static inline void fr_inv_pow2(zkv_fr *out, uint32_t log_n) {
    zkv_fr half;
    fr_from_u64(&half, 2);
    zkv_fr_inv(&half, &half);
    fr_set_one(out);
    for (uint32_t k = 0; k < log_n; k++) fr_mul(out, out, &half);
}
/* Canonical (non-Montgomery) little-endian limbs of a. */
static inline void fr_to_limbs(uint64_t out[4], const zkv_fr *a) {
    static const uint64_t one[4] = {1, 0, 0, 0};
    mont_mul(out, a->l, one, FR_MOD, FR_INV);
}
static inline void fq_to_limbs(uint64_t out[4], const zkv_fq *a) {
    static const uint64_t one[4] = {1, 0, 0, 0};
    mont_mul(out, a->l, one, FQ_MOD, FQ_INV);
}
void fr_pow(zkv_fr *out, const zkv_fr *a, const uint64_t e[4]);

/* ------------------------------------------------------------ lazily reduced Fq products */
/*
 * fq_mul_lazy: a * b / 2^256 mod q, left in [0, 2q) (no final subtraction). Inputs may be in
 * [0, 2q) as well: the CIOS bound t < (a * b + 2^256 * q) / 2^256 < 2q needs only 4q < 2^256,
 * and every intermediate stays below 3q < 2^256. Such values may feed only multiplications
 * (fq_mul accepts them and returns a canonical result) or fq_lazy_reduce; fq_add, fq_sub,
 * fq_equal and fq_is_zero need canonical inputs. Constant time.
 */
#ifdef ZKV_FIELD_ASM
static inline void fq_mul_lazy(zkv_fq *o, const zkv_fq *a, const zkv_fq *b) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi, z;
    __asm__(ZKV_ASM_ROUND(0, t0, t1, t2, t3, t4) ZKV_ASM_ROUND(8, t1, t2, t3, t4, t0)
                ZKV_ASM_ROUND(16, t2, t3, t4, t0, t1) ZKV_ASM_ROUND(24, t3, t4, t0, t1, t2)
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
              [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z)
            : [a] "r"(a->l), [b] "r"(b->l), [m] "r"(FQ_MOD), [inv] "r"(FQ_INV),
              "m"(*(const uint64_t(*)[4])a->l), "m"(*(const uint64_t(*)[4])b->l),
              "m"(*(const uint64_t(*)[4])FQ_MOD)
            : "rdx", "cc");
    o->l[0] = t4;
    o->l[1] = t0;
    o->l[2] = t1;
    o->l[3] = t2;
}
#else
static inline void fq_mul_lazy(zkv_fq *o, const zkv_fq *a, const zkv_fq *b) { fq_mul(o, a, b); }
#endif
/* [0, 2q) -> canonical */
static inline void fq_lazy_reduce(zkv_fq *o, const zkv_fq *a) {
    mont_reduce_once(o->l, a->l, FQ_MOD);
}

/* ------------------------------------------------------------ 512-bit products (lazy reduction) */
/*
 * The pieces of Fq2 arithmetic with one Montgomery reduction per output coefficient instead of
 * one per product: wide_mul gives the full 512-bit product, the wide_sub* helpers combine
 * products, and wide_redc reduces once. Bounds the caller must keep (m = FQ_MOD or FR_MOD, both
 * below 2^254): wide_mul takes any a, b < 2^256; wide_redc needs t < m * 2^256 and returns
 * t / 2^256 mod m canonical (< m). Constant time, like everything in this file.
 */
#ifdef ZKV_FIELD_ASM
/* One row of the schoolbook product: (T0..T4) += a * b[I]; T4 must be zero on entry. */
#define ZKV_ASM_MULROW(I, T0, T1, T2, T3, T4)                                                  \
    "xorl %k[z], %k[z]\n\t"                                                                    \
    "movq " #I "(%[b]), %%rdx\n\t"                                                             \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T0 "]\n\t adoxq %[hi], %[" #T1 "]\n\t" \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T1 "]\n\t adoxq %[hi], %[" #T2 "]\n\t" \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T2 "]\n\t adoxq %[hi], %[" #T3 "]\n\t"\
    "mulxq 24(%[a]), %[lo], %[hi]\n\t adcxq %[lo], %[" #T3 "]\n\t adoxq %[hi], %[" #T4 "]\n\t"\
    "adcxq %[z], %[" #T4 "]\n\t"

/* out[0..7] = a * b. The finished low word of each row goes straight to memory, so the
 * accumulator stays five registers wide. */
static inline void wide_mul(uint64_t out[8], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t t0, t1, t2, t3, t4, lo, hi, z;
    /* the first row lands in an empty accumulator: one plain carry chain */
    __asm__("movq 0(%[b]), %%rdx\n\t"
            "mulxq 0(%[a]), %[t0], %[t1]\n\t"
            "mulxq 8(%[a]), %[lo], %[t2]\n\t addq %[lo], %[t1]\n\t"
            "mulxq 16(%[a]), %[lo], %[t3]\n\t adcq %[lo], %[t2]\n\t"
            "mulxq 24(%[a]), %[lo], %[t4]\n\t adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "movq %[t0], 0(%[o])\n\t"
            "xorl %k[t0], %k[t0]\n\t"
            ZKV_ASM_MULROW(8, t1, t2, t3, t4, t0) "movq %[t1], 8(%[o])\n\t"
            "xorl %k[t1], %k[t1]\n\t"
            ZKV_ASM_MULROW(16, t2, t3, t4, t0, t1) "movq %[t2], 16(%[o])\n\t"
            "xorl %k[t2], %k[t2]\n\t"
            ZKV_ASM_MULROW(24, t3, t4, t0, t1, t2) "movq %[t3], 24(%[o])\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
              [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z), "=m"(*(uint64_t(*)[8])out)
            : [a] "r"(a), [b] "r"(b), [o] "r"(out), "m"(*(const uint64_t(*)[4])a),
              "m"(*(const uint64_t(*)[4])b)
            : "rdx", "cc");
    out[4] = t4;
    out[5] = t0;
    out[6] = t1;
    out[7] = t2;
}


/* out = t / 2^256 mod m, canonical, for t < m * 2^256. Reducing the low half alone gives
 * (t_lo + q m) / 2^256 <= m; adding the high half (< m) keeps the sum below 2m, so one
 * conditional subtraction finishes. */
static inline void wide_redc(uint64_t out[4], const uint64_t t[8], const uint64_t m[4],
                             uint64_t inv) {
    uint64_t t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = 0, lo, hi, z;
    __asm__(ZKV_ASM_REDROUND(t0, t1, t2, t3, t4) ZKV_ASM_REDROUND(t1, t2, t3, t4, t0)
                ZKV_ASM_REDROUND(t2, t3, t4, t0, t1) ZKV_ASM_REDROUND(t3, t4, t0, t1, t2)
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
              [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z)
            : [m] "r"(m), [inv] "r"(inv), "m"(*(const uint64_t(*)[4])m)
            : "rdx", "cc");
    /* the result words are t4, t0, t1, t2; plus the high half */
    add_csub(out, t4, t0, t1, t2, t + 4, m);
}

/* out = x - y over 512 bits; the caller guarantees x >= y. out may alias x or y. */
static inline void wide_sub(uint64_t out[8], const uint64_t x[8], const uint64_t y[8]) {
    uint64_t w;
    __asm__("movq 0(%[x]), %[w]\n\t subq 0(%[y]), %[w]\n\t movq %[w], 0(%[o])\n\t"
            "movq 8(%[x]), %[w]\n\t sbbq 8(%[y]), %[w]\n\t movq %[w], 8(%[o])\n\t"
            "movq 16(%[x]), %[w]\n\t sbbq 16(%[y]), %[w]\n\t movq %[w], 16(%[o])\n\t"
            "movq 24(%[x]), %[w]\n\t sbbq 24(%[y]), %[w]\n\t movq %[w], 24(%[o])\n\t"
            "movq 32(%[x]), %[w]\n\t sbbq 32(%[y]), %[w]\n\t movq %[w], 32(%[o])\n\t"
            "movq 40(%[x]), %[w]\n\t sbbq 40(%[y]), %[w]\n\t movq %[w], 40(%[o])\n\t"
            "movq 48(%[x]), %[w]\n\t sbbq 48(%[y]), %[w]\n\t movq %[w], 48(%[o])\n\t"
            "movq 56(%[x]), %[w]\n\t sbbq 56(%[y]), %[w]\n\t movq %[w], 56(%[o])\n\t"
            : [w] "=&r"(w), "=m"(*(uint64_t(*)[8])out)
            : [x] "r"(x), [y] "r"(y), [o] "r"(out), "m"(*(const uint64_t(*)[8])x),
              "m"(*(const uint64_t(*)[8])y)
            : "cc");
}

/* out = x - y + (m * 2^256 if x < y), for x, y < m * 2^256: the result stays in
 * [0, m * 2^256), ready for wide_redc, and is congruent to x - y mod m. */
static inline void wide_sub_mod(uint64_t out[8], const uint64_t x[8], const uint64_t y[8],
                                const uint64_t m[4]) {
    uint64_t w, q1, q2, h0, h1, h2, h3, k;
    __asm__("movq 0(%[x]), %[w]\n\t subq 0(%[y]), %[w]\n\t movq %[w], 0(%[o])\n\t"
            "movq 8(%[x]), %[w]\n\t sbbq 8(%[y]), %[w]\n\t movq %[w], 8(%[o])\n\t"
            "movq 16(%[x]), %[w]\n\t sbbq 16(%[y]), %[w]\n\t movq %[w], 16(%[o])\n\t"
            "movq 24(%[x]), %[w]\n\t sbbq 24(%[y]), %[w]\n\t movq %[w], 24(%[o])\n\t"
            "movq 32(%[x]), %[h0]\n\t sbbq 32(%[y]), %[h0]\n\t"
            "movq 40(%[x]), %[h1]\n\t sbbq 40(%[y]), %[h1]\n\t"
            "movq 48(%[x]), %[h2]\n\t sbbq 48(%[y]), %[h2]\n\t"
            "movq 56(%[x]), %[h3]\n\t sbbq 56(%[y]), %[h3]\n\t"
            "sbbq %[k], %[k]\n\t" /* all ones when x < y */
            "movq %[k], %[w]\n\t andq 0(%[m]), %[w]\n\t"
            "movq %[k], %[q1]\n\t andq 8(%[m]), %[q1]\n\t"
            "movq %[k], %[q2]\n\t andq 16(%[m]), %[q2]\n\t"
            "andq 24(%[m]), %[k]\n\t"
            "addq %[w], %[h0]\n\t adcq %[q1], %[h1]\n\t adcq %[q2], %[h2]\n\t adcq %[k], %[h3]\n\t"
            "movq %[h0], 32(%[o])\n\t movq %[h1], 40(%[o])\n\t"
            "movq %[h2], 48(%[o])\n\t movq %[h3], 56(%[o])\n\t"
            : [w] "=&r"(w), [q1] "=&r"(q1), [q2] "=&r"(q2), [h0] "=&r"(h0), [h1] "=&r"(h1),
              [h2] "=&r"(h2), [h3] "=&r"(h3), [k] "=&r"(k), "=m"(*(uint64_t(*)[8])out)
            : [x] "r"(x), [y] "r"(y), [o] "r"(out), [m] "r"(m),
              "m"(*(const uint64_t(*)[8])x), "m"(*(const uint64_t(*)[8])y),
              "m"(*(const uint64_t(*)[4])m)
            : "cc");
}

/* out = a + b without reduction (a, b < 2^255, so no carry out of the top limb). */
static inline void limbs_add_nr(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3];
    __asm__("addq 0(%[b]), %[t0]\n\t"
            "adcq 8(%[b]), %[t1]\n\t"
            "adcq 16(%[b]), %[t2]\n\t"
            "adcq 24(%[b]), %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3)
            : [b] "r"(b), "m"(*(const uint64_t(*)[4])b)
            : "cc");
    out[0] = t0;
    out[1] = t1;
    out[2] = t2;
    out[3] = t3;
}

/* out = a - b without reduction; the caller guarantees a >= b. */
static inline void limbs_sub_nr(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3];
    __asm__("subq 0(%[b]), %[t0]\n\t"
            "sbbq 8(%[b]), %[t1]\n\t"
            "sbbq 16(%[b]), %[t2]\n\t"
            "sbbq 24(%[b]), %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3)
            : [b] "r"(b), "m"(*(const uint64_t(*)[4])b)
            : "cc");
    out[0] = t0;
    out[1] = t1;
    out[2] = t2;
    out[3] = t3;
}

#else /* portable C */

static inline void wide_mul(uint64_t out[8], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            zkv_u128 s = (zkv_u128)a[j] * b[i] + t[i + j] + carry;
            t[i + j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t[i + 4] = carry;
    }
    memcpy(out, t, sizeof t);
}

static inline void wide_redc(uint64_t out[4], const uint64_t t[8], const uint64_t m[4],
                             uint64_t inv) {
    uint64_t lo[5] = {t[0], t[1], t[2], t[3], 0}, r[4];
    /* reduce the low half: (t_lo + q m) / 2^256 <= m */
    for (int i = 0; i < 4; i++) {
        uint64_t q = lo[0] * inv, carry = 0;
        for (int j = 0; j < 4; j++) {
            zkv_u128 s = (zkv_u128)q * m[j] + lo[j] + carry;
            lo[j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        lo[4] += carry;
        for (int j = 0; j < 4; j++) lo[j] = lo[j + 1];
        lo[4] = 0;
    }
    /* plus the high half (< m): below 2m */
    uint64_t carry = 0;
    for (int j = 0; j < 4; j++) {
        zkv_u128 s = (zkv_u128)lo[j] + t[4 + j] + carry;
        r[j] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    mont_reduce_once(out, r, m);
}

static inline void wide_sub(uint64_t out[8], const uint64_t x[8], const uint64_t y[8]) {
    uint64_t borrow = 0;
    for (int k = 0; k < 8; k++) {
        zkv_u128 s = (zkv_u128)x[k] - y[k] - borrow;
        out[k] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
}

static inline void wide_sub_mod(uint64_t out[8], const uint64_t x[8], const uint64_t y[8],
                                const uint64_t m[4]) {
    uint64_t borrow = 0;
    for (int k = 0; k < 8; k++) {
        zkv_u128 s = (zkv_u128)x[k] - y[k] - borrow;
        out[k] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t mask = 0 - borrow, carry = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)out[4 + k] + (m[k] & mask) + carry;
        out[4 + k] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

static inline void limbs_add_nr(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t carry = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)a[k] + b[k] + carry;
        out[k] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

static inline void limbs_sub_nr(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
    uint64_t borrow = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 s = (zkv_u128)a[k] - b[k] - borrow;
        out[k] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
}
#endif


/* ------------------------------------------------------------ small multiples in Fq */
/* floor(2^124 / (floor(p / 2^193) + 1)): the reciprocal behind fq_mul9_add's quotient estimate. */
static const uint64_t FQ_SMALL_QUOT_RECIP = 0xa948e8c4c474094eULL;

/*
 * out = 9 u + v mod p for u < p, v <= p, constant time. x = 9u + v < 10p < 2^257; the estimate
 * q = floor((x >> 193) RECIP / 2^124) never exceeds floor(x / p) and falls short of it by at
 * most one (the truncations lose far less than 1/p of the quotient), so x - q p < 2p fits the
 * low four words and one conditional subtraction finishes.
 */
#ifdef ZKV_FIELD_ASM
static inline void fq_mul9_add(zkv_fq *o, const uint64_t u[4], const uint64_t v[4]) {
    uint64_t x0, x1, x2, x3, x4, p0, p1, p2, p3, d0, d1, d2, d3;
    /* the pointer registers double as scratch once the operands are loaded */
    uint64_t ur = (uint64_t)u, vr = (uint64_t)v;
    __asm__("movq $9, %%rdx\n\t"
            "mulxq 0(%[u]), %[x0], %[x1]\n\t"
            "mulxq 8(%[u]), %[p0], %[x2]\n\t"
            "mulxq 16(%[u]), %[p1], %[x3]\n\t"
            "mulxq 24(%[u]), %[p2], %[x4]\n\t"
            "addq %[p0], %[x1]\n\t adcq %[p1], %[x2]\n\t adcq %[p2], %[x3]\n\t adcq $0, %[x4]\n\t"
            "addq 0(%[v]), %[x0]\n\t adcq 8(%[v]), %[x1]\n\t adcq 16(%[v]), %[x2]\n\t"
            "adcq 24(%[v]), %[x3]\n\t adcq $0, %[x4]\n\t"
            "movq %[x3], %%rdx\n\t"
            "shrdq $1, %[x4], %%rdx\n\t"
            "mulxq %[recip], %[p0], %%rdx\n\t"
            "shrq $60, %%rdx\n\t"
            /* q p mod 2^256 (x - q p < 2^256, so the top word is not needed) */
            "movq %%rdx, %[u]\n\t imulq 24(%[m]), %[u]\n\t"
            "mulxq 0(%[m]), %[p0], %[p1]\n\t"
            "mulxq 8(%[m]), %[x4], %[p2]\n\t"
            "mulxq 16(%[m]), %[v], %[p3]\n\t"
            "addq %[x4], %[p1]\n\t adcq %[v], %[p2]\n\t adcq %[u], %[p3]\n\t"
            "subq %[p0], %[x0]\n\t sbbq %[p1], %[x1]\n\t sbbq %[p2], %[x2]\n\t sbbq %[p3], %[x3]\n\t"
            : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [x4] "=&r"(x4),
              [p0] "=&r"(p0), [p1] "=&r"(p1), [p2] "=&r"(p2), [p3] "=&r"(p3), [u] "+&r"(ur),
              [v] "+&r"(vr)
            : [m] "r"(FQ_MOD), [recip] "m"(FQ_SMALL_QUOT_RECIP), "m"(*(const uint64_t(*)[4])u),
              "m"(*(const uint64_t(*)[4])v), "m"(*(const uint64_t(*)[4])FQ_MOD)
            : "rdx", "cc");
    __asm__(ZKV_ASM_CSUB
            : [d0] "=&r"(d0), [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3)
            : [t0] "r"(x0), [t1] "r"(x1), [t2] "r"(x2), [t3] "r"(x3), [m] "r"(FQ_MOD),
              "m"(*(const uint64_t(*)[4])FQ_MOD)
            : "cc");
    o->l[0] = d0;
    o->l[1] = d1;
    o->l[2] = d2;
    o->l[3] = d3;
}
#else
static inline void fq_mul9_add(zkv_fq *o, const uint64_t u[4], const uint64_t v[4]) {
    uint64_t x[5], r[4];
    zkv_u128 acc = 0;
    for (int k = 0; k < 4; k++) {
        acc += (zkv_u128)u[k] * 9 + v[k];
        x[k] = (uint64_t)acc;
        acc >>= 64;
    }
    x[4] = (uint64_t)acc;
    uint64_t xt = (x[3] >> 1) | (x[4] << 63);
    uint64_t q = (uint64_t)(((zkv_u128)xt * FQ_SMALL_QUOT_RECIP) >> 64) >> 60;
    uint64_t carry = 0, borrow = 0;
    for (int k = 0; k < 4; k++) {
        zkv_u128 m = (zkv_u128)q * FQ_MOD[k] + carry;
        carry = (uint64_t)(m >> 64);
        zkv_u128 s = (zkv_u128)x[k] - (uint64_t)m - borrow;
        r[k] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    mont_reduce_once(o->l, r, FQ_MOD);
}
#endif

#endif
