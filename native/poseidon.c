/*
 * poseidon.c - circomlib's Poseidon hash over BN254's Fr (the hot path of Merkle trees).
 *
 * The constants are not compiled in: the caller (zkvote/_native/poseidon.py) loads circomlib's
 * round constants and MDS matrix for one width from the shipped table and hands them to
 * zkv_poseidon_ctx_init, which converts them to Montgomery form and derives the equivalent
 * "optimised" form of the Poseidon paper (eprint 2019/458, appendix B), the same transformation
 * circomlib's poseidon.circom uses:
 *  - round constants of the partial rounds are moved backwards through the linear layers, so
 *    that each partial round adds one constant, to state[0] only;
 *  - the MDS matrices of the partial rounds are factored so that each partial round multiplies
 *    by a sparse matrix (first row, first column, identity elsewhere: 2t - 1 multiplications
 *    instead of t^2) and one dense matrix P replaces the MDS of the last first-half full round.
 * The outputs are identical to the plain definition; tests/property checks them against the
 * Python reference, which follows the plain definition.
 *
 * Batches of 8 hashes run on AVX-512 IFMA when the compiler targets it (-march=native on a
 * CPU that has it; ZKV_NO_SIMD forces the scalar code), with lazy reduction: see psdv_permute.
 *
 * The permutation is constant-time in its inputs (no data-dependent branch or index).
 */
#include <string.h>

#include "field_impl.h"

#define PSD_MAX_T 17
#define PSD_MAX_RP 70
#define PSD_RF 8

typedef zkv_fr psd_mat[PSD_MAX_T][PSD_MAX_T];

#if defined(__AVX512F__) && defined(__AVX512IFMA__) && !defined(ZKV_NO_SIMD)
#define PSD_IFMA 1
#include <immintrin.h>
#endif

/* A field element for the IFMA path: 5 limbs of 52 bits, Montgomery form with R = 2^260. */
typedef uint64_t psd_l52[5];

/* The constants of psd_ctx in that form (kept in every build, so the context size does not
 * depend on the compiler flags). */
typedef struct {
    psd_l52 first_rc[PSD_MAX_T];
    psd_l52 full_rc[PSD_RF][PSD_MAX_T];
    psd_l52 partial_rc[PSD_MAX_RP];
    psd_l52 mds[PSD_MAX_T][PSD_MAX_T];
    psd_l52 pre_sparse[PSD_MAX_T][PSD_MAX_T];
    psd_l52 sparse_row[PSD_MAX_RP][PSD_MAX_T];
    psd_l52 sparse_col[PSD_MAX_RP][PSD_MAX_T];
    psd_l52 last_row[PSD_MAX_T]; /* mds[0][j] NOT in Montgomery form: the output leaves it */
} psdv_consts;

/* Derived parameters of one width; opaque to callers, who allocate
 * zkv_poseidon_ctx_sizeof() bytes (8-byte aligned). */
typedef struct {
    uint32_t t, rounds_p;
    zkv_fr first_rc[PSD_MAX_T];              /* added to the input state */
    zkv_fr full_rc[PSD_RF][PSD_MAX_T];       /* added after the matrix of full round k */
    zkv_fr partial_rc[PSD_MAX_RP];           /* added to state[0] after its S-box */
    psd_mat mds;                             /* the MDS of the full rounds */
    psd_mat pre_sparse;                      /* P: replaces the MDS of full round R_F/2 - 1 */
    zkv_fr sparse_row[PSD_MAX_RP][PSD_MAX_T];  /* out0 = sum_j row[j] * s[j] */
    zkv_fr sparse_col[PSD_MAX_RP][PSD_MAX_T];  /* out_i = s_i + col[i] * s0, i >= 1 */
    psdv_consts v;                           /* the same, for the 8-lane AVX-512 IFMA path */
} psd_ctx;

size_t zkv_poseidon_ctx_sizeof(void) { return sizeof(psd_ctx); }

/* ------------------------------------------------------------ helpers (public data only) */

static zkv_error psd_fr_read(zkv_fr *out, const uint8_t in[32]) {
    uint64_t l[4];
    limbs_from_le_bytes(l, in);
    if (!limbs_less_than(l, FR_MOD)) return ZKV_NOT_CANONICAL;
    mont_mul(out->l, l, FR_R2, FR_MOD, FR_INV);
    return ZKV_OK;
}

static void psd_fr_write(uint8_t out[32], const zkv_fr *a) {
    uint64_t l[4];
    fr_to_limbs(l, a);
    limbs_to_le_bytes(out, l);
}

/* a^(r-2): only used on public constants at set-up. */
static void psd_fr_inv(zkv_fr *out, const zkv_fr *a) {
    static const uint64_t e[4] = {0x43e1f593efffffffULL, 0x2833e84879b97091ULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL};
    zkv_fr acc;
    fr_set_one(&acc);
    for (int i = 255; i >= 0; i--) {
        fr_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fr_mul(&acc, &acc, a);
    }
    *out = acc;
}

static void psd_mat_mul(psd_mat out, const psd_mat a, const psd_mat b, uint32_t n) {
    psd_mat tmp;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            zkv_fr acc, prod;
            fr_set_zero(&acc);
            for (uint32_t k = 0; k < n; k++) {
                fr_mul(&prod, &a[i][k], &b[k][j]);
                fr_add(&acc, &acc, &prod);
            }
            tmp[i][j] = acc;
        }
    memcpy(out, tmp, sizeof tmp);
}

static void psd_mat_vec(zkv_fr *out, const psd_mat m, const zkv_fr *v, uint32_t n) {
    zkv_fr tmp[PSD_MAX_T];
    for (uint32_t i = 0; i < n; i++) {
        zkv_fr acc, prod;
        fr_set_zero(&acc);
        for (uint32_t j = 0; j < n; j++) {
            fr_mul(&prod, &m[i][j], &v[j]);
            fr_add(&acc, &acc, &prod);
        }
        tmp[i] = acc;
    }
    memcpy(out, tmp, n * sizeof(zkv_fr));
}

/* Inverse of the leading n x n block of a (Gauss-Jordan). Returns 0 if singular. */
static int psd_mat_inv(psd_mat out, const psd_mat a, uint32_t n) {
    psd_mat m;
    memcpy(m, a, sizeof m);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            if (i == j) fr_set_one(&out[i][j]);
            else fr_set_zero(&out[i][j]);
        }
    for (uint32_t col = 0; col < n; col++) {
        uint32_t piv = col;
        while (piv < n && fr_is_zero(&m[piv][col])) piv++;
        if (piv == n) return 0;
        for (uint32_t j = 0; j < n && piv != col; j++) {
            zkv_fr s = m[col][j];
            m[col][j] = m[piv][j];
            m[piv][j] = s;
            s = out[col][j];
            out[col][j] = out[piv][j];
            out[piv][j] = s;
        }
        zkv_fr inv, prod;
        psd_fr_inv(&inv, &m[col][col]);
        for (uint32_t j = 0; j < n; j++) {
            fr_mul(&m[col][j], &m[col][j], &inv);
            fr_mul(&out[col][j], &out[col][j], &inv);
        }
        for (uint32_t i = 0; i < n; i++) {
            if (i == col) continue;
            zkv_fr f = m[i][col];
            for (uint32_t j = 0; j < n; j++) {
                fr_mul(&prod, &f, &m[col][j]);
                fr_sub(&m[i][j], &m[i][j], &prod);
                fr_mul(&prod, &f, &out[col][j]);
                fr_sub(&out[i][j], &out[i][j], &prod);
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------ set-up */

/*
 * Plain definition, R = R_F + R_P rounds, h = R_F / 2: round k maps s to M * S_k(s + c_k),
 * S_k the x^5 layer on every element (full rounds k < h or k >= h + R_P) or on s[0] only.
 * Rewritten with constants after the matrix: s += c_0, then round k: s = M * S_k(s) + c_{k+1}
 * (c_R = 0).
 *
 * Constants: in partial round k, write c_{k+1} = M * u with u = M^-1 c_{k+1}; then
 * M * S_k(s) + c_{k+1} = M * (S_k(s) + u). The part of u on indices 1..t-1 commutes with S_k
 * (which only touches s[0]), so it moves to the input of round k, i.e. into c_k; u[0] stays as
 * the scalar added to s[0] after the S-box. Walking k from the last partial round down moves all
 * those constants into the post-matrix constant of the last first-half full round.
 *
 * Matrices: write N = [[n00, w^T], [v, N^]] = A * B with B = diag(1, N^) and the sparse
 * A = [[n00, w^T N^-1], [v, I]]. B does not touch s[0], so it commutes with the partial S-box
 * and moves to the previous round, whose matrix becomes B * M. Starting from N = M in the last
 * partial round and walking down, the first-half's last full round gets P = B * M and its
 * post-matrix constant becomes B * (that constant).
 */
static zkv_error psd_derive(psd_ctx *ctx, const zkv_fr *rc, const psd_mat m) {
    const uint32_t t = ctx->t, h = PSD_RF / 2, rp = ctx->rounds_p;
    const uint32_t rounds = PSD_RF + rp;
    psd_mat minv;
    if (!psd_mat_inv(minv, m, t)) return ZKV_BAD_ARGUMENT;
    memcpy(ctx->mds, m, sizeof(psd_mat));

    /* post[k] = constant added after the matrix of round k (= c_{k+1}); kept for the round
     * being absorbed and the one below it. */
    zkv_fr post[PSD_MAX_T], below[PSD_MAX_T], u[PSD_MAX_T];
    for (uint32_t i = 0; i < t; i++) ctx->first_rc[i] = rc[i];
    for (uint32_t k = 0; k < rounds; k++) {
        /* Full rounds keep their post constants; full round index f = k (first half) or
         * k - R_P (second half). */
        uint32_t f = k < h ? k : k - rp;
        if (k >= h && k < h + rp) continue;
        for (uint32_t i = 0; i < t; i++) {
            if (k + 1 < rounds) ctx->full_rc[f][i] = rc[(size_t)(k + 1) * t + i];
            else fr_set_zero(&ctx->full_rc[f][i]);
        }
    }
    /* Partial rounds from the last one down. */
    for (uint32_t i = 0; i < t; i++) post[i] = rc[(size_t)(h + rp) * t + i];
    for (uint32_t k = h + rp; k-- > h;) {
        for (uint32_t i = 0; i < t; i++) below[i] = rc[(size_t)k * t + i];
        psd_mat_vec(u, minv, post, t);
        ctx->partial_rc[k - h] = u[0];
        for (uint32_t i = 1; i < t; i++) fr_add(&below[i], &below[i], &u[i]);
        memcpy(post, below, sizeof post);
    }
    /* post is now the post-matrix constant of full round h-1 (before the B factor). */

    psd_mat n, hat, hat_inv, b;
    memcpy(n, m, sizeof n);
    for (uint32_t k = h + rp; k-- > h;) {
        uint32_t j = k - h;
        for (uint32_t r = 1; r < t; r++)
            for (uint32_t c = 1; c < t; c++) hat[r - 1][c - 1] = n[r][c];
        if (!psd_mat_inv(hat_inv, hat, t - 1)) return ZKV_BAD_ARGUMENT;
        ctx->sparse_row[j][0] = n[0][0];
        for (uint32_t c = 1; c < t; c++) {
            zkv_fr acc, prod;
            fr_set_zero(&acc);
            for (uint32_t r = 1; r < t; r++) {
                fr_mul(&prod, &n[0][r], &hat_inv[r - 1][c - 1]);
                fr_add(&acc, &acc, &prod);
            }
            ctx->sparse_row[j][c] = acc;
            ctx->sparse_col[j][c] = n[c][0];
        }
        fr_set_zero(&ctx->sparse_col[j][0]);
        memset(b, 0, sizeof b);
        fr_set_one(&b[0][0]);
        for (uint32_t r = 1; r < t; r++)
            for (uint32_t c = 1; c < t; c++) b[r][c] = n[r][c];
        psd_mat_mul(n, b, m, t);
    }
    memcpy(ctx->pre_sparse, n, sizeof n);
    psd_mat_vec(ctx->full_rc[h - 1], b, post, t);
    return ZKV_OK;
}

/* ------------------------------------------------------------ radix-2^52 constants */

static void psdv_from_limbs(psd_l52 out, const uint64_t a[4]) {
    const uint64_t m = (1ULL << 52) - 1;
    out[0] = a[0] & m;
    out[1] = ((a[0] >> 52) | (a[1] << 12)) & m;
    out[2] = ((a[1] >> 40) | (a[2] << 24)) & m;
    out[3] = ((a[2] >> 28) | (a[3] << 36)) & m;
    out[4] = a[3] >> 16;
}

/* x (Montgomery form for 2^256) to Montgomery form for 2^260: x * 2^260 = mont(x, 2^260). */
static void psdv_from_fr(psd_l52 out, const zkv_fr *x) {
    zkv_fr k;
    uint64_t l[4];
    fr_set_one(&k);
    for (int i = 0; i < 4; i++) fr_dbl(&k, &k); /* 16 * 2^256 = 2^260 (mod r), plain */
    mont_mul(l, x->l, k.l, FR_MOD, FR_INV);
    psdv_from_limbs(out, l);
}

static void psdv_setup(psd_ctx *ctx) {
    const uint32_t t = ctx->t;
    psdv_consts *v = &ctx->v;
    for (uint32_t i = 0; i < t; i++) {
        psdv_from_fr(v->first_rc[i], &ctx->first_rc[i]);
        for (uint32_t f = 0; f < PSD_RF; f++) psdv_from_fr(v->full_rc[f][i], &ctx->full_rc[f][i]);
        for (uint32_t j = 0; j < t; j++) {
            psdv_from_fr(v->mds[i][j], &ctx->mds[i][j]);
            psdv_from_fr(v->pre_sparse[i][j], &ctx->pre_sparse[i][j]);
        }
        for (uint32_t j = 0; j < ctx->rounds_p; j++) {
            psdv_from_fr(v->sparse_row[j][i], &ctx->sparse_row[j][i]);
            psdv_from_fr(v->sparse_col[j][i], &ctx->sparse_col[j][i]);
        }
        uint64_t l[4];
        fr_to_limbs(l, &ctx->mds[0][i]);
        psdv_from_limbs(v->last_row[i], l);
    }
    for (uint32_t j = 0; j < ctx->rounds_p; j++)
        psdv_from_fr(v->partial_rc[j], &ctx->partial_rc[j]);
}

zkv_error zkv_poseidon_ctx_init(void *ctx_mem, uint32_t t, uint32_t rounds_f, uint32_t rounds_p,
                                const uint8_t *constants, const uint8_t *mds) {
    psd_ctx *ctx = (psd_ctx *)ctx_mem;
    if (t < 2 || t > PSD_MAX_T || rounds_f != PSD_RF || rounds_p < 1 || rounds_p > PSD_MAX_RP)
        return ZKV_BAD_ARGUMENT;
    memset(ctx, 0, sizeof *ctx);
    ctx->t = t;
    ctx->rounds_p = rounds_p;
    zkv_fr rcs[(PSD_RF + PSD_MAX_RP) * PSD_MAX_T];
    size_t n_rc = (size_t)(rounds_f + rounds_p) * t;
    for (size_t i = 0; i < n_rc; i++) {
        zkv_error e = psd_fr_read(&rcs[i], constants + 32 * i);
        if (e != ZKV_OK) return e;
    }
    psd_mat m;
    for (uint32_t i = 0; i < t; i++)
        for (uint32_t j = 0; j < t; j++) {
            zkv_error e = psd_fr_read(&m[i][j], mds + 32 * ((size_t)i * t + j));
            if (e != ZKV_OK) return e;
        }
    zkv_error e = psd_derive(ctx, rcs, m);
    if (e == ZKV_OK) psdv_setup(ctx);
    return e;
}

/* ------------------------------------------------------------ the permutation */

static inline void psd_pow5(zkv_fr *x) {
    zkv_fr x2, x4;
    fr_sqr(&x2, x);
    fr_sqr(&x4, &x2);
    fr_mul(x, x, &x4);
}

/* The permutation runs on PSD_LANES independent states at once: each step is written as a loop
 * over the lanes, so the multiplications of different hashes interleave and the out-of-order
 * core overlaps their (otherwise serial) latency chains. */
#define PSD_LANES 4

typedef zkv_fr psd_state[PSD_MAX_T];

static inline __attribute__((always_inline)) void psd_dense(psd_state *s, const psd_mat m,
                                                            uint32_t t, int lanes) {
    psd_state out[PSD_LANES];
    zkv_fr prod;
    for (uint32_t i = 0; i < t; i++) {
        for (int l = 0; l < lanes; l++) fr_mul(&out[l][i], &m[i][0], &s[l][0]);
        for (uint32_t j = 1; j < t; j++)
            for (int l = 0; l < lanes; l++) {
                fr_mul(&prod, &m[i][j], &s[l][j]);
                fr_add(&out[l][i], &out[l][i], &prod);
            }
    }
    for (int l = 0; l < lanes; l++) memcpy(s[l], out[l], t * sizeof(zkv_fr));
}

/* Hash states s[0..lanes-1] (t elements each, [0] the capacity) in place; [0] is the output. */
static inline __attribute__((always_inline)) void psd_permute(const psd_ctx *ctx, psd_state *s,
                                                              int lanes) {
    const uint32_t t = ctx->t, h = PSD_RF / 2;
    for (uint32_t i = 0; i < t; i++)
        for (int l = 0; l < lanes; l++) fr_add(&s[l][i], &s[l][i], &ctx->first_rc[i]);
    for (uint32_t f = 0; f < h; f++) {
        for (uint32_t i = 0; i < t; i++)
            for (int l = 0; l < lanes; l++) psd_pow5(&s[l][i]);
        psd_dense(s, f == h - 1 ? ctx->pre_sparse : ctx->mds, t, lanes);
        for (uint32_t i = 0; i < t; i++)
            for (int l = 0; l < lanes; l++) fr_add(&s[l][i], &s[l][i], &ctx->full_rc[f][i]);
    }
    for (uint32_t j = 0; j < ctx->rounds_p; j++) {
        zkv_fr s0[PSD_LANES], acc[PSD_LANES], prod;
        for (int l = 0; l < lanes; l++) {
            psd_pow5(&s[l][0]);
            fr_add(&s0[l], &s[l][0], &ctx->partial_rc[j]);
            fr_mul(&acc[l], &ctx->sparse_row[j][0], &s0[l]);
        }
        for (uint32_t i = 1; i < t; i++)
            for (int l = 0; l < lanes; l++) {
                fr_mul(&prod, &ctx->sparse_row[j][i], &s[l][i]);
                fr_add(&acc[l], &acc[l], &prod);
                fr_mul(&prod, &ctx->sparse_col[j][i], &s0[l]);
                fr_add(&s[l][i], &s[l][i], &prod);
            }
        for (int l = 0; l < lanes; l++) s[l][0] = acc[l];
    }
    for (uint32_t f = h; f < PSD_RF - 1; f++) {
        for (uint32_t i = 0; i < t; i++)
            for (int l = 0; l < lanes; l++) psd_pow5(&s[l][i]);
        psd_dense(s, ctx->mds, t, lanes);
        for (uint32_t i = 0; i < t; i++)
            for (int l = 0; l < lanes; l++) fr_add(&s[l][i], &s[l][i], &ctx->full_rc[f][i]);
    }
    /* last round: only row 0 of the matrix is needed (circomlib outputs state[0]) */
    for (uint32_t i = 0; i < t; i++)
        for (int l = 0; l < lanes; l++) psd_pow5(&s[l][i]);
    for (int l = 0; l < lanes; l++) {
        zkv_fr acc, prod;
        fr_mul(&acc, &ctx->mds[0][0], &s[l][0]);
        for (uint32_t j = 1; j < t; j++) {
            fr_mul(&prod, &ctx->mds[0][j], &s[l][j]);
            fr_add(&acc, &acc, &prod);
        }
        s[l][0] = acc;
    }
}

static void psd_permute_1(const psd_ctx *ctx, psd_state *s) { psd_permute(ctx, s, 1); }
static void psd_permute_n(const psd_ctx *ctx, psd_state *s) { psd_permute(ctx, s, PSD_LANES); }

#ifdef PSD_IFMA
/* ------------------------------------------------------------ 8 hashes at once (AVX-512 IFMA)
 *
 * One __m512i holds the same limb of 8 field elements, so each vpmadd52 instruction does 8
 * limb products; this runs several times faster per hash than the scalar mulx code.
 *
 * Reduction is lazy. A matrix row is summed as unreduced products (10 columns of 52-bit
 * weight, each a 64-bit lane with room for hundreds of 104-bit partial products) and reduced
 * once; constants added after a product are folded in by adding c * 2^260 (c shifted by five
 * columns) before that reduction. Values are not fully reduced: Montgomery reduction of T
 * returns a value below T / 2^260 + r, and since r^2 / 2^260 < r / 84 the values stay small
 * multiples of r. The one place they grow is s_i += col_i * s0 in the partial rounds (about r
 * per round), so those elements are brought back below 2r every 16 partial rounds, which keeps
 * every value far below 2^260 (= 84.6 r), the limit of five normalised 52-bit limbs.
 */
typedef __m512i psdv_v;
typedef struct { psdv_v l[5]; } psdv_fe;   /* 8 lanes; limbs < 2^52 */
typedef struct { psdv_v c[10]; } psdv_acc; /* sum of products, column k has weight 2^(52k) */

#define PSDV_MASK 0xfffffffffffffULL
#define PSDV_INV 0x1f593efffffffULL /* -r^-1 mod 2^52 */
static const psd_l52 PSDV_MOD = {0x1f593f0000001ULL, 0x4879b9709143eULL, 0x181585d2833e8ULL,
                                 0xa029b85045b68ULL, 0x030644e72e131ULL};
static const psd_l52 PSDV_R2 = {0x0b852d16da6f5ULL, 0xc621620cddce3ULL, 0xaf1b95343ffb6ULL,
                                0xc3c15e103e7c2ULL, 0x00281528fa122ULL}; /* 2^520 mod r */
static const psd_l52 PSDV_ONE = {0xb6b753fffffacULL, 0x380f271055b9dULL, 0x18f016ecef7c8ULL,
                                 0x724f85a9201d8ULL, 0x01f16424e1bb7ULL}; /* 2^260 mod r */

static inline psdv_v psdv_bc(uint64_t x) { return _mm512_set1_epi64((long long)x); }

static inline void psdv_zero(psdv_acc *a) {
    for (int k = 0; k < 10; k++) a->c[k] = _mm512_setzero_si512();
}

/* a += x * y for a constant y (the same in every lane) */
static inline void psdv_mul_add(psdv_acc *a, const psdv_fe *x, const psd_l52 y) {
    for (int j = 0; j < 5; j++) {
        psdv_v yj = psdv_bc(y[j]);
        for (int i = 0; i < 5; i++) {
            a->c[i + j] = _mm512_madd52lo_epu64(a->c[i + j], x->l[i], yj);
            a->c[i + j + 1] = _mm512_madd52hi_epu64(a->c[i + j + 1], x->l[i], yj);
        }
    }
}

static inline void psdv_mul_add_v(psdv_acc *a, const psdv_fe *x, const psdv_fe *y) {
    for (int j = 0; j < 5; j++)
        for (int i = 0; i < 5; i++) {
            a->c[i + j] = _mm512_madd52lo_epu64(a->c[i + j], x->l[i], y->l[j]);
            a->c[i + j + 1] = _mm512_madd52hi_epu64(a->c[i + j + 1], x->l[i], y->l[j]);
        }
}

/* a = x^2: the cross products once, doubled (15 limb products instead of 25) */
static inline void psdv_sqr(psdv_acc *a, const psdv_fe *x) {
    psdv_zero(a);
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++) {
            a->c[i + j] = _mm512_madd52lo_epu64(a->c[i + j], x->l[i], x->l[j]);
            a->c[i + j + 1] = _mm512_madd52hi_epu64(a->c[i + j + 1], x->l[i], x->l[j]);
        }
    for (int k = 0; k < 10; k++) a->c[k] = _mm512_add_epi64(a->c[k], a->c[k]);
    for (int i = 0; i < 5; i++) {
        a->c[2 * i] = _mm512_madd52lo_epu64(a->c[2 * i], x->l[i], x->l[i]);
        a->c[2 * i + 1] = _mm512_madd52hi_epu64(a->c[2 * i + 1], x->l[i], x->l[i]);
    }
}

/* a += c * 2^260, i.e. c after the reduction */
static inline void psdv_add_after(psdv_acc *a, const psd_l52 c) {
    for (int k = 0; k < 5; k++) a->c[5 + k] = _mm512_add_epi64(a->c[5 + k], psdv_bc(c[k]));
}

static inline void psdv_add_after_v(psdv_acc *a, const psdv_fe *c) {
    for (int k = 0; k < 5; k++) a->c[5 + k] = _mm512_add_epi64(a->c[5 + k], c->l[k]);
}

/* out = a / 2^260 mod r (Montgomery reduction, lazy: below a / 2^260 + r), limbs normalised */
static inline void psdv_redc(psdv_fe *out, psdv_acc *a) {
    const psdv_v inv = psdv_bc(PSDV_INV), mask = psdv_bc(PSDV_MASK);
    for (int i = 0; i < 5; i++) {
        /* only the low 52 bits of column i matter for q; the multiple q * r clears them */
        psdv_v q = _mm512_madd52lo_epu64(_mm512_setzero_si512(), a->c[i], inv);
        for (int j = 0; j < 5; j++) {
            psdv_v mj = psdv_bc(PSDV_MOD[j]);
            a->c[i + j] = _mm512_madd52lo_epu64(a->c[i + j], q, mj);
            a->c[i + j + 1] = _mm512_madd52hi_epu64(a->c[i + j + 1], q, mj);
        }
        a->c[i + 1] = _mm512_add_epi64(a->c[i + 1], _mm512_srli_epi64(a->c[i], 52));
    }
    for (int k = 0; k < 4; k++) {
        out->l[k] = _mm512_and_si512(a->c[5 + k], mask);
        a->c[6 + k] = _mm512_add_epi64(a->c[6 + k], _mm512_srli_epi64(a->c[5 + k], 52));
    }
    out->l[4] = a->c[9];
}

/* x = x^5 (+ c * 2^0 after the last multiplication when c is given) */
static inline void psdv_pow5(psdv_fe *x, const uint64_t *c) {
    psdv_acc a;
    psdv_fe x2, x4;
    psdv_sqr(&a, x);
    psdv_redc(&x2, &a);
    psdv_sqr(&a, &x2);
    psdv_redc(&x4, &a);
    psdv_zero(&a);
    psdv_mul_add_v(&a, x, &x4);
    if (c) psdv_add_after(&a, c);
    psdv_redc(x, &a);
}

static void psdv_full_round(psdv_fe *s, uint32_t t, const psd_l52 m[PSD_MAX_T][PSD_MAX_T],
                            const psd_l52 *rc) {
    psdv_fe out[PSD_MAX_T];
    psdv_acc a;
    for (uint32_t i = 0; i < t; i++) psdv_pow5(&s[i], NULL);
    for (uint32_t i = 0; i < t; i++) {
        psdv_zero(&a);
        for (uint32_t j = 0; j < t; j++) psdv_mul_add(&a, &s[j], m[i][j]);
        psdv_add_after(&a, rc[i]);
        psdv_redc(&out[i], &a);
    }
    memcpy(s, out, t * sizeof(psdv_fe));
}

/* The permutation of psd_permute on 8 states; s[i] holds canonical (not Montgomery) values on
 * entry, and s[0] holds the canonical output, below 2r, on exit. */
static void psdv_permute(const psd_ctx *ctx, psdv_fe *s) {
    const psdv_consts *v = &ctx->v;
    const uint32_t t = ctx->t, h = PSD_RF / 2;
    psdv_acc a;
    for (uint32_t i = 0; i < t; i++) { /* to Montgomery form, plus the first constants */
        psdv_zero(&a);
        psdv_mul_add(&a, &s[i], PSDV_R2);
        psdv_add_after(&a, v->first_rc[i]);
        psdv_redc(&s[i], &a);
    }
    for (uint32_t f = 0; f < h; f++)
        psdv_full_round(s, t, f == h - 1 ? v->pre_sparse : v->mds, v->full_rc[f]);
    for (uint32_t j = 0; j < ctx->rounds_p; j++) {
        psdv_acc a0;
        psdv_pow5(&s[0], v->partial_rc[j]);
        psdv_zero(&a0);
        for (uint32_t k = 0; k < t; k++) psdv_mul_add(&a0, &s[k], v->sparse_row[j][k]);
        for (uint32_t i = 1; i < t; i++) {
            psdv_zero(&a);
            psdv_mul_add(&a, &s[0], v->sparse_col[j][i]);
            if ((j & 15) == 15) psdv_mul_add(&a, &s[i], PSDV_ONE); /* bring s_i below 2r */
            else psdv_add_after_v(&a, &s[i]);
            psdv_redc(&s[i], &a);
        }
        psdv_redc(&s[0], &a0);
    }
    for (uint32_t f = h; f < PSD_RF - 1; f++) psdv_full_round(s, t, v->mds, v->full_rc[f]);
    for (uint32_t i = 0; i < t; i++) psdv_pow5(&s[i], NULL);
    psdv_zero(&a); /* last row with mds[0][j] outside Montgomery form: the result leaves it */
    for (uint32_t j = 0; j < t; j++) psdv_mul_add(&a, &s[j], v->last_row[j]);
    psdv_redc(&s[0], &a);
}

/* 8 hashes; ZKV_NOT_CANONICAL (nothing written) if an input is >= r */
static zkv_error psdv_hash8(uint8_t *out, const psd_ctx *ctx, const uint8_t *inputs,
                            size_t n_inputs) {
    uint64_t lanes[PSD_MAX_T][5][8];
    psdv_fe s[PSD_MAX_T];
    for (int l = 0; l < 8; l++) {
        for (int k = 0; k < 5; k++) lanes[0][k][l] = 0;
        for (size_t i = 0; i < n_inputs; i++) {
            uint64_t x[4];
            psd_l52 y;
            limbs_from_le_bytes(x, inputs + 32 * (n_inputs * (size_t)l + i));
            if (!limbs_less_than(x, FR_MOD)) return ZKV_NOT_CANONICAL;
            psdv_from_limbs(y, x);
            for (int k = 0; k < 5; k++) lanes[i + 1][k][l] = y[k];
        }
    }
    for (size_t i = 0; i <= n_inputs; i++)
        for (int k = 0; k < 5; k++) s[i].l[k] = _mm512_loadu_si512(lanes[i][k]);
    psdv_permute(ctx, s);
    for (int k = 0; k < 5; k++) _mm512_storeu_si512(lanes[0][k], s[0].l[k]);
    for (int l = 0; l < 8; l++) {
        const uint64_t *y[5] = {&lanes[0][0][l], &lanes[0][1][l], &lanes[0][2][l],
                                &lanes[0][3][l], &lanes[0][4][l]};
        uint64_t x[4] = {*y[0] | (*y[1] << 52), (*y[1] >> 12) | (*y[2] << 40),
                         (*y[2] >> 24) | (*y[3] << 28), (*y[3] >> 36) | (*y[4] << 16)};
        mont_reduce_once(x, x, FR_MOD);
        limbs_to_le_bytes(out + 32 * l, x);
    }
    return ZKV_OK;
}
#endif

/* ------------------------------------------------------------ public entry points */

zkv_error zkv_poseidon_hash(uint8_t out[32], const void *ctx_mem, const uint8_t *inputs,
                            size_t n_inputs) {
    return zkv_poseidon_hash_many(out, ctx_mem, inputs, n_inputs, 1);
}

zkv_error zkv_poseidon_hash_many(uint8_t *out, const void *ctx_mem, const uint8_t *inputs,
                                 size_t n_inputs, size_t count) {
    const psd_ctx *ctx = (const psd_ctx *)ctx_mem;
    if (n_inputs + 1 != ctx->t) return ZKV_BAD_ARGUMENT;
    psd_state s[PSD_LANES];
    size_t k = 0;
#ifdef PSD_IFMA
    for (; count - k >= 8; k += 8) {
        zkv_error e = psdv_hash8(out + 32 * k, ctx, inputs + 32 * n_inputs * k, n_inputs);
        if (e != ZKV_OK) break; /* the scalar loop below writes the valid hashes of this group */
    }
#endif
    while (k < count) {
        int lanes = count - k >= PSD_LANES ? PSD_LANES : 1;
        for (int l = 0; l < lanes; l++) {
            const uint8_t *in = inputs + 32 * n_inputs * (k + (size_t)l);
            zkv_error e = ZKV_OK;
            fr_set_zero(&s[l][0]);
            for (size_t i = 0; i < n_inputs && e == ZKV_OK; i++)
                e = psd_fr_read(&s[l][i + 1], in + 32 * i);
            if (e != ZKV_OK) {
                if (l == 0) return e;
                lanes = 1; /* hash the valid ones before the bad one, one at a time */
            }
        }
        if (lanes == PSD_LANES) psd_permute_n(ctx, s);
        else psd_permute_1(ctx, s);
        for (int l = 0; l < lanes; l++) psd_fr_write(out + 32 * (k + (size_t)l), &s[l][0]);
        k += (size_t)lanes;
    }
    return ZKV_OK;
}
