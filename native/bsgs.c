/*
 * bsgs.c - baby-step giant-step discrete logarithms on BabyJubJub, for decrypting tallies.
 *
 * Table: with N = 2^baby_bits, the y-coordinates of j*g for j = 0..N. Since j*g and -j*g share
 * y, one entry covers both signs, so a giant stride of S = 2N leaves no gap: every m is
 * i*S + e with |e| <= N. The entries sit in an open-addressing hash table (linear probing,
 * load <= 1/2) of 64-bit slots: low 32 bits j + 1 (0 = empty), high 32 bits a tag from y. The
 * slot index and the tag come from different limbs of y, so together they fingerprint ~63 bits
 * of it; every fingerprint match is still confirmed by recomputing j*g and comparing the whole
 * point, which also settles the sign of e.
 *
 * Solving walks C_i = h - i*S*g for i = 0, 1, ... in batches, normalising each batch with one
 * shared inversion (Montgomery's trick), and looks up y(C_i).
 *
 * Limits: baby_bits in 1..30; at most BSGS_MAX_GIANT giant steps, i.e. a bound of at most
 * 2^(baby_bits + 1) * 2^24; anything larger returns ZKV_BAD_ARGUMENT (use a bigger table, or a
 * kangaroo method for huge ranges). Everything here is variable-time: tallies are public.
 */
#include "field_impl.h"

#define BSGS_MAGIC 0x7a6b7662736773ULL /* "zkvbsgs" */
#define BSGS_MAX_GIANT ((uint64_t)1 << 24)
#define BSGS_BATCH 128

typedef struct {
    uint64_t magic;
    uint32_t baby_bits;
    uint32_t slot_bits; /* log2 of the slot count = baby_bits + 1 */
    zkv_bjj_affine g;
    zkv_bjj stride_neg; /* -(2N)*g */
} bsgs_header;

static inline uint64_t *bsgs_slots(void *table) {
    return (uint64_t *)((uint8_t *)table + sizeof(bsgs_header));
}

/* Slot index: the top bits of a multiplicative hash of y's low limb (Montgomery form - fine,
 * it is a bijection and the table and the lookups use the same form). */
static inline uint64_t bsgs_index(const zkv_fr *y, uint32_t slot_bits) {
    return ((y->l[0] ^ y->l[3]) * 0x9e3779b97f4a7c15ULL) >> (64 - slot_bits);
}

static inline uint64_t bsgs_tag(const zkv_fr *y) { return y->l[1] >> 32; }

size_t zkv_bsgs_table_sizeof(uint32_t baby_bits) {
    if (baby_bits < 1 || baby_bits > 30) return 0;
    return sizeof(bsgs_header) + ((size_t)1 << (baby_bits + 1)) * sizeof(uint64_t);
}

static void bsgs_insert(uint64_t *slots, uint32_t slot_bits, const zkv_fr *y, uint64_t j) {
    uint64_t mask = ((uint64_t)1 << slot_bits) - 1;
    uint64_t i = bsgs_index(y, slot_bits);
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = (bsgs_tag(y) << 32) | (j + 1);
}

/* Affine y of n extended points, with one shared inversion. */
static void bsgs_batch_y(zkv_fr *ys, zkv_fr *zinv, const zkv_bjj *pts, size_t n, zkv_fr *scratch) {
    for (size_t i = 0; i < n; i++) zinv[i] = pts[i].z;
    /* Z never vanishes (complete addition law), so this cannot fail. */
    zkv_fr_batch_inv(zinv, zinv, n, scratch);
    for (size_t i = 0; i < n; i++) fr_mul(&ys[i], &pts[i].y, &zinv[i]);
}

zkv_error zkv_bsgs_table_init(void *table, const zkv_bjj_affine *g, uint32_t baby_bits) {
    if (baby_bits < 1 || baby_bits > 30) return ZKV_BAD_ARGUMENT;
    if (((uintptr_t)table & 7) != 0) return ZKV_BAD_ARGUMENT;
    if (!zkv_bjj_is_on_curve(g)) return ZKV_NOT_ON_CURVE;
    /* Distinct j <= N must give distinct y: true exactly when g has the large prime order. */
    zkv_fr one;
    fr_set_one(&one);
    if (fr_is_zero(&g->x) && fr_equal(&g->y, &one)) return ZKV_BAD_ARGUMENT;
    if (!zkv_bjj_is_in_subgroup(g)) return ZKV_NOT_IN_SUBGROUP;

    bsgs_header *hd = (bsgs_header *)table;
    uint32_t slot_bits = baby_bits + 1;
    uint64_t *slots = bsgs_slots(table);
    memset(slots, 0, ((size_t)1 << slot_bits) * sizeof(uint64_t));

    zkv_bjj gx, cur;
    zkv_bjj_from_affine(&gx, g);
    bsgs_header h;
    memset(&h, 0, sizeof h);
    h.magic = BSGS_MAGIC;
    h.baby_bits = baby_bits;
    h.slot_bits = slot_bits;
    h.g = *g;
    zkv_bjj s = gx;
    for (uint32_t b = 0; b < slot_bits; b++) zkv_bjj_double(&s, &s); /* 2N * g */
    zkv_bjj_neg(&h.stride_neg, &s);

    /* Baby steps j*g, j = 0..N, in batches. */
    zkv_bjj pts[BSGS_BATCH];
    zkv_fr ys[BSGS_BATCH], zinv[BSGS_BATCH], scratch[BSGS_BATCH];
    uint64_t N = (uint64_t)1 << baby_bits;
    fr_set_zero(&cur.x);
    fr_set_one(&cur.y);
    fr_set_zero(&cur.t);
    fr_set_one(&cur.z);
    for (uint64_t j0 = 0; j0 <= N; j0 += BSGS_BATCH) {
        size_t n = (N + 1 - j0) < BSGS_BATCH ? (size_t)(N + 1 - j0) : BSGS_BATCH;
        for (size_t i = 0; i < n; i++) {
            pts[i] = cur;
            zkv_bjj_add(&cur, &cur, &gx);
        }
        bsgs_batch_y(ys, zinv, pts, n, scratch);
        for (size_t i = 0; i < n; i++) bsgs_insert(slots, slot_bits, &ys[i], j0 + i);
    }
    *hd = h;
    return ZKV_OK;
}

/* If c is +-j*g, set *sign to +1 or -1 and return 1. Only runs on fingerprint matches, so
 * the full normalisation (one inversion, one scalar multiplication) is affordable. */
static int bsgs_confirm(int *sign, const bsgs_header *hd, const zkv_bjj *c, uint64_t j) {
    uint8_t k[32] = {0};
    for (int b = 0; b < 8; b++) k[b] = (uint8_t)(j >> (8 * b));
    zkv_bjj gx, jg;
    zkv_bjj_affine ja, ca;
    zkv_bjj_from_affine(&gx, &hd->g);
    zkv_bjj_mul_vartime(&jg, &gx, k);
    zkv_bjj_to_affine(&ja, &jg);
    zkv_bjj_to_affine(&ca, c);
    if (!fr_equal(&ca.y, &ja.y)) return 0;
    if (fr_equal(&ca.x, &ja.x)) {
        *sign = 1;
        return 1;
    }
    zkv_fr nx;
    fr_neg(&nx, &ja.x);
    if (fr_equal(&ca.x, &nx)) {
        *sign = -1;
        return 1;
    }
    return 0;
}

zkv_error zkv_bsgs_solve_vartime(uint64_t *m, const void *table, const zkv_bjj_affine *h,
                                 uint64_t bound) {
    const bsgs_header *hd = (const bsgs_header *)table;
    if (((uintptr_t)table & 7) != 0 || hd->magic != BSGS_MAGIC) return ZKV_BAD_ARGUMENT;
    if (!zkv_bjj_is_on_curve(h)) return ZKV_NOT_ON_CURVE;
    if (bound == 0) return ZKV_NOT_FOUND;
    uint32_t slot_bits = hd->slot_bits;
    uint64_t N = (uint64_t)1 << hd->baby_bits;
    uint64_t S = 2 * N;
    /* giant steps i = 0..imax with imax*S - N <= bound - 1 */
    uint64_t q = (bound - 1) / S, rem = (bound - 1) % S;
    uint64_t imax = q + (rem + N >= S ? 1 : 0);
    if (imax >= BSGS_MAX_GIANT) return ZKV_BAD_ARGUMENT;

    const uint64_t *slots = bsgs_slots((void *)table);
    uint64_t mask = ((uint64_t)1 << slot_bits) - 1;
    zkv_bjj pts[BSGS_BATCH], cur;
    zkv_fr ys[BSGS_BATCH], zinv[BSGS_BATCH], scratch[BSGS_BATCH];
    zkv_bjj_from_affine(&cur, h);
    for (uint64_t i0 = 0; i0 <= imax; i0 += BSGS_BATCH) {
        size_t n = (imax + 1 - i0) < BSGS_BATCH ? (size_t)(imax + 1 - i0) : BSGS_BATCH;
        for (size_t i = 0; i < n; i++) {
            pts[i] = cur;
            zkv_bjj_add(&cur, &cur, &hd->stride_neg);
        }
        bsgs_batch_y(ys, zinv, pts, n, scratch);
        for (size_t i = 0; i < n; i++) {
            uint64_t tag = bsgs_tag(&ys[i]);
            for (uint64_t s = bsgs_index(&ys[i], slot_bits); slots[s] != 0; s = (s + 1) & mask) {
                if ((slots[s] >> 32) != tag) continue;
                uint64_t j = (slots[s] & 0xffffffffULL) - 1;
                int sign;
                if (!bsgs_confirm(&sign, hd, &pts[i], j)) continue;
                /* h = (i*S + sign*j) g; the log is unique mod l, and l far exceeds any bound,
                 * so a match outside [0, bound) means there is no answer in range. */
                uint64_t base = (i0 + i) * S;
                if (sign < 0 && j > base) return ZKV_NOT_FOUND;
                uint64_t cand = sign > 0 ? base + j : base - j;
                if (cand >= bound) return ZKV_NOT_FOUND;
                *m = cand;
                return ZKV_OK;
            }
        }
    }
    return ZKV_NOT_FOUND;
}
