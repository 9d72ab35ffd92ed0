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
/* Lines of one loop: 65 doublings, 21 additions (the non-zero NAF digits below the top one),
 * two Frobenius lines. zkv_g2_prepared's array size in zkv.h must match. */
#define PR_NLINES 88
_Static_assert(sizeof(((zkv_g2_prepared *)0)->lines) / sizeof(zkv_fq2[2]) == PR_NLINES,
               "zkv_g2_prepared holds one (b, c) per line of the loop");

typedef struct {
    zkv_fq2 x, y, z; /* T, homogeneous projective on the twist */
} pr_point;

/* A line before evaluation: at P it is a yP + b xP w + c w^3. */
typedef struct {
    zkv_fq2 a, b, c;
} pr_line;

typedef struct {
    zkv_g2_affine q, neg_q;
    pr_point t;
    zkv_fq yp, xp;
} pr_pair;

typedef struct {
    const zkv_g2_prepared *q;
    zkv_fq xs, ys; /* xP/yP and 1/yP: the prepared lines' coefficients are scaled by 1/a */
} pr_ppair;

/*
 * T <- 2T and the tangent line at T scaled by -2YZ:
 *   -2YZ yP + 3X^2 xP w + (3b'Z^2 - Y^2) w^3.
 */
static void pr_double_step(pr_line *l, pr_point *t) {
    zkv_fq2 A, B, C, E, F, G, H, J, tmp;
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
    fq2_sub(&l->c, &E, &B);
    fq2_sqr(&J, &t->x);
    fq2_neg(&l->a, &H);
    fq2_dbl(&l->b, &J);
    fq2_add(&l->b, &l->b, &J);
    /* X3 = A (B - F), Y3 = G^2 - 3E^2, Z3 = B H */
    fq2_sub(&tmp, &B, &F);
    fq2_mul(&t->x, &A, &tmp);
    fq2_sqr(&G, &G);
    fq2_sqr(&tmp, &E);
    fq2_sub(&G, &G, &tmp);
    fq2_dbl(&tmp, &tmp);
    fq2_sub(&t->y, &G, &tmp);
    fq2_mul(&t->z, &B, &H);
}

/*
 * T <- T + Q (Q affine) and the line through T and Q scaled by lambda = X - xQ Z:
 *   lambda yP - theta xP w + (theta xQ - lambda yQ) w^3,  theta = Y - yQ Z.
 * T's coordinates are only updated when update_t is set (not needed for the last line).
 */
static void pr_add_step(pr_line *l, pr_point *t, const zkv_g2_affine *q, int update_t) {
    zkv_fq2 theta, lambda, C, D, E, F, G, H, tmp;
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
    l->a = lambda;
    fq2_neg(&l->b, &theta);
    fq2_mul(&l->c, &theta, &q->x);
    fq2_mul(&tmp, &lambda, &q->y);
    fq2_sub(&l->c, &l->c, &tmp);
}

static void pr_eval(zkv_fq12 *f, const pr_line *l, const pr_pair *s) {
    zkv_fq2 la, lb;
    fq2_mul_fq(&la, &l->a, &s->yp);
    fq2_mul_fq(&lb, &l->b, &s->xp);
    fq12_mul_by_line(f, &la, &lb, &l->c);
}

static void pr_eval_prepared(zkv_fq12 *f, const pr_ppair *s, int k) {
    zkv_fq2 lb, lc;
    fq2_mul_fq(&lb, &s->q->lines[k][0], &s->xs);
    fq2_mul_fq(&lc, &s->q->lines[k][1], &s->ys);
    fq12_mul_by_line1(f, &lb, &lc);
}

static int pr_g1_is_infinity(const zkv_g1_affine *p) {
    return fq_is_zero(&p->x) & fq_is_zero(&p->y);
}

static int pr_g2_is_infinity(const zkv_g2_affine *q) {
    return fq2_is_zero(&q->x) & fq2_is_zero(&q->y);
}

static void pr_start(pr_point *t, const zkv_g2_affine *q) {
    t->x = q->x;
    t->y = q->y;
    fq2_set_one(&t->z);
}

/* The two last lines, through pi(Q) and -pi^2(Q). */
static void pr_frobenius_lines(pr_line l[2], pr_point *t, const zkv_g2_affine *q) {
    zkv_g2_affine q1, q2;
    tw_g2_affine_frobenius(&q1, q, 1);
    tw_g2_affine_frobenius(&q2, q, 2);
    fq2_neg(&q2.y, &q2.y);
    pr_add_step(&l[0], t, &q1, 1);
    pr_add_step(&l[1], t, &q2, 0);
}

void zkv_g2_prepare(zkv_g2_prepared *out, const zkv_g2_affine *q) {
    memset(out, 0, sizeof *out);
    if (pr_g2_is_infinity(q)) {
        out->infinity = 1;
        return;
    }
    pr_line l[PR_NLINES];
    zkv_fq2 prefix[PR_NLINES], inv, t;
    zkv_g2_affine neg_q = {q->x, q->y};
    fq2_neg(&neg_q.y, &q->y);
    pr_point pt;
    pr_start(&pt, q);
    int k = 0;
    for (int i = TW_ATE_NAF_LEN - 2; i >= 0; i--) {
        pr_double_step(&l[k++], &pt);
        int d = TW_ATE_NAF[i];
        if (d != 0) pr_add_step(&l[k++], &pt, d > 0 ? q : &neg_q, 1);
    }
    pr_frobenius_lines(&l[k], &pt, q);
    k += 2;
    /* Scale every line by 1/a (Fq2 factors vanish in the final exponentiation): one shared
     * inversion by Montgomery's trick. a != 0 for Q of order r: it is -2YZ for doublings
     * (Y = 0 only at order 2) and X - xQ Z for additions (T = +-Q never happens: the
     * multiples of Q met in the loop are not +-1 mod r). */
    prefix[0] = l[0].a;
    for (int j = 1; j < k; j++) fq2_mul(&prefix[j], &prefix[j - 1], &l[j].a);
    tw_fq2_inv_vartime(&inv, &prefix[k - 1]); /* Q is public */
    for (int j = k - 1; j >= 0; j--) {
        if (j > 0) {
            fq2_mul(&t, &inv, &prefix[j - 1]); /* 1/a_j */
            fq2_mul(&inv, &inv, &l[j].a);
        } else {
            t = inv;
        }
        fq2_mul(&out->lines[j][0], &l[j].b, &t);
        fq2_mul(&out->lines[j][1], &l[j].c, &t);
    }
}

/* Miller loop of up to PAIR_CHUNK plain and PAIR_CHUNK prepared pairs sharing one
 * accumulator. */
static void pr_miller_chunk(zkv_fq12 *f, const zkv_g1_affine *ps, const zkv_g2_affine *qs,
                            size_t n, const zkv_g1_affine *pps,
                            const zkv_g2_prepared *const *pqs, size_t m) {
    pr_pair st[PAIR_CHUNK];
    pr_ppair pst[PAIR_CHUNK];
    zkv_fq yps[PAIR_CHUNK], scratch[PAIR_CHUNK];
    pr_line l;
    size_t nn = 0, mm = 0;
    for (size_t i = 0; i < n; i++) {
        if (pr_g1_is_infinity(&ps[i]) || pr_g2_is_infinity(&qs[i])) continue;
        pr_pair *s = &st[nn++];
        s->q = qs[i];
        s->neg_q.x = qs[i].x;
        fq2_neg(&s->neg_q.y, &qs[i].y);
        pr_start(&s->t, &qs[i]);
        s->yp = ps[i].y;
        s->xp = ps[i].x;
    }
    for (size_t i = 0; i < m; i++) {
        if (pr_g1_is_infinity(&pps[i]) || pqs[i]->infinity) continue;
        pst[mm].q = pqs[i];
        pst[mm].xs = pps[i].x;
        yps[mm++] = pps[i].y;
    }
    fq12_set_one(f);
    if (nn + mm == 0) return;
    /* yP != 0 for every point of G1 (no point of order 2), so the inversion succeeds */
    if (mm > 0) fq_batch_inv_vartime(yps, mm, scratch);
    for (size_t j = 0; j < mm; j++) {
        pst[j].ys = yps[j];
        fq_mul(&pst[j].xs, &pst[j].xs, &yps[j]);
    }
    int k = 0;
    for (int i = TW_ATE_NAF_LEN - 2; i >= 0; i--) {
        if (i != TW_ATE_NAF_LEN - 2) fq12_sqr(f, f);
        for (size_t j = 0; j < nn; j++) {
            pr_double_step(&l, &st[j].t);
            pr_eval(f, &l, &st[j]);
        }
        for (size_t j = 0; j < mm; j++) pr_eval_prepared(f, &pst[j], k);
        k++;
        int d = TW_ATE_NAF[i];
        if (d == 0) continue;
        for (size_t j = 0; j < nn; j++) {
            pr_add_step(&l, &st[j].t, d > 0 ? &st[j].q : &st[j].neg_q, 1);
            pr_eval(f, &l, &st[j]);
        }
        for (size_t j = 0; j < mm; j++) pr_eval_prepared(f, &pst[j], k);
        k++;
    }
    for (size_t j = 0; j < nn; j++) {
        pr_line fl[2];
        pr_frobenius_lines(fl, &st[j].t, &st[j].q);
        pr_eval(f, &fl[0], &st[j]);
        pr_eval(f, &fl[1], &st[j]);
    }
    for (size_t j = 0; j < mm; j++) {
        pr_eval_prepared(f, &pst[j], k);
        pr_eval_prepared(f, &pst[j], k + 1);
    }
}

void zkv_miller_loop_prepared(zkv_fq12 *out, const zkv_g1_affine *ps, const zkv_g2_affine *qs,
                              size_t n, const zkv_g1_affine *pps,
                              const zkv_g2_prepared *const *pqs, size_t m) {
    zkv_fq12 acc, f;
    size_t i = 0, j = 0;
    fq12_set_one(&acc);
    do {
        size_t a = n - i < PAIR_CHUNK ? n - i : PAIR_CHUNK;
        size_t b = m - j < PAIR_CHUNK ? m - j : PAIR_CHUNK;
        /* no arithmetic on the NULL arrays of an empty side */
        pr_miller_chunk(&f, a ? ps + i : ps, a ? qs + i : qs, a, b ? pps + j : pps,
                        b ? pqs + j : pqs, b);
        if (i == 0 && j == 0)
            acc = f;
        else
            fq12_mul(&acc, &acc, &f);
        i += a;
        j += b;
    } while (i < n || j < m);
    *out = acc;
}

void zkv_miller_loop(zkv_fq12 *out, const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n) {
    zkv_miller_loop_prepared(out, ps, qs, n, NULL, NULL, 0);
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
    tw_fq12_inv_vartime(&inv, f);
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
    return zkv_pairing_check_prepared(ps, qs, n, NULL, NULL, 0, NULL);
}

int zkv_pairing_check_prepared(const zkv_g1_affine *ps, const zkv_g2_affine *qs, size_t n,
                               const zkv_g1_affine *pps, const zkv_g2_prepared *const *pqs,
                               size_t m, const zkv_fq12 *factor) {
    zkv_fq12 f;
    zkv_miller_loop_prepared(&f, ps, qs, n, pps, pqs, m);
    if (factor != NULL) fq12_mul(&f, &f, factor);
    zkv_final_exp(&f, &f);
    return fq12_is_one(&f);
}
