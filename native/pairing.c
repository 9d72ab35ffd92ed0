/*
 * pairing.c - the optimal ate pairing on BN254 and its final exponentiation.
 *
 * Miller loop over 6x+2 in NAF with the line functions of Costello-Lange-Naehrig 2010 /
 * Aranha et al. 2010 in homogeneous projective coordinates (x = X/Z, y = Y/Z) on the twist,
 * then the two lines through pi(Q) and -pi^2(Q). For the D-type twist
 * (x', y') -> (x' w^2, y' w^3) a line evaluated at P in G1 has the shape a + b w + c w^3
 * (a = Fq2 multiple of yP, b = Fq2 multiple of xP), which fq12_mul_by_line exploits; any
 * factor in a proper subfield (here Fq2 scalings of the line) is killed by the final
 * exponentiation, so the result equals the textbook reduced pairing exactly.
 *
 * All inputs are public: the code branches on point values (infinity) and on the public loop
 * digits only.
 */
#include "tower_impl.h"

/* Pairs handled together per Miller loop pass: bounded stack use without malloc. Bigger
 * inputs are processed in chunks whose Miller values are multiplied. */
#define PAIR_CHUNK 16

typedef struct {
    zkv_fq2 x, y, z; /* T, homogeneous projective on the twist */
} pr_point;

typedef struct {
    zkv_g2_affine q, neg_q;
    pr_point t;
    zkv_fq yp, neg_yp, xp3, neg_xp; /* P's coordinates in the shapes the lines need */
} pr_pair;

/*
 * T <- 2T and the tangent line at T, evaluated at P and scaled by -2YZ:
 *   -2YZ yP + 3X^2 xP w + (3b'Z^2 - Y^2) w^3.
 */
static void pr_double_step(zkv_fq12 *f, pr_pair *s) {
    pr_point *t = &s->t;
    zkv_fq2 A, B, C, E, F, G, H, I, J, la, lb, tmp;
    fq2_mul(&A, &t->x, &t->y);
    fq2_half(&A, &A);
    fq2_sqr(&B, &t->y);
    fq2_sqr(&C, &t->z);
    fq2_mul(&E, &C, &TW_B2);
    fq2_dbl(&tmp, &E);
    fq2_add(&E, &E, &tmp); /* 3b' Z^2 */
    fq2_dbl(&F, &E);
    fq2_add(&F, &F, &E);
    fq2_add(&G, &B, &F);
    fq2_half(&G, &G);
    fq2_add(&H, &t->y, &t->z);
    fq2_sqr(&H, &H);
    fq2_add(&tmp, &B, &C);
    fq2_sub(&H, &H, &tmp); /* 2YZ */
    fq2_sub(&I, &E, &B);
    fq2_sqr(&J, &t->x);
    /* X3 = A (B - F), Y3 = G^2 - 3E^2, Z3 = B H */
    fq2_sub(&tmp, &B, &F);
    fq2_mul(&t->x, &A, &tmp);
    fq2_sqr(&G, &G);
    fq2_sqr(&tmp, &E);
    fq2_sub(&G, &G, &tmp);
    fq2_dbl(&tmp, &tmp);
    fq2_sub(&t->y, &G, &tmp);
    fq2_mul(&t->z, &B, &H);
    fq2_mul_fq(&la, &H, &s->neg_yp);
    fq2_mul_fq(&lb, &J, &s->xp3);
    fq12_mul_by_line(f, &la, &lb, &I);
}

/*
 * T <- T + Q (Q affine) and the line through T and Q evaluated at P, scaled by
 * lambda = X - xQ Z:  lambda yP - theta xP w + (theta xQ - lambda yQ) w^3, theta = Y - yQ Z.
 * T's coordinates are only updated when update_t is set (not needed for the last line).
 */
static void pr_add_step(zkv_fq12 *f, pr_pair *s, const zkv_g2_affine *q, int update_t) {
    pr_point *t = &s->t;
    zkv_fq2 theta, lambda, C, D, E, F, G, H, la, lb, lc, tmp;
    fq2_mul(&theta, &q->y, &t->z);
    fq2_sub(&theta, &t->y, &theta);
    fq2_mul(&lambda, &q->x, &t->z);
    fq2_sub(&lambda, &t->x, &lambda);
    if (update_t) {
        fq2_sqr(&C, &theta);
        fq2_sqr(&D, &lambda);
        fq2_mul(&E, &lambda, &D);
        fq2_mul(&F, &t->z, &C);
        fq2_mul(&G, &t->x, &D);
        fq2_add(&H, &E, &F);
        fq2_dbl(&tmp, &G);
        fq2_sub(&H, &H, &tmp);
        fq2_mul(&t->x, &lambda, &H);
        fq2_sub(&tmp, &G, &H);
        fq2_mul(&tmp, &tmp, &theta);
        fq2_mul(&G, &t->y, &E);
        fq2_sub(&t->y, &tmp, &G);
        fq2_mul(&t->z, &t->z, &E);
    }
    fq2_mul_fq(&la, &lambda, &s->yp);
    fq2_mul_fq(&lb, &theta, &s->neg_xp);
    fq2_mul(&lc, &theta, &q->x);
    fq2_mul(&tmp, &lambda, &q->y);
    fq2_sub(&lc, &lc, &tmp);
    fq12_mul_by_line(f, &la, &lb, &lc);
}

static int pr_g1_is_infinity(const zkv_g1_affine *p) {
    return fq_is_zero(&p->x) & fq_is_zero(&p->y);
}

static int pr_g2_is_infinity(const zkv_g2_affine *q) {
    return fq2_is_zero(&q->x) & fq2_is_zero(&q->y);
}

/* Miller loop of up to PAIR_CHUNK pairs sharing one accumulator. */
static void pr_miller_chunk(zkv_fq12 *f, const zkv_g1_affine *ps, const zkv_g2_affine *qs,
                            size_t n) {
    pr_pair st[PAIR_CHUNK];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (pr_g1_is_infinity(&ps[i]) || pr_g2_is_infinity(&qs[i])) continue;
        pr_pair *s = &st[m++];
        s->q = qs[i];
        s->neg_q.x = qs[i].x;
        fq2_neg(&s->neg_q.y, &qs[i].y);
        s->t.x = qs[i].x;
        s->t.y = qs[i].y;
        fq2_set_one(&s->t.z);
        s->yp = ps[i].y;
        fq_neg(&s->neg_yp, &ps[i].y);
        fq_dbl(&s->xp3, &ps[i].x);
        fq_add(&s->xp3, &s->xp3, &ps[i].x);
        fq_neg(&s->neg_xp, &ps[i].x);
    }
    fq12_set_one(f);
    if (m == 0) return;
    for (int i = TW_ATE_NAF_LEN - 2; i >= 0; i--) {
        if (i != TW_ATE_NAF_LEN - 2) fq12_sqr(f, f);
        for (size_t j = 0; j < m; j++) pr_double_step(f, &st[j]);
        int d = TW_ATE_NAF[i];
        if (d == 0) continue;
        for (size_t j = 0; j < m; j++)
            pr_add_step(f, &st[j], d > 0 ? &st[j].q : &st[j].neg_q, 1);
    }
    for (size_t j = 0; j < m; j++) {
        zkv_g2_affine q1, q2;
        tw_g2_affine_frobenius(&q1, &st[j].q, 1);
        tw_g2_affine_frobenius(&q2, &st[j].q, 2);
        fq2_neg(&q2.y, &q2.y);
        pr_add_step(f, &st[j], &q1, 1);
        pr_add_step(f, &st[j], &q2, 0);
    }
}

void zkv_miller_loop(zkv_fq12 *out, const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n) {
    zkv_fq12 acc, f;
    fq12_set_one(&acc);
    for (size_t i = 0; i < n; i += PAIR_CHUNK) {
        size_t k = n - i < PAIR_CHUNK ? n - i : PAIR_CHUNK;
        pr_miller_chunk(&f, ps + i, qs + i, k);
        if (i == 0)
            acc = f;
        else
            fq12_mul(&acc, &acc, &f);
    }
    *out = acc;
}

/* ------------------------------------------------------------ final exponentiation */

/* a^x for the (positive, 63-bit) BN parameter x, a in the cyclotomic subgroup: width-4 NAF
 * (14 multiplications instead of 27 for plain binary), negative digits by conjugation. */
static void pr_exp_by_x(zkv_fq12 *o, const zkv_fq12 *a) {
    zkv_fq12 odd[4], a2, acc, t; /* odd[i] = a^(2i+1) */
    odd[0] = *a;
    tw_fq12_cyclotomic_sqr(&a2, a);
    for (int i = 1; i < 4; i++) fq12_mul(&odd[i], &odd[i - 1], &a2);
    acc = odd[TW_X_WNAF[TW_X_WNAF_LEN - 1] >> 1]; /* the top digit is positive */
    for (int i = TW_X_WNAF_LEN - 2; i >= 0; i--) {
        tw_fq12_cyclotomic_sqr(&acc, &acc);
        int d = TW_X_WNAF[i];
        if (d > 0) {
            fq12_mul(&acc, &acc, &odd[d >> 1]);
        } else if (d < 0) {
            fq12_conj(&t, &odd[(-d) >> 1]);
            fq12_mul(&acc, &acc, &t);
        }
    }
    *o = acc;
}

/*
 * Hard part f^((p^4 - p^2 + 1)/r), exactly (not a multiple): with the exponent written as
 * l0 + l1 p + l2 p^2 + p^3 (l0 = -36x^3 - 30x^2 - 18x - 2, l1 = -36x^3 - 18x^2 - 12x + 1,
 * l2 = 6x^2 + 1), Scott et al. 2009 compute it as y0 y1^2 y2^6 y3^12 y4^18 y5^30 y6^36 with
 *   y0 = f^(p + p^2 + p^3), y1 = 1/f, y2 = (f^(x^2))^(p^2), y3 = 1/(f^x)^p,
 *   y4 = 1/(f^x (f^(x^2))^p), y5 = 1/f^(x^2), y6 = 1/(f^(x^3) (f^(x^3))^p),
 * and a short vectorial addition chain. Inverses are conjugates (cyclotomic subgroup).
 */
static void pr_final_exp_hard(zkv_fq12 *o, const zkv_fq12 *f) {
    zkv_fq12 fx, fx2, fx3, y0, y1, y2, y3, y4, y5, y6, t0, t1;
    pr_exp_by_x(&fx, f);
    pr_exp_by_x(&fx2, &fx);
    pr_exp_by_x(&fx3, &fx2);
    tw_fq12_frobenius(&y0, f, 1);
    tw_fq12_frobenius(&t0, f, 2);
    fq12_mul(&y0, &y0, &t0);
    tw_fq12_frobenius(&t0, f, 3);
    fq12_mul(&y0, &y0, &t0);
    fq12_conj(&y1, f);
    tw_fq12_frobenius(&y2, &fx2, 2);
    tw_fq12_frobenius(&y3, &fx, 1);
    fq12_conj(&y3, &y3);
    tw_fq12_frobenius(&y4, &fx2, 1);
    fq12_mul(&y4, &y4, &fx);
    fq12_conj(&y4, &y4);
    fq12_conj(&y5, &fx2);
    tw_fq12_frobenius(&y6, &fx3, 1);
    fq12_mul(&y6, &y6, &fx3);
    fq12_conj(&y6, &y6);

    tw_fq12_cyclotomic_sqr(&t0, &y6);
    fq12_mul(&t0, &t0, &y4);
    fq12_mul(&t0, &t0, &y5);
    fq12_mul(&t1, &y3, &y5);
    fq12_mul(&t1, &t1, &t0);
    fq12_mul(&t0, &t0, &y2);
    tw_fq12_cyclotomic_sqr(&t1, &t1);
    fq12_mul(&t1, &t1, &t0);
    tw_fq12_cyclotomic_sqr(&t1, &t1);
    fq12_mul(&t0, &t1, &y1);
    fq12_mul(&t1, &t1, &y0);
    tw_fq12_cyclotomic_sqr(&t0, &t0);
    fq12_mul(o, &t0, &t1);
}

void zkv_final_exp(zkv_fq12 *out, const zkv_fq12 *f) {
    zkv_fq12 t, inv;
    /* easy part: f^(p^6 - 1) = conj(f)/f, then ^(p^2 + 1) */
    tw_fq12_inv(&inv, f);
    fq12_conj(&t, f);
    fq12_mul(&t, &t, &inv);
    tw_fq12_frobenius(&inv, &t, 2);
    fq12_mul(&t, &inv, &t);
    pr_final_exp_hard(out, &t);
}

void zkv_pairing(zkv_fq12 *out, const zkv_g1_affine *p, const zkv_g2_affine *q) {
    zkv_fq12 f;
    zkv_miller_loop(&f, p, q, 1);
    zkv_final_exp(out, &f);
}

int zkv_pairing_check(const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n) {
    zkv_fq12 f;
    zkv_miller_loop(&f, ps, qs, n);
    zkv_final_exp(&f, &f);
    return fq12_is_one(&f);
}
