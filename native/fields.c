/*
 * fields.c - BN254 base field Fq and scalar field Fr: encodings, inversion, square roots,
 * batch inversion, and the generic exponentiation used by the rest of the core.
 *
 * The inline arithmetic itself lives in field_impl.h; this file holds what is too big to
 * inline. The Fq12 functions of zkv.h are in the pairing slice, not here.
 */
#include "field_impl.h"

/* p - 2 and r - 2: Fermat exponents. */
static const uint64_t FQ_P_MINUS_2[4] = {0x3c208c16d87cfd45ULL, 0x97816a916871ca8dULL,
                                         0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FR_R_MINUS_2[4] = {0x43e1f593efffffffULL, 0x2833e84879b97091ULL,
                                         0xb85045b68181585dULL, 0x30644e72e131a029ULL};
/* (p + 1) / 4: p = 3 mod 4, so a^((p+1)/4) is a square root of every residue a. */
static const uint64_t FQ_SQRT_EXP[4] = {0x4f082305b61f3f52ULL, 0x65e05aa45a1c72a3ULL,
                                        0x6e14116da0605617ULL, 0x0c19139cb84c680aULL};
/* Tonelli-Shanks for Fr: r - 1 = 2^28 * Q with Q odd. */
#define FR_TWO_ADICITY 28
static const uint64_t FR_TS_Q_MINUS_1_HALF[4] = {0xcdcb848a1f0fac9fULL, 0x0c0ac2e9419f4243ULL,
                                                 0x098d014dc2822db4ULL, 0x0000000183227397ULL};
/* 5^Q in Montgomery form: 5 is a non-residue, so this generates the 2-Sylow subgroup. */
static const uint64_t FR_TS_Z_MONT[4] = {0x636e735580d13d9cULL, 0xa22bf3742445ffd6ULL,
                                         0x56452ac01eb203d8ULL, 0x1860ef942963f9e7ULL};

/* ------------------------------------------------------------ exponentiation */

/*
 * Fixed 4-bit windows, left to right: 252 squarings and 64 multiplications by a table entry.
 * The entry is fetched by scanning all 16 with masks, so neither the base nor the exponent
 * influences a branch or a memory index (the Fermat and square-root exponents are public,
 * but zkv_fr_pow may be handed a secret one).
 */
#define POW_WINDOW 4
#define POW_TABLE (1 << POW_WINDOW)

static void pow_table_select(uint64_t out[4], const uint64_t table[POW_TABLE][4], uint64_t idx) {
    memset(out, 0, 4 * sizeof(uint64_t));
    for (uint64_t j = 0; j < POW_TABLE; j++) limbs_cmov(out, table[j], ct_eq(j, idx));
}

void fq_pow(zkv_fq *out, const zkv_fq *a, const uint64_t e[4]) {
    uint64_t table[POW_TABLE][4];
    zkv_fq t, acc;
    fq_set_one(&t);
    memcpy(table[0], t.l, sizeof t.l);
    for (int j = 1; j < POW_TABLE; j++) {
        fq_mul(&t, &t, a);
        memcpy(table[j], t.l, sizeof t.l);
    }
    fq_set_one(&acc);
    for (int i = 256 / POW_WINDOW - 1; i >= 0; i--) {
        for (int k = 0; k < POW_WINDOW; k++) fq_sqr(&acc, &acc);
        uint64_t idx = (e[(i * POW_WINDOW) / 64] >> ((i * POW_WINDOW) % 64)) & (POW_TABLE - 1);
        pow_table_select(t.l, (const uint64_t(*)[4])table, idx);
        fq_mul(&acc, &acc, &t);
    }
    *out = acc;
}

void fr_pow(zkv_fr *out, const zkv_fr *a, const uint64_t e[4]) {
    uint64_t table[POW_TABLE][4];
    zkv_fr t, acc;
    fr_set_one(&t);
    memcpy(table[0], t.l, sizeof t.l);
    for (int j = 1; j < POW_TABLE; j++) {
        fr_mul(&t, &t, a);
        memcpy(table[j], t.l, sizeof t.l);
    }
    fr_set_one(&acc);
    for (int i = 256 / POW_WINDOW - 1; i >= 0; i--) {
        for (int k = 0; k < POW_WINDOW; k++) fr_sqr(&acc, &acc);
        uint64_t idx = (e[(i * POW_WINDOW) / 64] >> ((i * POW_WINDOW) % 64)) & (POW_TABLE - 1);
        pow_table_select(t.l, (const uint64_t(*)[4])table, idx);
        fr_mul(&acc, &acc, &t);
    }
    *out = acc;
}

/* ------------------------------------------------------------ encodings */

zkv_error zkv_fq_from_bytes(zkv_fq *out, const uint8_t in[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, in);
    if (!limbs_less_than(t, FQ_MOD)) return ZKV_NOT_CANONICAL;
    mont_mul(out->l, t, FQ_R2, FQ_MOD, FQ_INV);
    return ZKV_OK;
}

void zkv_fq_to_bytes(uint8_t out[32], const zkv_fq *a) {
    uint64_t t[4];
    fq_to_limbs(t, a);
    limbs_to_le_bytes(out, t);
}

zkv_error zkv_fr_from_bytes(zkv_fr *out, const uint8_t in[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, in);
    if (!limbs_less_than(t, FR_MOD)) return ZKV_NOT_CANONICAL;
    mont_mul(out->l, t, FR_R2, FR_MOD, FR_INV);
    return ZKV_OK;
}

void zkv_fr_to_bytes(uint8_t out[32], const zkv_fr *a) {
    uint64_t t[4];
    fr_to_limbs(t, a);
    limbs_to_le_bytes(out, t);
}

void zkv_fr_from_bytes_reduce(zkv_fr *out, const uint8_t in[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, in);
    /* 2^256 < 6r, so five masked conditional subtractions always land below r; a fixed count
     * keeps this constant-time (the input may be a secret, e.g. a hashed nonce). */
    for (int k = 0; k < 5; k++) mont_reduce_once(t, t, FR_MOD);
    mont_mul(out->l, t, FR_R2, FR_MOD, FR_INV);
}

zkv_error zkv_fr_array_from_bytes(zkv_fr *out, const uint8_t *in, size_t n, size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        zkv_error rc = zkv_fr_from_bytes(&out[i], in + 32 * i);
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

void zkv_fr_array_to_bytes(uint8_t *out, const zkv_fr *in, size_t n) {
    for (size_t i = 0; i < n; i++) zkv_fr_to_bytes(out + 32 * i, &in[i]);
}

/* ------------------------------------------------------------ Fq public arithmetic */

void zkv_fq_add(zkv_fq *out, const zkv_fq *a, const zkv_fq *b) { fq_add(out, a, b); }
void zkv_fq_sub(zkv_fq *out, const zkv_fq *a, const zkv_fq *b) { fq_sub(out, a, b); }
void zkv_fq_mul(zkv_fq *out, const zkv_fq *a, const zkv_fq *b) { fq_mul(out, a, b); }
void zkv_fq_sqr(zkv_fq *out, const zkv_fq *a) { fq_sqr(out, a); }
void zkv_fq_neg(zkv_fq *out, const zkv_fq *a) { fq_neg(out, a); }

zkv_error zkv_fq_inv(zkv_fq *out, const zkv_fq *a) {
    /* The zero test leaks only whether a is zero, which the error code reveals anyway. */
    int zero = fq_is_zero(a);
    fq_pow(out, a, FQ_P_MINUS_2);
    return zero ? ZKV_NOT_INVERTIBLE : ZKV_OK;
}

zkv_error zkv_fq_sqrt(zkv_fq *out, const zkv_fq *a) {
    zkv_fq s, check;
    fq_pow(&s, a, FQ_SQRT_EXP);
    fq_sqr(&check, &s);
    if (!fq_equal(&check, a)) return ZKV_NO_SQUARE_ROOT;
    *out = s;
    return ZKV_OK;
}

/* ------------------------------------------------------------ Fr public arithmetic */

void zkv_fr_add(zkv_fr *out, const zkv_fr *a, const zkv_fr *b) { fr_add(out, a, b); }
void zkv_fr_sub(zkv_fr *out, const zkv_fr *a, const zkv_fr *b) { fr_sub(out, a, b); }
void zkv_fr_mul(zkv_fr *out, const zkv_fr *a, const zkv_fr *b) { fr_mul(out, a, b); }
void zkv_fr_sqr(zkv_fr *out, const zkv_fr *a) { fr_sqr(out, a); }
void zkv_fr_neg(zkv_fr *out, const zkv_fr *a) { fr_neg(out, a); }

zkv_error zkv_fr_inv(zkv_fr *out, const zkv_fr *a) {
    int zero = fr_is_zero(a);
    fr_pow(out, a, FR_R_MINUS_2);
    return zero ? ZKV_NOT_INVERTIBLE : ZKV_OK;
}

static int fr_is_one(const zkv_fr *a) { return limbs_equal(a->l, FR_R1); }

/* Tonelli-Shanks (variable time: square roots are only taken of public values). */
zkv_error zkv_fr_sqrt(zkv_fr *out, const zkv_fr *a) {
    if (fr_is_zero(a)) {
        fr_set_zero(out);
        return ZKV_OK;
    }
    zkv_fr w, x, t, c, b;
    fr_pow(&w, a, FR_TS_Q_MINUS_1_HALF); /* a^((Q-1)/2) */
    fr_mul(&x, a, &w);                   /* a^((Q+1)/2): the candidate root */
    fr_mul(&t, &x, &w);                  /* a^Q: what the candidate is off by */
    memcpy(c.l, FR_TS_Z_MONT, sizeof c.l);
    unsigned m = FR_TWO_ADICITY;
    while (!fr_is_one(&t)) {
        /* least i with t^(2^i) = 1; i = m means a is a non-residue */
        unsigned i = 0;
        zkv_fr t2 = t;
        while (!fr_is_one(&t2)) {
            fr_sqr(&t2, &t2);
            if (++i == m) return ZKV_NO_SQUARE_ROOT;
        }
        b = c;
        for (unsigned k = 0; k + i + 1 < m; k++) fr_sqr(&b, &b);
        m = i;
        fr_sqr(&c, &b);
        fr_mul(&t, &t, &c);
        fr_mul(&x, &x, &b);
    }
    *out = x;
    return ZKV_OK;
}

/* ------------------------------------------------------------ batch inversion */

/*
 * Montgomery's trick: prefix products, one inversion, then walk back. The input element is
 * read before its output slot is written, so out may alias in.
 */
zkv_error zkv_fr_batch_inv(zkv_fr *out, const zkv_fr *in, size_t n, zkv_fr *scratch) {
    if (n == 0) return ZKV_OK;
    scratch[0] = in[0];
    for (size_t i = 1; i < n; i++) fr_mul(&scratch[i], &scratch[i - 1], &in[i]);
    zkv_fr inv;
    if (zkv_fr_inv(&inv, &scratch[n - 1]) != ZKV_OK) return ZKV_NOT_INVERTIBLE;
    for (size_t i = n - 1; i > 0; i--) {
        zkv_fr cur = in[i];
        fr_mul(&out[i], &inv, &scratch[i - 1]);
        fr_mul(&inv, &inv, &cur);
    }
    out[0] = inv;
    return ZKV_OK;
}

zkv_error zkv_fq_batch_inv(zkv_fq *out, const zkv_fq *in, size_t n, zkv_fq *scratch) {
    if (n == 0) return ZKV_OK;
    scratch[0] = in[0];
    for (size_t i = 1; i < n; i++) fq_mul(&scratch[i], &scratch[i - 1], &in[i]);
    zkv_fq inv;
    if (zkv_fq_inv(&inv, &scratch[n - 1]) != ZKV_OK) return ZKV_NOT_INVERTIBLE;
    for (size_t i = n - 1; i > 0; i--) {
        zkv_fq cur = in[i];
        fq_mul(&out[i], &inv, &scratch[i - 1]);
        fq_mul(&inv, &inv, &cur);
    }
    out[0] = inv;
    return ZKV_OK;
}

void zkv_fq_pow(zkv_fq *out, const zkv_fq *a, const uint8_t e[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, e);
    fq_pow(out, a, t);
}

void zkv_fr_pow(zkv_fr *out, const zkv_fr *a, const uint8_t e[32]) {
    uint64_t t[4];
    limbs_from_le_bytes(t, e);
    fr_pow(out, a, t);
}
