/*
 * tower.c - the Fq2/Fq6/Fq12 operations too big to inline (inversion, Frobenius, cyclotomic
 * squaring) and the public zkv_fq12_* functions.
 */
#include "tower_impl.h"

/* p - 2, the Fermat exponent for Fq inversion. */
static const uint64_t TW_P_MINUS_2[4] = {0x3c208c16d87cfd45ULL, 0x97816a916871ca8dULL,
                                         0xb85045b68181585dULL, 0x30644e72e131a029ULL};

/* a0^2 + a1^2, the norm of a0 + a1 u: 1/(a0 + a1 u) = (a0 - a1 u) / norm. */
static void tw_fq2_norm(zkv_fq *n, const zkv_fq2 *a) {
    zkv_fq t;
    fq_sqr(n, &a->c0);
    fq_sqr(&t, &a->c1);
    fq_add(n, n, &t);
}

/* o = conj(a) * n_inv, the last step of both Fq2 inversions. */
static void tw_fq2_conj_scale(zkv_fq2 *o, const zkv_fq2 *a, const zkv_fq *n_inv) {
    zkv_fq t;
    fq_mul(&o->c0, &a->c0, n_inv);
    fq_mul(&t, &a->c1, n_inv);
    fq_neg(&o->c1, &t);
}

void tw_fq2_inv(zkv_fq2 *o, const zkv_fq2 *a) {
    zkv_fq n;
    tw_fq2_norm(&n, a);
    fq_pow(&n, &n, TW_P_MINUS_2); /* Fermat: 0 stays 0, hence 1/0 = 0 */
    tw_fq2_conj_scale(o, a, &n);
}

void tw_fq2_inv_vartime(zkv_fq2 *o, const zkv_fq2 *a) {
    zkv_fq n;
    tw_fq2_norm(&n, a);
    fq_inv_vartime(&n, &n); /* 1/0 = 0 */
    tw_fq2_conj_scale(o, a, &n);
}

/* Via the norm to Fq2: with t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2,
 * a * (t0 + t1 v + t2 v^2) = a0 t0 + xi (a2 t1 + a1 t2), an element of Fq2. Variable time
 * (one tw_fq2_inv_vartime): its only caller is the Fq12 inversion below. */
static void tw_fq6_inv_vartime(zkv_fq6 *o, const zkv_fq6 *a) {
    zkv_fq2 t0, t1, t2, x, d;
    fq2_sqr(&t0, &a->c0);
    fq2_mul(&x, &a->c1, &a->c2);
    fq2_mul_xi(&x, &x);
    fq2_sub(&t0, &t0, &x);
    fq2_sqr(&t1, &a->c2);
    fq2_mul_xi(&t1, &t1);
    fq2_mul(&x, &a->c0, &a->c1);
    fq2_sub(&t1, &t1, &x);
    fq2_sqr(&t2, &a->c1);
    fq2_mul(&x, &a->c0, &a->c2);
    fq2_sub(&t2, &t2, &x);
    fq2_mul(&d, &a->c2, &t1);
    fq2_mul(&x, &a->c1, &t2);
    fq2_add(&d, &d, &x);
    fq2_mul_xi(&d, &d);
    fq2_mul(&x, &a->c0, &t0);
    fq2_add(&d, &d, &x);
    tw_fq2_inv_vartime(&d, &d);
    fq2_mul(&o->c0, &t0, &d);
    fq2_mul(&o->c1, &t1, &d);
    fq2_mul(&o->c2, &t2, &d);
}

/* 1/(a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2). */
void tw_fq12_inv_vartime(zkv_fq12 *o, const zkv_fq12 *a) {
    zkv_fq6 t0, t1;
    fq6_sqr(&t0, &a->c0);
    fq6_sqr(&t1, &a->c1);
    fq6_mul_v(&t1, &t1);
    fq6_sub(&t0, &t0, &t1);
    tw_fq6_inv_vartime(&t0, &t0);
    fq6_mul(&o->c0, &a->c0, &t0);
    fq6_mul(&t1, &a->c1, &t0);
    fq6_neg(&o->c1, &t1);
}

/*
 * Seen over Fq2, a = sum g_k w^k (k = 0..5) with g_0 = c0.c0, g_1 = c1.c0, g_2 = c0.c1,
 * g_3 = c1.c1, g_4 = c0.c2, g_5 = c1.c2. Then a^(p^n) = sum conj^n(g_k) gamma_{n,k} w^k with
 * gamma_{n,k} = xi^(k(p^n - 1)/6), since w^6 = xi.
 */
void tw_fq12_frobenius(zkv_fq12 *o, const zkv_fq12 *a, int n) {
    const zkv_fq2 *gamma = n == 1 ? TW_FROB1 : n == 2 ? TW_FROB2 : TW_FROB3;
    zkv_fq2 g[6] = {a->c0.c0, a->c1.c0, a->c0.c1, a->c1.c1, a->c0.c2, a->c1.c2};
    if (n & 1)
        for (int k = 0; k < 6; k++) fq2_conj(&g[k], &g[k]);
    for (int k = 1; k < 6; k++) fq2_mul(&g[k], &g[k], &gamma[k - 1]);
    o->c0.c0 = g[0];
    o->c1.c0 = g[1];
    o->c0.c1 = g[2];
    o->c1.c1 = g[3];
    o->c0.c2 = g[4];
    o->c1.c2 = g[5];
}

/* (a + b s)^2 in Fq4 = Fq2[s]/(s^2 - xi): returns a^2 + xi b^2 and 2ab. */
static void tw_fq4_sqr(zkv_fq2 *r0, zkv_fq2 *r1, const zkv_fq2 *a, const zkv_fq2 *b) {
    zkv_fq2 a2, b2, s;
    fq2_sqr(&a2, a);
    fq2_sqr(&b2, b);
    fq2_add(&s, a, b);
    fq2_sqr(&s, &s);
    fq2_sub(&s, &s, &a2);
    fq2_sub(r1, &s, &b2);
    fq2_mul_xi(&b2, &b2);
    fq2_add(r0, &a2, &b2);
}

/*
 * Granger-Scott 2010. Write Fq12 = Fq4[w]/(w^3 - s) with Fq4 = Fq2[s]/(s^2 - xi), s = w^3, and
 * a = A0 + A1 w + A2 w^2 with A0 = g0 + g3 s, A1 = g1 + g4 s, A2 = g2 + g5 s. For a in the
 * cyclotomic subgroup, a^2 = (3 A0^2 - 2 conj(A0)) + (3 s A2^2 + 2 conj(A1)) w
 *                            + (3 A1^2 - 2 conj(A2)) w^2, conj: s -> -s.
 * Three Fq4 squarings instead of a full Fq12 squaring.
 */
void tw_fq12_cyclotomic_sqr(zkv_fq12 *o, const zkv_fq12 *a) {
    zkv_fq2 s00, s01, s10, s11, s20, s21, t;
    tw_fq4_sqr(&s00, &s01, &a->c0.c0, &a->c1.c1); /* A0^2 */
    tw_fq4_sqr(&s10, &s11, &a->c1.c0, &a->c0.c2); /* A1^2 */
    tw_fq4_sqr(&s20, &s21, &a->c0.c1, &a->c1.c2); /* A2^2 */
    /* s * A2^2 = xi s21 + s20 s */
    fq2_mul_xi(&t, &s21);
    s21 = s20;
    s20 = t;
    /* new A0: g0' = 3 s00 - 2 g0, g3' = 3 s01 + 2 g3 */
    fq2_sub(&t, &s00, &a->c0.c0);
    fq2_dbl(&t, &t);
    fq2_add(&o->c0.c0, &t, &s00);
    fq2_add(&t, &s01, &a->c1.c1);
    fq2_dbl(&t, &t);
    fq2_add(&o->c1.c1, &t, &s01);
    /* new A1: g1' = 3 s20 + 2 g1, g4' = 3 s21 - 2 g4 */
    fq2_add(&t, &s20, &a->c1.c0);
    fq2_dbl(&t, &t);
    fq2_add(&o->c1.c0, &t, &s20);
    fq2_sub(&t, &s21, &a->c0.c2);
    fq2_dbl(&t, &t);
    fq2_add(&o->c0.c2, &t, &s21);
    /* new A2: g2' = 3 s10 - 2 g2, g5' = 3 s11 + 2 g5 */
    fq2_sub(&t, &s10, &a->c0.c1);
    fq2_dbl(&t, &t);
    fq2_add(&o->c0.c1, &t, &s10);
    fq2_add(&t, &s11, &a->c1.c2);
    fq2_dbl(&t, &t);
    fq2_add(&o->c1.c2, &t, &s11);
}

/* ------------------------------------------------------------ public Fq12 API */

/* Tower order: c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1 is exactly the struct's layout. */
void zkv_fq12_to_bytes(uint8_t out[384], const zkv_fq12 *a) {
    const zkv_fq *c = (const zkv_fq *)a;
    for (int i = 0; i < 12; i++) zkv_fq_to_bytes(out + 32 * i, &c[i]);
}

zkv_error zkv_fq12_from_bytes(zkv_fq12 *out, const uint8_t in[384]) {
    zkv_fq *c = (zkv_fq *)out;
    for (int i = 0; i < 12; i++) {
        zkv_error rc = zkv_fq_from_bytes(&c[i], in + 32 * i);
        if (rc != ZKV_OK) return rc;
    }
    return ZKV_OK;
}

void zkv_fq2_mul(zkv_fq2 *out, const zkv_fq2 *a, const zkv_fq2 *b) { fq2_mul(out, a, b); }

void zkv_fq2_sqr(zkv_fq2 *out, const zkv_fq2 *a) { fq2_sqr(out, a); }

void zkv_fq2_mul_by_xi(zkv_fq2 *out, const zkv_fq2 *a) { fq2_mul_xi(out, a); }

zkv_error zkv_fq2_inv_vartime(zkv_fq2 *out, const zkv_fq2 *a) {
    int zero = fq2_is_zero(a);
    tw_fq2_inv_vartime(out, a);
    return zero ? ZKV_NOT_INVERTIBLE : ZKV_OK;
}

void zkv_fq12_mul(zkv_fq12 *out, const zkv_fq12 *a, const zkv_fq12 *b) { fq12_mul(out, a, b); }

int zkv_fq12_is_one(const zkv_fq12 *a) { return fq12_is_one(a); }

/* a^(p^4 - p^2 + 1) == 1, i.e. a lies in the cyclotomic subgroup, where the Granger-Scott
 * squaring is valid and conjugation inverts. */
static int tw_fq12_is_cyclotomic(const zkv_fq12 *a) {
    zkv_fq12 f2, f4;
    tw_fq12_frobenius(&f2, a, 2);
    tw_fq12_frobenius(&f4, &f2, 2);
    fq12_mul(&f4, &f4, a);
    return fq12_equal(&f4, &f2);
}

/* Width-5 NAF of the 256-bit little-endian e: digits odd in [-15, 15] or 0, at least four
 * zeros after each non-zero one; returns the number of digits (at most 257). */
static int tw_wnaf5(int8_t digits[257], const uint8_t e[32]) {
    uint64_t k[5] = {0};
    for (int i = 0; i < 32; i++) k[i / 8] |= (uint64_t)e[i] << (8 * (i % 8));
    int len = 0;
    while (k[0] | k[1] | k[2] | k[3] | k[4]) {
        int d = 0;
        if (k[0] & 1) {
            d = (int)(k[0] & 31);
            if (d >= 16) d -= 32;
            /* k -= d: subtract a small positive value or add a small one, with carries */
            if (d > 0) {
                uint64_t borrow = (uint64_t)d;
                for (int j = 0; j < 5 && borrow; j++) {
                    uint64_t old = k[j];
                    k[j] = old - borrow;
                    borrow = old < borrow;
                }
            } else {
                uint64_t carry = (uint64_t)(-d);
                for (int j = 0; j < 5 && carry; j++) {
                    k[j] += carry;
                    carry = k[j] < carry;
                }
            }
        }
        digits[len++] = (int8_t)d;
        for (int j = 0; j < 4; j++) k[j] = (k[j] >> 1) | (k[j + 1] << 63);
        k[4] >>= 1;
    }
    return len;
}

void zkv_fq12_pow_vartime(zkv_fq12 *out, const zkv_fq12 *a, const uint8_t e[32]) {
    zkv_fq12 acc, t;
    if (tw_fq12_is_cyclotomic(a)) {
        int8_t digits[257];
        zkv_fq12 odd[8], a2; /* odd[i] = a^(2i+1) */
        int len = tw_wnaf5(digits, e);
        fq12_set_one(&acc);
        if (len == 0) {
            *out = acc;
            return;
        }
        odd[0] = *a;
        tw_fq12_cyclotomic_sqr(&a2, a);
        for (int i = 1; i < 8; i++) fq12_mul(&odd[i], &odd[i - 1], &a2);
        acc = odd[digits[len - 1] >> 1]; /* the top digit is positive */
        for (int i = len - 2; i >= 0; i--) {
            tw_fq12_cyclotomic_sqr(&acc, &acc);
            int d = digits[i];
            if (d > 0) {
                fq12_mul(&acc, &acc, &odd[d >> 1]);
            } else if (d < 0) {
                fq12_conj(&t, &odd[(-d) >> 1]);
                fq12_mul(&acc, &acc, &t);
            }
        }
        *out = acc;
        return;
    }
    /* Anything else (e.g. a Miller loop value): plain 4-bit windows, full squarings. */
    zkv_fq12 table[16];
    fq12_set_one(&table[0]);
    for (int i = 1; i < 16; i++) fq12_mul(&table[i], &table[i - 1], a);
    fq12_set_one(&acc);
    for (int i = 63; i >= 0; i--) {
        for (int s = 0; s < 4; s++) fq12_sqr(&acc, &acc);
        int w = (e[i / 2] >> (4 * (i & 1))) & 15;
        if (w) fq12_mul(&acc, &acc, &table[w]);
    }
    *out = acc;
}
