/*
 * ct_mul_impl.h - internal: the constant-time scalar multiplication of ct_mul.c (see its
 * header comment for the method), written once and instantiated for G1 and G2 by defining
 * these macros and including this file (they are #undef'd at the end):
 *
 *   CT_G                   group prefix (g1, g2): names CT_G##p_add, zkv_##CT_G##_mul_ct, ...
 *   CT_F                   field prefix (fq, fq2): CT_F##_mul, _sqr, _add, _sub, _dbl,
 *                          _set_zero, _set_one, _is_zero, _cmov
 *   CT_FE                  the field element type (zkv_fq, zkv_fq2)
 *   CT_JAC, CT_AFF         the group's Jacobian and affine point types
 *   CT_B3_INIT(b3)         set *b3 to 3b (b the curve constant) if CT_MUL_B3 uses it
 *   CT_MUL_B3(o, a, b3)    *o = 3b * *a
 */
#define CT_CAT_(a, b) a##b
#define CT_CAT(a, b) CT_CAT_(a, b)
#define CT_FN(name) CT_CAT(CT_G, name)
#define CT_OP(name) CT_CAT(CT_F, name)
#define CT_PROJ CT_FN(_proj)

typedef struct { CT_FE x, y, z; } CT_PROJ;

/* RCB16 algorithm 7 (complete addition, a = 0); out may alias p or q. */
static void CT_FN(p_add)(CT_PROJ *out, const CT_PROJ *p, const CT_PROJ *q,
                          const CT_FE *b3) {
    CT_FE t0, t1, t2, t3, t4, x3, y3, z3;
    CT_OP(_mul)(&t0, &p->x, &q->x);
    CT_OP(_mul)(&t1, &p->y, &q->y);
    CT_OP(_mul)(&t2, &p->z, &q->z);
    CT_OP(_add)(&t3, &p->x, &p->y);
    CT_OP(_add)(&t4, &q->x, &q->y);
    CT_OP(_mul)(&t3, &t3, &t4);
    CT_OP(_add)(&t4, &t0, &t1);
    CT_OP(_sub)(&t3, &t3, &t4);
    CT_OP(_add)(&t4, &p->y, &p->z);
    CT_OP(_add)(&x3, &q->y, &q->z);
    CT_OP(_mul)(&t4, &t4, &x3);
    CT_OP(_add)(&x3, &t1, &t2);
    CT_OP(_sub)(&t4, &t4, &x3);
    CT_OP(_add)(&x3, &p->x, &p->z);
    CT_OP(_add)(&y3, &q->x, &q->z);
    CT_OP(_mul)(&x3, &x3, &y3);
    CT_OP(_add)(&y3, &t0, &t2);
    CT_OP(_sub)(&y3, &x3, &y3);
    CT_OP(_dbl)(&x3, &t0);
    CT_OP(_add)(&t0, &x3, &t0);
    CT_MUL_B3(&t2, &t2, b3);
    CT_OP(_add)(&z3, &t1, &t2);
    CT_OP(_sub)(&t1, &t1, &t2);
    CT_MUL_B3(&y3, &y3, b3);
    CT_OP(_mul)(&x3, &t4, &y3);
    CT_OP(_mul)(&t2, &t3, &t1);
    CT_OP(_sub)(&x3, &t2, &x3);
    CT_OP(_mul)(&y3, &y3, &t0);
    CT_OP(_mul)(&t1, &t1, &z3);
    CT_OP(_add)(&y3, &t1, &y3);
    CT_OP(_mul)(&t0, &t0, &t3);
    CT_OP(_mul)(&z3, &z3, &t4);
    CT_OP(_add)(&z3, &z3, &t0);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

/* RCB16 algorithm 9 (complete doubling, a = 0); out may alias p. */
static void CT_FN(p_double)(CT_PROJ *out, const CT_PROJ *p, const CT_FE *b3) {
    CT_FE t0, t1, t2, x3, y3, z3;
    CT_OP(_sqr)(&t0, &p->y);
    CT_OP(_dbl)(&z3, &t0);
    CT_OP(_dbl)(&z3, &z3);
    CT_OP(_dbl)(&z3, &z3);
    CT_OP(_mul)(&t1, &p->y, &p->z);
    CT_OP(_sqr)(&t2, &p->z);
    CT_MUL_B3(&t2, &t2, b3);
    CT_OP(_mul)(&x3, &t2, &z3);
    CT_OP(_add)(&y3, &t0, &t2);
    CT_OP(_mul)(&z3, &t1, &z3);
    CT_OP(_dbl)(&t1, &t2);
    CT_OP(_add)(&t2, &t1, &t2);
    CT_OP(_sub)(&t0, &t0, &t2);
    CT_OP(_mul)(&y3, &t0, &y3);
    CT_OP(_add)(&y3, &x3, &y3);
    CT_OP(_mul)(&t1, &p->x, &p->y);
    CT_OP(_mul)(&x3, &t0, &t1);
    CT_OP(_dbl)(&x3, &x3);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

static void CT_FN(p_cmov)(CT_PROJ *o, const CT_PROJ *a, uint64_t flag) {
    CT_OP(_cmov)(&o->x, &a->x, flag);
    CT_OP(_cmov)(&o->y, &a->y, flag);
    CT_OP(_cmov)(&o->z, &a->z, flag);
}

static void CT_FN(p_identity)(CT_PROJ *o) {
    CT_OP(_set_zero)(&o->x);
    CT_OP(_set_one)(&o->y);
    CT_OP(_set_zero)(&o->z);
}

/* Jacobian (X, Y, Z) -> projective (XZ, Y, Z^3); any Z = 0 becomes (0:1:0). */
static void CT_FN(p_from_jacobian)(CT_PROJ *o, const CT_JAC *p) {
    CT_FE z2, one;
    CT_OP(_sqr)(&z2, &p->z);
    CT_OP(_mul)(&o->x, &p->x, &p->z);
    o->y = p->y;
    CT_OP(_mul)(&o->z, &z2, &p->z);
    CT_OP(_set_one)(&one);
    CT_OP(_cmov)(&o->y, &one, ct_barrier((uint64_t)CT_OP(_is_zero)(&p->z)));
}

/* Affine (x, y) -> (x:y:1); the (0, 0) encoding of the identity -> (0:1:0). */
static void CT_FN(p_from_affine)(CT_PROJ *o, const CT_AFF *a) {
    uint64_t inf = ct_barrier((uint64_t)(CT_OP(_is_zero)(&a->x) & CT_OP(_is_zero)(&a->y)));
    CT_FE one, zero;
    CT_OP(_set_one)(&one);
    CT_OP(_set_zero)(&zero);
    o->x = a->x;
    o->y = a->y;
    o->z = one;
    CT_OP(_cmov)(&o->y, &one, inf);
    CT_OP(_cmov)(&o->z, &zero, inf);
}

/* Projective (X:Y:Z) -> Jacobian (XZ, YZ^2, Z); Z = 0 becomes the Jacobian (1, 1, 0). */
static void CT_FN(p_to_jacobian)(CT_JAC *o, const CT_PROJ *p) {
    CT_FE z2, one;
    uint64_t inf = ct_barrier((uint64_t)CT_OP(_is_zero)(&p->z));
    CT_OP(_sqr)(&z2, &p->z);
    CT_OP(_mul)(&o->x, &p->x, &p->z);
    CT_OP(_mul)(&o->y, &p->y, &z2);
    o->z = p->z;
    CT_OP(_set_one)(&one);
    CT_OP(_cmov)(&o->x, &one, inf);
    CT_OP(_cmov)(&o->y, &one, inf);
}

static void CT_FN(p_mul)(CT_PROJ *out, const CT_PROJ *p, const uint8_t k[32]) {
    CT_PROJ table[16], acc, sel;
    CT_FE b3;
    CT_B3_INIT(&b3);
    CT_FN(p_identity)(&table[0]);
    table[1] = *p;
    for (int j = 2; j < 16; j++) CT_FN(p_add)(&table[j], &table[j - 1], p, &b3);
    CT_FN(p_identity)(&acc);
    for (int i = 63; i >= 0; i--) {
        for (int d = 0; d < 4; d++) CT_FN(p_double)(&acc, &acc, &b3);
        unsigned digit = scalar_digit(k, i);
        sel = table[0];
        for (unsigned j = 1; j < 16; j++) CT_FN(p_cmov)(&sel, &table[j], ct_eq(j, digit));
        CT_FN(p_add)(&acc, &acc, &sel, &b3);
    }
    *out = acc;
}

void CT_CAT(CT_CAT(zkv_, CT_G), _mul_ct)(CT_JAC *out, const CT_JAC *p, const uint8_t k[32]) {
    CT_PROJ pp, r;
    CT_FN(p_from_jacobian)(&pp, p);
    CT_FN(p_mul)(&r, &pp, k);
    CT_FN(p_to_jacobian)(out, &r);
}

void CT_CAT(CT_CAT(zkv_, CT_G), _mul_ct_many)(CT_JAC *out, const CT_AFF *points,
                                              const uint8_t *scalars, size_t n) {
    for (size_t i = 0; i < n; i++) {
        CT_PROJ pp, r;
        CT_FN(p_from_affine)(&pp, points + i);
        CT_FN(p_mul)(&r, &pp, scalars + 32 * i);
        CT_FN(p_to_jacobian)(out + i, &r);
    }
}

#undef CT_PROJ
#undef CT_OP
#undef CT_FN
#undef CT_CAT
#undef CT_CAT_
#undef CT_G
#undef CT_F
#undef CT_FE
#undef CT_JAC
#undef CT_AFF
#undef CT_B3_INIT
#undef CT_MUL_B3
