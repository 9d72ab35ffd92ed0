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

/* ------------------------------------------------------------ variable-time inversion */
/*
 * Bernstein-Yang "safegcd" (2019) with the variable-time refinements: divsteps are applied in
 * batches of 62 to the low 64 bits of f and g, a run of zeros in g is consumed in one shift,
 * and the loop stops as soon as g = 0 instead of after the worst-case count. Numbers are held
 * as five signed 62-bit limbs (value = sum l[i] 2^(62 i); limbs 0..len-2 in [0, 2^62), the
 * top one signed) so that a batch's 2x2 transition matrix applies with 64x64 -> 128-bit
 * products. Invariants: f = d x and g = e x (mod p); at the end g = 0 and f = +-1, so
 * x^-1 = +-d. Branches on the value: for public inputs only.
 */
#define BY_M62 (UINT64_MAX >> 2)
static const int64_t BY_P62[5] = {0x3c208c16d87cfd47LL, 0x1e05aa45a1c72a34LL,
                                  0x05045b68181585d9LL, 0x19139cb84c680a6eLL, 0x30LL};
#define BY_P_INV62 0x382df87d1b799c77ULL /* p^-1 mod 2^62 */
/* R^3 mod p (R = 2^256): turns the plain inverse of a Montgomery limb value into Montgomery
 * form with one multiplication. */
static const uint64_t BY_FQ_R3[4] = {0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL,
                                     0xef7f0b0c0ada0afbULL, 0x20fd6e902d592544ULL};

typedef struct {
    int64_t u, v, q, r; /* 2^62 (f', g') = (u f + v g, q f + r g) */
} by_matrix;

static inline int64_t by_shl(int64_t x, int s) { return (int64_t)((uint64_t)x << s); }

/*
 * 62 divsteps on the low words (f odd). The f row of the matrix doubles with every halving of
 * g, so after 62 of them |u| + |v| <= 2^62 and |q| + |r| <= 2^62. Returns the new delta.
 */
static int64_t by_divsteps_62(int64_t delta, uint64_t f, uint64_t g, by_matrix *t) {
    int64_t u = 1, v = 0, q = 0, r = 1;
    int left = 62;
    for (;;) {
        int z = __builtin_ctzll(g | (1ULL << left));
        g >>= z;
        u = by_shl(u, z);
        v = by_shl(v, z);
        delta += z;
        left -= z;
        if (left == 0) break;
        /* g is odd: combine so that it becomes even; the next pass halves it */
        if (delta > 0) {
            int64_t tu = u, tv = v;
            uint64_t tf = f;
            delta = -delta;
            f = g;
            g -= tf;
            u = q;
            v = r;
            q -= tu;
            r -= tv;
        } else {
            g += f;
            q += u;
            r += v;
        }
    }
    t->u = u;
    t->v = v;
    t->q = q;
    t->r = r;
    return delta;
}

/* (f, g) <- matrix (f, g) / 2^62 on the first len limbs (the division is exact). */
static void by_update_fg(int64_t f[5], int64_t g[5], const by_matrix *t, int len) {
    __int128 cf = (__int128)t->u * f[0] + (__int128)t->v * g[0];
    __int128 cg = (__int128)t->q * f[0] + (__int128)t->r * g[0];
    cf >>= 62;
    cg >>= 62;
    for (int i = 1; i < len; i++) {
        cf += (__int128)t->u * f[i] + (__int128)t->v * g[i];
        cg += (__int128)t->q * f[i] + (__int128)t->r * g[i];
        f[i - 1] = (int64_t)((uint64_t)cf & BY_M62);
        g[i - 1] = (int64_t)((uint64_t)cg & BY_M62);
        cf >>= 62;
        cg >>= 62;
    }
    f[len - 1] = (int64_t)cf;
    g[len - 1] = (int64_t)cg;
}

/* x - p if that is not negative, else x (x in (-p, 2p) -> (-p, p)). */
static void by_sub_p_if_ge(int64_t x[5]) {
    int64_t t[5];
    __int128 c = 0;
    for (int i = 0; i < 5; i++) {
        c += (__int128)x[i] - BY_P62[i];
        t[i] = i < 4 ? (int64_t)((uint64_t)c & BY_M62) : (int64_t)c;
        c >>= 62;
    }
    if (t[4] >= 0) memcpy(x, t, sizeof t);
}

/* (d, e) <- matrix (d, e) / 2^62 mod p. Adding md p, ep p (md, me in [0, 2^62)) makes the
 * division exact; from |d|, |e| < p and |u| + |v| <= 2^62 the result lies in (-p, 2p), and
 * one conditional subtraction brings it back into (-p, p). */
static void by_update_de(int64_t d[5], int64_t e[5], const by_matrix *t) {
    __int128 cd = (__int128)t->u * d[0] + (__int128)t->v * e[0];
    __int128 ce = (__int128)t->q * d[0] + (__int128)t->r * e[0];
    uint64_t md = ((0 - (uint64_t)cd) * BY_P_INV62) & BY_M62;
    uint64_t me = ((0 - (uint64_t)ce) * BY_P_INV62) & BY_M62;
    cd += (__int128)BY_P62[0] * md;
    ce += (__int128)BY_P62[0] * me;
    cd >>= 62;
    ce >>= 62;
    for (int i = 1; i < 5; i++) {
        cd += (__int128)t->u * d[i] + (__int128)t->v * e[i] + (__int128)BY_P62[i] * md;
        ce += (__int128)t->q * d[i] + (__int128)t->r * e[i] + (__int128)BY_P62[i] * me;
        d[i - 1] = (int64_t)((uint64_t)cd & BY_M62);
        e[i - 1] = (int64_t)((uint64_t)ce & BY_M62);
        cd >>= 62;
        ce >>= 62;
    }
    d[4] = (int64_t)cd;
    e[4] = (int64_t)ce;
    by_sub_p_if_ge(d);
    by_sub_p_if_ge(e);
}

/* out = x^-1 mod p for the plain integer 0 <= x < p (0 -> 0). */
static void by_inv_fq(uint64_t out[4], const uint64_t x[4]) {
    int64_t d[5] = {0, 0, 0, 0, 0}, e[5] = {1, 0, 0, 0, 0}, f[5], g[5];
    memcpy(f, BY_P62, sizeof f);
    g[0] = (int64_t)(x[0] & BY_M62);
    g[1] = (int64_t)(((x[0] >> 62) | (x[1] << 2)) & BY_M62);
    g[2] = (int64_t)(((x[1] >> 60) | (x[2] << 4)) & BY_M62);
    g[3] = (int64_t)(((x[2] >> 58) | (x[3] << 6)) & BY_M62);
    g[4] = (int64_t)(x[3] >> 56);
    int64_t delta = 1;
    int len = 5;
    for (;;) {
        int64_t any = 0;
        for (int i = 0; i < len; i++) any |= g[i];
        if (any == 0) break;
        by_matrix t;
        uint64_t f0 = (uint64_t)f[0], g0 = (uint64_t)g[0];
        if (len > 1) {
            f0 |= (uint64_t)f[1] << 62;
            g0 |= (uint64_t)g[1] << 62;
        }
        delta = by_divsteps_62(delta, f0, g0, &t);
        by_update_de(d, e, &t);
        by_update_fg(f, g, &t, len);
        /* drop a top limb that only carries the sign, folding it into the one below */
        int64_t fn = f[len - 1], gn = g[len - 1];
        if (len > 1 && (fn == 0 || fn == -1) && (gn == 0 || gn == -1)) {
            f[len - 2] = (int64_t)((uint64_t)f[len - 2] | ((uint64_t)fn << 62));
            g[len - 2] = (int64_t)((uint64_t)g[len - 2] | ((uint64_t)gn << 62));
            len--;
        }
    }
    /* f = +-1 (or p for x = 0, with d = 0): x^-1 = sign(f) d, d in (-p, p) */
    if (f[len - 1] < 0) {
        __int128 c = 0;
        for (int i = 0; i < 5; i++) {
            c -= d[i];
            d[i] = i < 4 ? (int64_t)((uint64_t)c & BY_M62) : (int64_t)c;
            c >>= 62;
        }
    }
    if (d[4] < 0) {
        __int128 c = 0;
        for (int i = 0; i < 5; i++) {
            c += (__int128)d[i] + BY_P62[i];
            d[i] = i < 4 ? (int64_t)((uint64_t)c & BY_M62) : (int64_t)c;
            c >>= 62;
        }
    }
    out[0] = (uint64_t)d[0] | ((uint64_t)d[1] << 62);
    out[1] = ((uint64_t)d[1] >> 2) | ((uint64_t)d[2] << 60);
    out[2] = ((uint64_t)d[2] >> 4) | ((uint64_t)d[3] << 58);
    out[3] = ((uint64_t)d[3] >> 6) | ((uint64_t)d[4] << 56);
}

void fq_inv_vartime(zkv_fq *out, const zkv_fq *a) {
    uint64_t t[4];
    by_inv_fq(t, a->l);
    mont_mul(out->l, t, BY_FQ_R3, FQ_MOD, FQ_INV);
}

void fq_batch_inv_vartime(zkv_fq *v, size_t n, zkv_fq *scratch) {
    zkv_fq inv, t;
    scratch[0] = v[0];
    for (size_t i = 1; i < n; i++) fq_mul(&scratch[i], &scratch[i - 1], &v[i]);
    fq_inv_vartime(&inv, &scratch[n - 1]);
    for (size_t i = n - 1; i > 0; i--) {
        fq_mul(&t, &inv, &scratch[i - 1]);
        fq_mul(&inv, &inv, &v[i]);
        v[i] = t;
    }
    v[0] = inv;
}

zkv_error zkv_fq_inv_vartime(zkv_fq *out, const zkv_fq *a) {
    if (fq_is_zero(a)) {
        fq_set_zero(out);
        return ZKV_NOT_INVERTIBLE;
    }
    fq_inv_vartime(out, a);
    return ZKV_OK;
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
