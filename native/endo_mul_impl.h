/*
 * endo_mul_impl.h - internal template: variable-time k P through an endomorphism E that acts
 * as a scalar lam on the points the function accepts (G1: GLV, E(x, y) = (beta x, y); G2: psi).
 * Not public API: g1.c and g2.c each include it once, after defining
 *
 *   ENDO_MUL_FN            the function to define: void FN(POINT *out, const POINT *p,
 *                          const uint8_t k[32]); out may alias p
 *   ENDO_POINT             the Jacobian point type
 *   ENDO_SPLIT(m, neg, k)  zkv_u128 m[2], int neg[2] from the 32-byte little-endian k (any
 *                          value): k = (-1)^neg[0] m[0] + (-1)^neg[1] m[1] lam (mod r), m < 2^127
 *   ENDO_MAP(o, a)         o = E(a) (a Jacobian point in, out)
 *   ENDO_ADD(o, a, b), ENDO_DOUBLE(o, a), ENDO_NEG(o, a), ENDO_SET_ZERO(p)
 *
 * k P = m0 (+-P) + m1 (+-E(P)): the two halves share one run of ~127 doublings (a joint
 * width-5 NAF) where a plain wNAF needs ~254, which is most of the cost. Everything branches
 * on the scalar's digits: public scalars only.
 */
#ifndef ENDO_MUL_IMPL_COMMON
#define ENDO_MUL_IMPL_COMMON

#define ENDO_W 5
#define ENDO_TABLE (1 << (ENDO_W - 2)) /* odd multiples 1, 3, ..., 2^(w-1) - 1 */
#define ENDO_DIGITS 129                /* a width-w NAF of k < 2^127 has at most 128 digits */

/* Width-5 NAF of k < 2^127 (odd digits in (-16, 16), little-endian); returns the length. */
static int endo_wnaf(int8_t d[ENDO_DIGITS], zkv_u128 k) {
    int len = 0;
    while (k) {
        int v = 0;
        if (k & 1) {
            v = (int)(k & ((1u << ENDO_W) - 1));
            if (v >= 1 << (ENDO_W - 1)) v -= 1 << ENDO_W;
            /* below 2^127 with |v| < 16, k - v cannot wrap */
            k = v > 0 ? k - (zkv_u128)v : k + (zkv_u128)(-v);
        }
        d[len++] = (int8_t)v;
        k >>= 1;
    }
    return len;
}

#endif /* ENDO_MUL_IMPL_COMMON */

void ENDO_MUL_FN(ENDO_POINT *out, const ENDO_POINT *p, const uint8_t k[32]) {
    zkv_u128 m[2];
    int neg[2], len[2];
    int8_t d[2][ENDO_DIGITS];
    ENDO_POINT table[2][ENDO_TABLE], p2, acc, tmp;
    ENDO_SPLIT(m, neg, k);
    for (int s = 0; s < 2; s++) len[s] = endo_wnaf(d[s], m[s]);
    /* the signs go into the tables: row 0 holds odd multiples of +-P, row 1 their images
     * under E (a homomorphism, so E(jP) = j E(P)) with row 1's sign */
    table[0][0] = *p;
    if (neg[0]) ENDO_NEG(&table[0][0], &table[0][0]);
    ENDO_DOUBLE(&p2, &table[0][0]);
    for (int i = 1; i < ENDO_TABLE; i++) ENDO_ADD(&table[0][i], &table[0][i - 1], &p2);
    for (int i = 0; i < ENDO_TABLE; i++) {
        ENDO_MAP(&table[1][i], &table[0][i]);
        if (neg[0] != neg[1]) ENDO_NEG(&table[1][i], &table[1][i]);
    }
    ENDO_SET_ZERO(&acc);
    int started = 0; /* skips the doublings of the identity before the first digit */
    for (int i = (len[0] > len[1] ? len[0] : len[1]) - 1; i >= 0; i--) {
        if (started) ENDO_DOUBLE(&acc, &acc);
        for (int s = 0; s < 2; s++) {
            int v = i < len[s] ? d[s][i] : 0;
            if (!v) continue;
            if (v > 0) {
                ENDO_ADD(&acc, &acc, &table[s][v >> 1]);
            } else {
                ENDO_NEG(&tmp, &table[s][(-v) >> 1]);
                ENDO_ADD(&acc, &acc, &tmp);
            }
            started = 1;
        }
    }
    *out = acc;
}

#undef ENDO_MUL_FN
#undef ENDO_POINT
#undef ENDO_SPLIT
#undef ENDO_MAP
#undef ENDO_ADD
#undef ENDO_DOUBLE
#undef ENDO_NEG
#undef ENDO_SET_ZERO
