/*
 * zkv.h - the one public header of zkvote's native core.
 *
 * BN254 (alt_bn128) Fq/Fr arithmetic, G1/G2, the optimal-ate pairing, MSM, NTT over Fr,
 * BabyJubJub (twisted Edwards over Fr) and baby-step giant-step discrete logs.
 *
 * Conventions (borrowed from blst/libsodium):
 *  - every name has the prefix zkv_; one type per representation;
 *  - output first, inputs const, fixed sizes in the signatures;
 *  - functions that parse untrusted bytes return zkv_error; pure arithmetic returns void;
 *  - the caller allocates (scratch sizes come from *_sizeof functions);
 *  - "CT" marks constant-time functions (no secret-dependent branch or memory index);
 *    variable-time functions end in _vartime and must only see public data. The pairing
 *    functions keep their established names and say "Public data (vartime)" instead.
 *
 * Encodings at the byte boundary: field elements are 32-byte little-endian canonical integers
 * (< modulus; no Montgomery form). G1 affine = x||y (64 bytes), infinity = all zeros.
 * G2 affine = x.c0||x.c1||y.c0||y.c1 (128 bytes), Fq2 = c0 + c1*u, infinity = all zeros.
 * BabyJubJub affine = x||y (64 bytes), identity = (0, 1). Fq12 = 12 Fq in tower order
 * (c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1), 384 bytes.
 *
 * In-memory structs (zkv_fq, zkv_fr, points) hold Montgomery-form limbs; they are opaque to
 * callers: build them only with the *_from_bytes functions.
 *
 * This file is also fed to cffi's cdef: keep preprocessor lines to the include guard and
 * #include lines, and no macros in declarations.
 */
#ifndef ZKV_H
#define ZKV_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    ZKV_OK = 0,
    ZKV_BAD_ENCODING = 1,     /* wrong length / malformed bytes */
    ZKV_NOT_CANONICAL = 2,    /* a field element >= modulus */
    ZKV_NOT_ON_CURVE = 3,
    ZKV_NOT_IN_SUBGROUP = 4,
    ZKV_NO_SQUARE_ROOT = 5,
    ZKV_NOT_INVERTIBLE = 6,   /* zero has no inverse */
    ZKV_NOT_FOUND = 7,        /* discrete log outside the searched range */
    ZKV_BAD_ARGUMENT = 8      /* size out of range, unsupported parameter */
} zkv_error;

/* ---------------------------------------------------------------- fields */
typedef struct { uint64_t l[4]; } zkv_fq;   /* base field p, Montgomery form */
typedef struct { uint64_t l[4]; } zkv_fr;   /* scalar field r, Montgomery form */
typedef struct { zkv_fq c0, c1; } zkv_fq2;  /* c0 + c1*u, u^2 = -1 */
typedef struct { zkv_fq2 c0, c1, c2; } zkv_fq6; /* c0 + c1*v + c2*v^2, v^3 = 9 + u */
typedef struct { zkv_fq6 c0, c1; } zkv_fq12;    /* c0 + c1*w, w^2 = v */

zkv_error zkv_fq_from_bytes(zkv_fq *out, const uint8_t in[32]);   /* ZKV_NOT_CANONICAL if >= p */
void zkv_fq_to_bytes(uint8_t out[32], const zkv_fq *a);
zkv_error zkv_fr_from_bytes(zkv_fr *out, const uint8_t in[32]);   /* ZKV_NOT_CANONICAL if >= r */
void zkv_fr_to_bytes(uint8_t out[32], const zkv_fr *a);
/* Reduce any 256-bit little-endian integer mod r (CT). */
void zkv_fr_from_bytes_reduce(zkv_fr *out, const uint8_t in[32]);

void zkv_fq_add(zkv_fq *out, const zkv_fq *a, const zkv_fq *b);           /* CT */
void zkv_fq_sub(zkv_fq *out, const zkv_fq *a, const zkv_fq *b);           /* CT */
void zkv_fq_mul(zkv_fq *out, const zkv_fq *a, const zkv_fq *b);           /* CT */
void zkv_fq_sqr(zkv_fq *out, const zkv_fq *a);                            /* CT */
void zkv_fq_neg(zkv_fq *out, const zkv_fq *a);                            /* CT */
zkv_error zkv_fq_inv(zkv_fq *out, const zkv_fq *a);  /* CT (Fermat); ZKV_NOT_INVERTIBLE for 0 */
/* Same result, variable time (Bernstein-Yang binary GCD, several times faster): public a only.
 * For 0, out = 0 and ZKV_NOT_INVERTIBLE. */
zkv_error zkv_fq_inv_vartime(zkv_fq *out, const zkv_fq *a);
zkv_error zkv_fq_sqrt(zkv_fq *out, const zkv_fq *a); /* ZKV_NO_SQUARE_ROOT; returns either root */

void zkv_fr_add(zkv_fr *out, const zkv_fr *a, const zkv_fr *b);           /* CT */
void zkv_fr_sub(zkv_fr *out, const zkv_fr *a, const zkv_fr *b);           /* CT */
void zkv_fr_mul(zkv_fr *out, const zkv_fr *a, const zkv_fr *b);           /* CT */
void zkv_fr_sqr(zkv_fr *out, const zkv_fr *a);                            /* CT */
void zkv_fr_neg(zkv_fr *out, const zkv_fr *a);                            /* CT */
zkv_error zkv_fr_inv(zkv_fr *out, const zkv_fr *a);  /* CT (Fermat); ZKV_NOT_INVERTIBLE for 0 */
zkv_error zkv_fr_sqrt(zkv_fr *out, const zkv_fr *a); /* Tonelli-Shanks; ZKV_NO_SQUARE_ROOT */
/* out = a^e, e a 32-byte little-endian exponent (any value); CT (square and multiply
 * always). */
void zkv_fq_pow(zkv_fq *out, const zkv_fq *a, const uint8_t e[32]);
void zkv_fr_pow(zkv_fr *out, const zkv_fr *a, const uint8_t e[32]);
/* Montgomery's trick: out[i] = 1/in[i]; out may alias in. ZKV_NOT_INVERTIBLE if any is 0
 * (then out is unspecified). scratch holds n zkv_fr. */
zkv_error zkv_fr_batch_inv(zkv_fr *out, const zkv_fr *in, size_t n, zkv_fr *scratch);
zkv_error zkv_fq_batch_inv(zkv_fq *out, const zkv_fq *in, size_t n, zkv_fq *scratch);

/* Bulk conversions for arrays of n elements (32 bytes each). On error *bad_index names the
 * first offending element. */
zkv_error zkv_fr_array_from_bytes(zkv_fr *out, const uint8_t *in, size_t n, size_t *bad_index);
void zkv_fr_array_to_bytes(uint8_t *out, const zkv_fr *in, size_t n);

/* Fq2 arithmetic (exported for differential tests; the core uses the inline versions). */
void zkv_fq2_mul(zkv_fq2 *out, const zkv_fq2 *a, const zkv_fq2 *b);       /* CT */
void zkv_fq2_sqr(zkv_fq2 *out, const zkv_fq2 *a);                         /* CT */
void zkv_fq2_mul_by_xi(zkv_fq2 *out, const zkv_fq2 *a); /* out = (9 + u) a; CT */
/* 1/a, variable time: public a only. For 0, out = 0 and ZKV_NOT_INVERTIBLE. */
zkv_error zkv_fq2_inv_vartime(zkv_fq2 *out, const zkv_fq2 *a);

void zkv_fq12_to_bytes(uint8_t out[384], const zkv_fq12 *a);
zkv_error zkv_fq12_from_bytes(zkv_fq12 *out, const uint8_t in[384]);
void zkv_fq12_mul(zkv_fq12 *out, const zkv_fq12 *a, const zkv_fq12 *b);
int zkv_fq12_is_one(const zkv_fq12 *a);

/* ---------------------------------------------------------------- G1: y^2 = x^3 + 3 over Fq */
typedef struct { zkv_fq x, y; } zkv_g1_affine;    /* infinity = (0, 0) */
typedef struct { zkv_fq x, y, z; } zkv_g1;        /* Jacobian, infinity has z = 0 */

/* Checks canonical coordinates and on-curve (G1 has cofactor 1, so on-curve = in subgroup). */
zkv_error zkv_g1_affine_from_bytes(zkv_g1_affine *out, const uint8_t in[64]);
void zkv_g1_affine_to_bytes(uint8_t out[64], const zkv_g1_affine *p);
zkv_error zkv_g1_affine_array_from_bytes(zkv_g1_affine *out, const uint8_t *in, size_t n,
                                         size_t *bad_index);
void zkv_g1_from_affine(zkv_g1 *out, const zkv_g1_affine *p);
void zkv_g1_to_affine(zkv_g1_affine *out, const zkv_g1 *p);
/* Normalise n Jacobian points with one shared inversion; scratch holds n zkv_fq. */
void zkv_g1_batch_to_affine(zkv_g1_affine *out, const zkv_g1 *in, size_t n, zkv_fq *scratch);
int zkv_g1_is_on_curve(const zkv_g1_affine *p);
void zkv_g1_add(zkv_g1 *out, const zkv_g1 *a, const zkv_g1 *b);
void zkv_g1_add_affine(zkv_g1 *out, const zkv_g1 *a, const zkv_g1_affine *b);
void zkv_g1_double(zkv_g1 *out, const zkv_g1 *a);
void zkv_g1_neg(zkv_g1 *out, const zkv_g1 *a);
int zkv_g1_is_infinity(const zkv_g1 *a);
int zkv_g1_equal(const zkv_g1 *a, const zkv_g1 *b);
/* k is a 32-byte little-endian integer (any value; k P = (k mod r) P). GLV-split: about half
 * the doublings of a plain wNAF. */
void zkv_g1_mul_vartime(zkv_g1 *out, const zkv_g1 *p, const uint8_t k[32]);
/* Pippenger: out = sum scalars[i] * points[i]; scalars are n 32-byte little-endian integers
 * (any value < 2^256). scratch must hold zkv_g1_msm_scratch_sizeof(n) bytes. */
size_t zkv_g1_msm_scratch_sizeof(size_t n);
void zkv_g1_msm_vartime(zkv_g1 *out, const zkv_g1_affine *points, const uint8_t *scalars,
                        size_t n, void *scratch);
/* Test hook of the G1 MSM's eight AVX-512 IFMA lanes (fq_ifma_impl.h): out[j] = a[j] b[j] /
 * 2^260 mod q, canonical, on the raw limbs (integers) of any a[j], b[j] < 2^256. Returns 1, or
 * 0 without writing out where the lanes are not built (no IFMA target, or ZKV_NO_IFMA). */
int zkv_fq8_mul_test(zkv_fq out[8], const zkv_fq a[8], const zkv_fq b[8]);

/* ---------------------------------------------------------------- G2: y^2 = x^3 + 3/(9+u) over Fq2 */
typedef struct { zkv_fq2 x, y; } zkv_g2_affine;   /* infinity = (0, 0) */
typedef struct { zkv_fq2 x, y, z; } zkv_g2;       /* Jacobian */

/* Checks canonical coordinates, on the twist, and in the order-r subgroup. */
zkv_error zkv_g2_affine_from_bytes(zkv_g2_affine *out, const uint8_t in[128]);
/* Same without the subgroup check (for tests of the check itself). */
zkv_error zkv_g2_affine_from_bytes_unchecked(zkv_g2_affine *out, const uint8_t in[128]);
void zkv_g2_affine_to_bytes(uint8_t out[128], const zkv_g2_affine *p);
zkv_error zkv_g2_affine_array_from_bytes(zkv_g2_affine *out, const uint8_t *in, size_t n,
                                         size_t *bad_index);
void zkv_g2_from_affine(zkv_g2 *out, const zkv_g2_affine *p);
void zkv_g2_to_affine(zkv_g2_affine *out, const zkv_g2 *p);
/* Normalise n Jacobian points with one shared inversion; scratch holds n zkv_fq2. */
void zkv_g2_batch_to_affine(zkv_g2_affine *out, const zkv_g2 *in, size_t n, zkv_fq2 *scratch);
int zkv_g2_is_on_curve(const zkv_g2_affine *p);
/* psi(P) == [6x^2]P (Scott 2021); P must be on the curve. */
int zkv_g2_is_in_subgroup(const zkv_g2_affine *p);
void zkv_g2_add(zkv_g2 *out, const zkv_g2 *a, const zkv_g2 *b);
void zkv_g2_add_affine(zkv_g2 *out, const zkv_g2 *a, const zkv_g2_affine *b);
void zkv_g2_double(zkv_g2 *out, const zkv_g2 *a);
void zkv_g2_neg(zkv_g2 *out, const zkv_g2 *a);
int zkv_g2_is_infinity(const zkv_g2 *a);
int zkv_g2_equal(const zkv_g2 *a, const zkv_g2 *b);
/* k P for p in G2 (the order-r subgroup) and a 32-byte little-endian k (any value; reduced
 * mod r), through the psi split: about half the doublings of zkv_g2_mul_twist_vartime. For a
 * point outside G2 the result is unspecified: use zkv_g2_mul_twist_vartime there. */
void zkv_g2_mul_vartime(zkv_g2 *out, const zkv_g2 *p, const uint8_t k[32]);
/* k P for any point of the twist E'(Fq2) and any 32-byte little-endian k (not reduced):
 * plain width-5 wNAF (cofactor and subgroup work, [r]P). */
void zkv_g2_mul_twist_vartime(zkv_g2 *out, const zkv_g2 *p, const uint8_t k[32]);
size_t zkv_g2_msm_scratch_sizeof(size_t n);
void zkv_g2_msm_vartime(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                        size_t n, void *scratch);

/* ---- constant-time multiplication by secret scalars (ct_mul.c) */
/* out = k P, k a 32-byte little-endian integer (any value < 2^256). CT in k (and in P):
 * complete projective formulas, fixed 4-bit windows over all 256 bits, masked table scan.
 * P: any point of E(Fq) / of the twist E'(Fq2) (the formulas are complete on both). For
 * secrets (ceremony toxic waste, nonces); ~1.2x (G1) / ~1.5x (G2) the cost of _vartime. */
void zkv_g1_mul_ct(zkv_g1 *out, const zkv_g1 *p, const uint8_t k[32]);
void zkv_g2_mul_ct(zkv_g2 *out, const zkv_g2 *p, const uint8_t k[32]);
/* out[i] = k_i points[i] for i < n, k_i the 32 bytes at scalars + 32 i; affine inputs
 * ((0, 0) the identity), Jacobian outputs. CT in the scalars and points (n is public). */
void zkv_g1_mul_ct_many(zkv_g1 *out, const zkv_g1_affine *points, const uint8_t *scalars,
                        size_t n);
void zkv_g2_mul_ct_many(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                        size_t n);

/* ---------------------------------------------------------------- pairing */
/* Product of n Miller loops f_{6x+2,Q}(P) with the two Frobenius lines (optimal ate);
 * pairs with an infinity point contribute 1. Public data (vartime): branches on infinity. */
void zkv_miller_loop(zkv_fq12 *out, const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n);
/* f^((p^12 - 1)/r), the exact exponent (equals py_ecc's final_exponentiate). Public data
 * (vartime): the easy part inverts f with a variable-time (binary GCD) Fq12 inverse. */
void zkv_final_exp(zkv_fq12 *out, const zkv_fq12 *f);
/* out = e(p, q). Public data (vartime), as zkv_miller_loop and zkv_final_exp. */
void zkv_pairing(zkv_fq12 *out, const zkv_g1_affine *p, const zkv_g2_affine *q);
/* 1 if prod e(ps[i], qs[i]) == 1, else 0 (one final exponentiation). Public data
 * (vartime), as zkv_miller_loop and zkv_final_exp. */
int zkv_pairing_check(const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n);

/* A G2 point prepared for Miller loops: the 88 lines of the optimal ate loop for a fixed Q
 * (65 doublings, 21 additions, the two Frobenius lines), each stored as (b, c) for the line
 * 1 + b (xP/yP) w + c (1/yP) w^3 (scaled so its yP coefficient is 1). Opaque: build it with
 * zkv_g2_prepare. */
typedef struct { zkv_fq2 lines[88][2]; uint64_t infinity; } zkv_g2_prepared;
/* q must be on the twist and in the order-r subgroup (e.g. from zkv_g2_affine_from_bytes);
 * infinity is allowed (its pairs contribute 1). Public data (vartime). */
void zkv_g2_prepare(zkv_g2_prepared *out, const zkv_g2_affine *q);
/* Product of the Miller loops of n plain pairs (ps[i], qs[i]) and m prepared pairs
 * (pps[j], *pqs[j]), sharing the Fq12 squarings; defined, like zkv_miller_loop, up to factors
 * the final exponentiation removes. Public data (vartime). */
void zkv_miller_loop_prepared(zkv_fq12 *out, const zkv_g1_affine *ps, const zkv_g2_affine *qs,
                              size_t n, const zkv_g1_affine *pps,
                              const zkv_g2_prepared *const *pqs, size_t m);
/* 1 if the final exponentiation of (the Miller product above) * factor is 1, else 0; factor
 * may be NULL (taken as 1), or e.g. a precomputed Miller value of a fixed pair. Public data
 * (vartime). */
int zkv_pairing_check_prepared(const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n,
                               const zkv_g1_affine *pps, const zkv_g2_prepared *const *pqs,
                               size_t m, const zkv_fq12 *factor);
/* out = a^e, e a 32-byte little-endian exponent (any value). Fast (signed-window cyclotomic
 * squarings) for a in the cyclotomic subgroup (so for GT), which it detects; other values of
 * Fq12 take a slower generic path with the same result. Public data (vartime). */
void zkv_fq12_pow_vartime(zkv_fq12 *out, const zkv_fq12 *a, const uint8_t e[32]);

/* ---------------------------------------------------------------- NTT over Fr */
/* In-place radix-2 NTT of 2^log_n elements (natural order in and out), log_n <= 28.
 * Forward: a_i <- sum_j a_j w^(ij), w the primitive 2^log_n-th root of unity derived from
 * the generator 5 (w = 5^((r-1)/2^log_n)). Inverse includes the 1/n factor. */
zkv_error zkv_fr_ntt(zkv_fr *a, uint32_t log_n, int inverse);
/* Coset variant: forward evaluates on shift*<w> (scale a_i by shift^i, then NTT);
 * inverse undoes it (iNTT, then scale by shift^-i). */
zkv_error zkv_fr_ntt_coset(zkv_fr *a, uint32_t log_n, const zkv_fr *shift, int inverse);
/* The primitive 2^log_n-th root of unity used by zkv_fr_ntt. */
zkv_error zkv_fr_root_of_unity(zkv_fr *out, uint32_t log_n);

/* ---- inverse NTT over G1 / G2 (group_ntt.c): Lagrange-basis points from monomial points */
/* In place on n = 2^log_n Jacobian points, natural order in and out:
 * a_i <- (1/n) sum_k w^(-ik) a_k, w = zkv_fr_root_of_unity(log_n); so tau^k P in gives
 * L_i(tau) P out. No allocation. Each stage's butterflies are shared among up to `threads`
 * POSIX threads (0 or 1: the calling thread only; capped at 64 and at n/2). ZKV_BAD_ARGUMENT
 * for log_n > 28. G2 points must be in the order-r subgroup (the multiplications use psi).
 * Variable time (public points and twiddles): about (n/2) log_n + n/2 scalar
 * multiplications, each split by the GLV / psi endomorphism. */
zkv_error zkv_g1_intt_vartime(zkv_g1 *a, uint32_t log_n, uint32_t threads);
zkv_error zkv_g2_intt_vartime(zkv_g2 *a, uint32_t log_n, uint32_t threads);
/* The same from m <= 2^log_n affine points in[] (missing ones taken as the identity) to
 * 2^log_n affine points out[] (one shared inversion). scratch holds
 * zkv_g*_lagrange_scratch_sizeof(log_n) bytes (0 for log_n > 28). ZKV_BAD_ARGUMENT for
 * log_n > 28 or m > 2^log_n. Variable time. */
size_t zkv_g1_lagrange_scratch_sizeof(uint32_t log_n);
zkv_error zkv_g1_lagrange_vartime(zkv_g1_affine *out, const zkv_g1_affine *in, size_t m,
                                  uint32_t log_n, uint32_t threads, void *scratch);
size_t zkv_g2_lagrange_scratch_sizeof(uint32_t log_n);
zkv_error zkv_g2_lagrange_vartime(zkv_g2_affine *out, const zkv_g2_affine *in, size_t m,
                                  uint32_t log_n, uint32_t threads, void *scratch);

/* ---------------------------------------------------------------- BabyJubJub */
/* a*x^2 + y^2 = 1 + d*x^2*y^2 over Fr, a = 168700, d = 168696 */
typedef struct { zkv_fr x, y; } zkv_bjj_affine;            /* identity = (0, 1) */
typedef struct { zkv_fr x, y, t, z; } zkv_bjj;             /* extended: x=X/Z, y=Y/Z, T=XY/Z */

/* Canonical coordinates and on-curve; the subgroup is checked separately. */
zkv_error zkv_bjj_affine_from_bytes(zkv_bjj_affine *out, const uint8_t in[64]);
void zkv_bjj_affine_to_bytes(uint8_t out[64], const zkv_bjj_affine *p);
zkv_error zkv_bjj_affine_array_from_bytes(zkv_bjj_affine *out, const uint8_t *in, size_t n,
                                          size_t *bad_index);
int zkv_bjj_is_on_curve(const zkv_bjj_affine *p);
/* l*P == identity, l the prime subgroup order. */
int zkv_bjj_is_in_subgroup(const zkv_bjj_affine *p);
void zkv_bjj_from_affine(zkv_bjj *out, const zkv_bjj_affine *p);
void zkv_bjj_to_affine(zkv_bjj_affine *out, const zkv_bjj *p);
void zkv_bjj_add(zkv_bjj *out, const zkv_bjj *a, const zkv_bjj *b);      /* CT, complete */
void zkv_bjj_double(zkv_bjj *out, const zkv_bjj *a);                     /* CT */
void zkv_bjj_neg(zkv_bjj *out, const zkv_bjj *a);                        /* CT */
int zkv_bjj_equal(const zkv_bjj *a, const zkv_bjj *b);
/* k: 32-byte little-endian integer, any value < 2^256. */
void zkv_bjj_mul(zkv_bjj *out, const zkv_bjj *p, const uint8_t k[32]);          /* CT */
void zkv_bjj_mul_vartime(zkv_bjj *out, const zkv_bjj *p, const uint8_t k[32]);
/* k * Base8 with a precomputed fixed-base table. */
void zkv_bjj_mul_base8(zkv_bjj *out, const uint8_t k[32]);                      /* CT */
size_t zkv_bjj_msm_scratch_sizeof(size_t n);
void zkv_bjj_msm_vartime(zkv_bjj *out, const zkv_bjj_affine *points, const uint8_t *scalars,
                         size_t n, void *scratch);
/* out[c] = sum_r in[r][c] for a row-major table of 64-byte affine points (rows x cols, the
 * caller allocates cols outputs); inputs checked canonical and on the curve (not the subgroup),
 * *bad_index receives the flat index of the first bad one. CT in the point values. */
zkv_error zkv_bjj_sum_columns(zkv_bjj *out, const uint8_t *in, size_t rows, size_t cols,
                              size_t *bad_index);
/* circomlib packPoint: little-endian y with bit 255 set when x > (r-1)/2. */
void zkv_bjj_pack(uint8_t out[32], const zkv_bjj_affine *p);
/* circomlib unpackPoint, plus canonical-y and on-curve checks (not the subgroup check). */
zkv_error zkv_bjj_unpack(zkv_bjj_affine *out, const uint8_t in[32]);

/* ---------------------------------------------------------------- discrete log (BSGS) */
/* Baby-step giant-step for h = m*g with 0 <= m < bound, the table holding m' * g for
 * m' < 2^baby_bits (baby_bits in 1..30). Variable time: only for public values (tallies). */
size_t zkv_bsgs_table_sizeof(uint32_t baby_bits);
zkv_error zkv_bsgs_table_init(void *table, const zkv_bjj_affine *g, uint32_t baby_bits);
zkv_error zkv_bsgs_solve_vartime(uint64_t *m, const void *table, const zkv_bjj_affine *h,
                                 uint64_t bound);

/* ---------------------------------------------------------------- Poseidon (circomlib) */
/* circomlib's Poseidon (R_F = 8) for state width t = 2..17 (1..16 inputs). The caller loads
 * the round constants and MDS matrix of one width and initialises a context (caller-allocated,
 * zkv_poseidon_ctx_sizeof() bytes, 8-byte aligned; read-only afterwards, so one context can
 * serve many threads). */
size_t zkv_poseidon_ctx_sizeof(void);
/* constants: (rounds_f + rounds_p) * t field elements, round-major; mds: t * t, row-major
 * (state'[i] = sum_j mds[i][j] * state[j]); 32-byte little-endian each.
 * ZKV_BAD_ARGUMENT for t outside 2..17, rounds_f != 8, rounds_p outside 1..70 or a singular
 * matrix; ZKV_NOT_CANONICAL if a constant is >= r. */
zkv_error zkv_poseidon_ctx_init(void *ctx, uint32_t t, uint32_t rounds_f, uint32_t rounds_p,
                                const uint8_t *constants, const uint8_t *mds);
/* out = Poseidon(inputs[0..n_inputs-1]), n_inputs = t - 1 (else ZKV_BAD_ARGUMENT);
 * ZKV_NOT_CANONICAL if an input is >= r. CT in the inputs. */
zkv_error zkv_poseidon_hash(uint8_t out[32], const void *ctx, const uint8_t *inputs,
                            size_t n_inputs);
/* count hashes in one call: out[32k..] = Poseidon(inputs[32 n_inputs k ..]), k < count.
 * On ZKV_NOT_CANONICAL the outputs of earlier hashes are written, later ones are not. */
zkv_error zkv_poseidon_hash_many(uint8_t *out, const void *ctx, const uint8_t *inputs,
                                 size_t n_inputs, size_t count);

/* ---- Groth16 prover kernels */
/* Coefficient lists as snarkjs's .zkey stores them: count entries of 44 bytes (u32 matrix
 * 0 = A / 1 = B, u32 row, u32 wire, 32-byte little-endian value v*R^2 mod r, R = 2^256).
 * ZKV_BAD_ENCODING (with *bad_index) for a matrix > 1, row >= n_rows or wire >= n_wires,
 * ZKV_NOT_CANONICAL for a stored value >= r. */
zkv_error zkv_groth16_check_coefficients(const uint8_t *coefs, size_t count, size_t n_rows,
                                         size_t n_wires, size_t *bad_index);
/* a = A.w, b = B.w on each of n_rows rows, c = a*b (pointwise). ZKV_BAD_ARGUMENT if a
 * coefficient fails the checks above. */
zkv_error zkv_groth16_eval_ab(zkv_fr *a, zkv_fr *b, zkv_fr *c, size_t n_rows,
                              const uint8_t *coefs, size_t count, const zkv_fr *witness,
                              size_t n_wires);
/* snarkjs's H evaluations, in place on 2^log_n rows: a, b, c are interpolated, evaluated on
 * the coset w_2n * <w_n> and a_i = a_i * b_i - c_i; b and c are overwritten (scratch).
 * ZKV_BAD_ARGUMENT for log_n > 27. */
zkv_error zkv_groth16_h_odd(zkv_fr *a, zkv_fr *b, zkv_fr *c, uint32_t log_n);
/* n points in snarkjs's Montgomery byte form (x*R mod p per coordinate, (0, 0) = identity):
 * ZKV_NOT_CANONICAL / ZKV_NOT_ON_CURVE / ZKV_NOT_IN_SUBGROUP (G2 with check_subgroup only)
 * with *bad_index. The G2 subgroup check costs ~0.1 ms per non-identity point. */
zkv_error zkv_g1_affine_array_from_mont_bytes(zkv_g1_affine *out, const uint8_t *in, size_t n,
                                              size_t *bad_index);
zkv_error zkv_g2_affine_array_from_mont_bytes(zkv_g2_affine *out, const uint8_t *in, size_t n,
                                              int check_subgroup, size_t *bad_index);
void zkv_g1_affine_array_to_mont_bytes(uint8_t *out, const zkv_g1_affine *in, size_t n);

/* ---- Groth16 for circuits built in Python (R1CS as linear-combination tables) */
/* A table of n_lcs linear combinations over a witness w of n_wires values: LC k is
 * sum coeffs[t] * w[wires[t]] for t in [start[k], start[k+1]) (start holds n_lcs + 1
 * entries, start[0] = 0, start[n_lcs] = n_terms; coefficients as zkv_fr). ZKV_BAD_ARGUMENT
 * (with *bad_index the LC) for decreasing starts or a wire >= n_wires. */
zkv_error zkv_lc_table_check(const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                             size_t n_terms, size_t n_wires, size_t *bad_index);
/* An R1CS as a table of 3 m LCs (A, B, C of row i at 3i, 3i+1, 3i+2), m <= n_rows:
 * a, b, c = A.w, B.w, C.w on each row, zero from row m to n_rows; *first_unsatisfied = the
 * first row with a*b != c, or n_rows if every row holds. ZKV_BAD_ARGUMENT for a malformed
 * table (as zkv_lc_table_check) or n_lcs not a multiple of 3 above 3 n_rows. Constant-time
 * arithmetic; for a satisfying witness the table's shape alone drives the control flow. */
zkv_error zkv_groth16_eval_abc(zkv_fr *a, zkv_fr *b, zkv_fr *c, size_t n_rows,
                               const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                               const zkv_fr *coeffs, size_t n_terms, const zkv_fr *witness,
                               size_t n_wires, size_t *first_unsatisfied);
/* The QAP wire polynomials at a point: u_j = sum_i A[i][j] L_i, v_j (B), w_j (C) for the
 * table above and lagrange[i] = L_i (n_rows values). Errors as zkv_groth16_eval_abc. */
zkv_error zkv_groth16_column_sums(zkv_fr *u, zkv_fr *v, zkv_fr *w, size_t n_wires,
                                  const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                                  const zkv_fr *coeffs, size_t n_terms, const zkv_fr *lagrange,
                                  size_t n_rows);
/* A circuit's witness program (circuits/witness.py), u32 words, ops in order:
 *   0 out a b                      MUL:   w[out] = LC a * LC b
 *   1 out a                        LC:    w[out] = LC a
 *   2 id n_in a_1..a_n n_out o_1..o_n  HINT: computed by the caller
 *   3 index a b c                  CHECK: stop unless LC a * LC b == LC c
 * Runs from *pc: with resume = 0 it starts at the op at *pc; with resume = 1 that op must be
 * a HINT whose n_hint_out outputs (canonical 32-byte values) are stored first. Returns with
 * *status 0 at the end, 1 at a HINT (*pc at it, its inputs written to hint_in, at most
 * hint_in_cap values) and 2 at a failing CHECK (*pc at it). ZKV_BAD_ARGUMENT (*pc at the
 * op) for a malformed op, index or table. The arithmetic is constant time and the control
 * flow follows the program only, except that a failing CHECK stops it (the caller then
 * reports an invalid witness). */
zkv_error zkv_witness_run(zkv_fr *w, size_t n_wires, const uint32_t *code, size_t n_code,
                          const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                          const zkv_fr *coeffs, size_t n_terms, size_t *pc, int resume,
                          const uint8_t *hint_out, size_t n_hint_out, uint8_t *hint_in,
                          size_t hint_in_cap, uint32_t *status);
/* Sparse MSM inputs: terms with a zero scalar or an identity point are dropped, the points
 * of scalar 1 are summed into *ones, the other terms are copied in order to out_points /
 * out_scalars (room for n), their number in *m. Variable time in the scalars. */
void zkv_g1_msm_compact_vartime(zkv_g1_affine *out_points, uint8_t *out_scalars, size_t *m,
                                zkv_g1 *ones, const zkv_g1_affine *points,
                                const uint8_t *scalars, size_t n);
void zkv_g2_msm_compact_vartime(zkv_g2_affine *out_points, uint8_t *out_scalars, size_t *m,
                                zkv_g2 *ones, const zkv_g2_affine *points,
                                const uint8_t *scalars, size_t n);
/* Fixed-base batch multiplication: out[i] = k_i * base (affine; identity = (0, 0)) for n
 * 32-byte little-endian scalars (any value < 2^256), with a signed-window table of base
 * (~256/c mixed additions per scalar, c ~ log2(n) - 3 <= 12). scratch holds
 * zkv_g*_fixed_base_scratch_sizeof(n) bytes. Variable time (key generation). */
size_t zkv_g1_fixed_base_scratch_sizeof(size_t n);
void zkv_g1_fixed_base_batch_vartime(zkv_g1_affine *out, const zkv_g1_affine *base,
                                     const uint8_t *scalars, size_t n, void *scratch);
size_t zkv_g2_fixed_base_scratch_sizeof(size_t n);
void zkv_g2_fixed_base_batch_vartime(zkv_g2_affine *out, const zkv_g2_affine *base,
                                     const uint8_t *scalars, size_t n, void *scratch);
/* Batch-affine Pippenger over G2 (affine buckets, one shared inversion per batch of
 * additions): the same result as zkv_g2_msm_vartime, faster from a few hundred points.
 * scratch holds zkv_g2_msm_affine_scratch_sizeof(n) bytes. Variable time. */
size_t zkv_g2_msm_affine_scratch_sizeof(size_t n);
void zkv_g2_msm_affine_vartime(zkv_g2 *out, const zkv_g2_affine *points,
                               const uint8_t *scalars, size_t n, void *scratch);
/* sum k_i P_i for P_i in the order-r subgroup of G2 (any k_i < 2^256): the batch-affine
 * Pippenger on the 2n points (P_i, psi(P_i)) with 127-bit halves of each k_i mod r (psi acts
 * as [6x^2] there), half the windows of zkv_g2_msm_affine_vartime. A point outside the
 * subgroup gives a wrong sum: use zkv_g2_msm_affine_vartime for unchecked points. scratch
 * holds zkv_g2_msm_endo_scratch_sizeof(n) bytes. Variable time. */
size_t zkv_g2_msm_endo_scratch_sizeof(size_t n);
void zkv_g2_msm_endo_vartime(zkv_g2 *out, const zkv_g2_affine *points, const uint8_t *scalars,
                             size_t n, void *scratch);
/* reps MSMs with short signed scalars over the same n points: out[k] = sum_i c_ki P_i for
 * k < reps, c_ki the low `bits` bits of the little-endian u16 at coefficients[2 (k n + i)]
 * read as a two's-complement integer in [-2^(bits-1), 2^(bits-1)) (the batched subgroup
 * check's random combinations). Any points on the twist (no subgroup assumption); identity
 * points and zero coefficients cost nothing. One affine addition per point and rep, all reps
 * in one pass sharing the batched inversions. ZKV_BAD_ARGUMENT for reps > 64, bits outside
 * [2, 12] or n >= 2^31. scratch holds zkv_g2_msm_short_multi_scratch_sizeof(n, reps, bits)
 * bytes. Variable time. */
size_t zkv_g2_msm_short_multi_scratch_sizeof(size_t n, size_t reps, unsigned bits);
zkv_error zkv_g2_msm_short_multi_vartime(zkv_g2 *out, const zkv_g2_affine *points,
                                         const uint8_t *coefficients, size_t n, size_t reps,
                                         unsigned bits, void *scratch);
/* Test hook of the G2 MSM's eight Fq2 lanes (fq_ifma_impl.h), on the raw limbs (integers) of
 * c0 + c1 u: out[j] = a[j] b[j] / 2^260 (square != 0: a[j]^2 / 2^260, b unread), canonical,
 * for components of a[j] below 8q and of b[j] below 2q (square: a's below 2q). Returns 1, or 0
 * without writing out where the lanes are not built (no IFMA target, or ZKV_NO_IFMA). */
int zkv_fq2x8_mul_test(zkv_fq2 out[8], const zkv_fq2 a[8], const zkv_fq2 b[8], int square);
/* n affine points in the byte layout of zkv_g1_affine_to_bytes / zkv_g2_affine_to_bytes. */
void zkv_g1_affine_array_to_bytes(uint8_t *out, const zkv_g1_affine *in, size_t n);
void zkv_g2_affine_array_to_bytes(uint8_t *out, const zkv_g2_affine *in, size_t n);

#endif
