/* Groth16 prover kernels for snarkjs proving keys (.zkey).
 *
 * snarkjs stores field elements in Montgomery form with R = 2^256, the same limbs the core
 * keeps in memory: a point coordinate x is stored as x*R mod p (our zkv_fq of x), a matrix
 * coefficient v as v*R^2 mod r (one factor R more than our zkv_fr of v). The loaders below
 * therefore only copy and check; the evaluation folds the extra R away once per row. */
#include <string.h>

#include "field_impl.h"
#include "zkv.h"

#define PRV_COEF_BYTES 44 /* u32 matrix, u32 row, u32 signal, 32-byte value */

static uint32_t prv_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

zkv_error zkv_groth16_check_coefficients(const uint8_t *coefs, size_t count, size_t n_rows,
                                         size_t n_wires, size_t *bad_index) {
    for (size_t i = 0; i < count; i++) {
        const uint8_t *c = coefs + i * PRV_COEF_BYTES;
        uint64_t v[4];
        limbs_from_le_bytes(v, c + 12);
        zkv_error rc = ZKV_OK;
        if (prv_u32(c) > 1 || prv_u32(c + 4) >= n_rows || prv_u32(c + 8) >= n_wires)
            rc = ZKV_BAD_ENCODING;
        else if (!limbs_less_than(v, FR_MOD))
            rc = ZKV_NOT_CANONICAL;
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

zkv_error zkv_groth16_eval_ab(zkv_fr *a, zkv_fr *b, zkv_fr *c, size_t n_rows,
                              const uint8_t *coefs, size_t count, const zkv_fr *witness,
                              size_t n_wires) {
    if (zkv_groth16_check_coefficients(coefs, count, n_rows, n_wires, NULL) != ZKV_OK)
        return ZKV_BAD_ARGUMENT;
    memset(a, 0, n_rows * sizeof *a);
    memset(b, 0, n_rows * sizeof *b);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *e = coefs + i * PRV_COEF_BYTES;
        zkv_fr v, t;
        limbs_from_le_bytes(v.l, e + 12);
        /* (v R^2)(w R)/R = (v w R) R: each product carries one extra R, removed per row. */
        fr_mul(&t, &v, &witness[prv_u32(e + 8)]);
        zkv_fr *acc = prv_u32(e) == 0 ? &a[prv_u32(e + 4)] : &b[prv_u32(e + 4)];
        fr_add(acc, acc, &t);
    }
    const zkv_fr plain_one = {{1, 0, 0, 0}}; /* Montgomery multiplication by 1 divides by R */
    for (size_t i = 0; i < n_rows; i++) {
        fr_mul(&a[i], &a[i], &plain_one);
        fr_mul(&b[i], &b[i], &plain_one);
        fr_mul(&c[i], &a[i], &b[i]);
    }
    return ZKV_OK;
}

zkv_error zkv_groth16_h_odd(zkv_fr *a, zkv_fr *b, zkv_fr *c, uint32_t log_n) {
    zkv_fr shift;
    zkv_error rc = zkv_fr_root_of_unity(&shift, log_n + 1);
    if (rc != ZKV_OK) return rc;
    zkv_fr *vs[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        /* Evaluations on <w_n> -> coefficients -> evaluations on w_2n * <w_n>, where
         * x^n - 1 = -2 is constant (snarkjs's odd coset). */
        if ((rc = zkv_fr_ntt(vs[k], log_n, 1)) != ZKV_OK) return rc;
        if ((rc = zkv_fr_ntt_coset(vs[k], log_n, &shift, 0)) != ZKV_OK) return rc;
    }
    size_t n = (size_t)1 << log_n;
    for (size_t i = 0; i < n; i++) {
        fr_mul(&a[i], &a[i], &b[i]);
        fr_sub(&a[i], &a[i], &c[i]);
    }
    return ZKV_OK;
}

/* snarkjs's point bytes are our in-memory limbs: copy, then check range and curve. */
static int prv_fq_load(zkv_fq *out, const uint8_t in[32]) {
    limbs_from_le_bytes(out->l, in);
    return limbs_less_than(out->l, FQ_MOD);
}

zkv_error zkv_g1_affine_array_from_mont_bytes(zkv_g1_affine *out, const uint8_t *in, size_t n,
                                              size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = in + 64 * i;
        zkv_error rc = ZKV_OK;
        if (!prv_fq_load(&out[i].x, p) || !prv_fq_load(&out[i].y, p + 32))
            rc = ZKV_NOT_CANONICAL;
        else if (!zkv_g1_is_on_curve(&out[i]))
            rc = ZKV_NOT_ON_CURVE;
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

zkv_error zkv_g2_affine_array_from_mont_bytes(zkv_g2_affine *out, const uint8_t *in, size_t n,
                                              int check_subgroup, size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = in + 128 * i;
        zkv_error rc = ZKV_OK;
        if (!prv_fq_load(&out[i].x.c0, p) || !prv_fq_load(&out[i].x.c1, p + 32)
            || !prv_fq_load(&out[i].y.c0, p + 64) || !prv_fq_load(&out[i].y.c1, p + 96))
            rc = ZKV_NOT_CANONICAL;
        else if (!zkv_g2_is_on_curve(&out[i]))
            rc = ZKV_NOT_ON_CURVE;
        else if (check_subgroup && !zkv_g2_is_in_subgroup(&out[i]))
            rc = ZKV_NOT_IN_SUBGROUP;
        if (rc != ZKV_OK) {
            if (bad_index) *bad_index = i;
            return rc;
        }
    }
    return ZKV_OK;
}

void zkv_g1_affine_array_to_mont_bytes(uint8_t *out, const zkv_g1_affine *in, size_t n) {
    for (size_t i = 0; i < n; i++) {
        limbs_to_le_bytes(out + 64 * i, in[i].x.l);
        limbs_to_le_bytes(out + 64 * i + 32, in[i].y.l);
    }
}

/* ------------------------------------------------------------ linear-combination tables */
/* LC k of a table is sum coeffs[t] * w[wires[t]] over t in [start[k], start[k+1]). The
 * evaluation checks every index it follows (the table and program come from Python, and a
 * bad index must be an error, not a stray read), at the cost of a compare per term. */
static int prv_lc_eval(zkv_fr *out, const uint64_t *start, size_t k, const uint32_t *wires,
                       const zkv_fr *coeffs, size_t n_terms, const zkv_fr *w, size_t n_wires) {
    uint64_t lo = start[k], hi = start[k + 1];
    if (lo > hi || hi > n_terms) return 0;
    zkv_fr acc, t;
    fr_set_zero(&acc);
    for (uint64_t i = lo; i < hi; i++) {
        uint32_t wire = wires[i];
        if (wire >= n_wires) return 0;
        fr_mul(&t, &coeffs[i], &w[wire]);
        fr_add(&acc, &acc, &t);
    }
    *out = acc;
    return 1;
}

zkv_error zkv_lc_table_check(const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                             size_t n_terms, size_t n_wires, size_t *bad_index) {
    if (start[0] != 0 || start[n_lcs] != n_terms) {
        if (bad_index) *bad_index = start[0] != 0 ? 0 : n_lcs;
        return ZKV_BAD_ARGUMENT;
    }
    for (size_t k = 0; k < n_lcs; k++) {
        int ok = start[k] <= start[k + 1];
        for (uint64_t i = start[k]; ok && i < start[k + 1]; i++) ok = wires[i] < n_wires;
        if (!ok) {
            if (bad_index) *bad_index = k;
            return ZKV_BAD_ARGUMENT;
        }
    }
    return ZKV_OK;
}

zkv_error zkv_groth16_eval_abc(zkv_fr *a, zkv_fr *b, zkv_fr *c, size_t n_rows,
                               const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                               const zkv_fr *coeffs, size_t n_terms, const zkv_fr *witness,
                               size_t n_wires, size_t *first_unsatisfied) {
    if (n_lcs % 3 != 0 || n_lcs / 3 > n_rows || start[0] != 0 || start[n_lcs] != n_terms)
        return ZKV_BAD_ARGUMENT;
    size_t m = n_lcs / 3, bad = n_rows;
    for (size_t i = 0; i < m; i++) {
        if (!prv_lc_eval(&a[i], start, 3 * i, wires, coeffs, n_terms, witness, n_wires)
            || !prv_lc_eval(&b[i], start, 3 * i + 1, wires, coeffs, n_terms, witness, n_wires)
            || !prv_lc_eval(&c[i], start, 3 * i + 2, wires, coeffs, n_terms, witness, n_wires))
            return ZKV_BAD_ARGUMENT;
        if (bad == n_rows) {
            zkv_fr ab;
            fr_mul(&ab, &a[i], &b[i]);
            if (!fr_equal(&ab, &c[i])) bad = i;
        }
    }
    memset(a + m, 0, (n_rows - m) * sizeof *a);
    memset(b + m, 0, (n_rows - m) * sizeof *b);
    memset(c + m, 0, (n_rows - m) * sizeof *c);
    *first_unsatisfied = bad;
    return ZKV_OK;
}

zkv_error zkv_groth16_column_sums(zkv_fr *u, zkv_fr *v, zkv_fr *w, size_t n_wires,
                                  const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                                  const zkv_fr *coeffs, size_t n_terms, const zkv_fr *lagrange,
                                  size_t n_rows) {
    if (n_lcs % 3 != 0 || n_lcs / 3 > n_rows) return ZKV_BAD_ARGUMENT;
    zkv_error rc = zkv_lc_table_check(start, n_lcs, wires, n_terms, n_wires, NULL);
    if (rc != ZKV_OK) return rc;
    zkv_fr *out[3] = {u, v, w};
    for (int k = 0; k < 3; k++) memset(out[k], 0, n_wires * sizeof(zkv_fr));
    for (size_t lc = 0; lc < n_lcs; lc++) {
        zkv_fr *col = out[lc % 3];
        const zkv_fr *l = &lagrange[lc / 3];
        for (uint64_t i = start[lc]; i < start[lc + 1]; i++) {
            zkv_fr t;
            fr_mul(&t, &coeffs[i], l);
            fr_add(&col[wires[i]], &col[wires[i]], &t);
        }
    }
    return ZKV_OK;
}

/* ------------------------------------------------------------ witness programs */
enum { PRV_OP_MUL = 0, PRV_OP_LC = 1, PRV_OP_HINT = 2, PRV_OP_CHECK = 3 };

/* Length in words of the op at code[pc] (0 if malformed or truncated). */
static size_t prv_op_len(const uint32_t *code, size_t n_code, size_t pc) {
    size_t left = n_code - pc;
    switch (code[pc]) {
    case PRV_OP_MUL: return left >= 4 ? 4 : 0;
    case PRV_OP_LC: return left >= 3 ? 3 : 0;
    case PRV_OP_CHECK: return left >= 5 ? 5 : 0;
    case PRV_OP_HINT: {
        if (left < 4) return 0;
        size_t n_in = code[pc + 2];
        if (left < 4 + n_in) return 0;
        size_t n_out = code[pc + 3 + n_in];
        return left >= 4 + n_in + n_out ? 4 + n_in + n_out : 0;
    }
    default: return 0;
    }
}

zkv_error zkv_witness_run(zkv_fr *w, size_t n_wires, const uint32_t *code, size_t n_code,
                          const uint64_t *start, size_t n_lcs, const uint32_t *wires,
                          const zkv_fr *coeffs, size_t n_terms, size_t *pc, int resume,
                          const uint8_t *hint_out, size_t n_hint_out, uint8_t *hint_in,
                          size_t hint_in_cap, uint32_t *status) {
    size_t p = *pc;
    if (start[n_lcs] != n_terms) return ZKV_BAD_ARGUMENT;
    if (resume) {
        /* store the outputs of the hint the caller computed, then step over it */
        size_t len = p < n_code ? prv_op_len(code, n_code, p) : 0;
        if (len == 0 || code[p] != PRV_OP_HINT) return ZKV_BAD_ARGUMENT;
        size_t n_in = code[p + 2], n_out = code[p + 3 + n_in];
        if (n_out != n_hint_out) return ZKV_BAD_ARGUMENT;
        for (size_t k = 0; k < n_out; k++) {
            uint32_t wire = code[p + 4 + n_in + k];
            zkv_fr value;
            if (wire >= n_wires || zkv_fr_from_bytes(&value, hint_out + 32 * k) != ZKV_OK)
                return ZKV_BAD_ARGUMENT;
            w[wire] = value;
        }
        p += len;
    }
    while (p < n_code) {
        size_t len = prv_op_len(code, n_code, p);
        if (len == 0) {
            *pc = p;
            return ZKV_BAD_ARGUMENT;
        }
        const uint32_t *op = code + p;
        zkv_fr x, y, z;
        int ok = 1;
        switch (op[0]) {
        case PRV_OP_MUL:
            ok = op[1] < n_wires && op[2] < n_lcs && op[3] < n_lcs
                 && prv_lc_eval(&x, start, op[2], wires, coeffs, n_terms, w, n_wires)
                 && prv_lc_eval(&y, start, op[3], wires, coeffs, n_terms, w, n_wires);
            if (ok) fr_mul(&w[op[1]], &x, &y);
            break;
        case PRV_OP_LC:
            ok = op[1] < n_wires && op[2] < n_lcs
                 && prv_lc_eval(&w[op[1]], start, op[2], wires, coeffs, n_terms, w, n_wires);
            break;
        case PRV_OP_CHECK:
            ok = op[2] < n_lcs && op[3] < n_lcs && op[4] < n_lcs
                 && prv_lc_eval(&x, start, op[2], wires, coeffs, n_terms, w, n_wires)
                 && prv_lc_eval(&y, start, op[3], wires, coeffs, n_terms, w, n_wires)
                 && prv_lc_eval(&z, start, op[4], wires, coeffs, n_terms, w, n_wires);
            if (ok) {
                fr_mul(&x, &x, &y);
                if (!fr_equal(&x, &z)) {
                    *pc = p;
                    *status = 2;
                    return ZKV_OK;
                }
            }
            break;
        default: { /* PRV_OP_HINT: evaluate the inputs and hand over to the caller */
            size_t n_in = op[2];
            if (n_in > hint_in_cap) {
                ok = 0;
                break;
            }
            for (size_t k = 0; ok && k < n_in; k++) {
                ok = op[3 + k] < n_lcs
                     && prv_lc_eval(&x, start, op[3 + k], wires, coeffs, n_terms, w, n_wires);
                if (ok) zkv_fr_to_bytes(hint_in + 32 * k, &x);
            }
            if (ok) {
                *pc = p;
                *status = 1;
                return ZKV_OK;
            }
        }
        }
        if (!ok) {
            *pc = p;
            return ZKV_BAD_ARGUMENT;
        }
        p += len;
    }
    *pc = p;
    *status = 0;
    return ZKV_OK;
}

/* ------------------------------------------------------------ sparse prover MSMs */
/* Groth16 witnesses are sparse: many wires are 0 or 1 (bits, flags) and many key points are
 * the identity (wires absent from a matrix). Dropping those terms and adding the scalar-1
 * points directly leaves the MSM only the general terms, so its window fits their number. */
static int prv_scalar_kind(const uint8_t *s) { /* 0: zero, 1: one, 2: other */
    uint8_t rest = 0;
    for (int i = 1; i < 32; i++) rest |= s[i];
    if (rest) return 2;
    return s[0] > 1 ? 2 : s[0];
}

static int prv_limbs_zero(const uint64_t *l, size_t n) {
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= l[i];
    return acc == 0;
}

void zkv_g1_msm_compact_vartime(zkv_g1_affine *out_points, uint8_t *out_scalars, size_t *m,
                                zkv_g1 *ones, const zkv_g1_affine *points,
                                const uint8_t *scalars, size_t n) {
    size_t k = 0;
    zkv_g1_affine zero;
    memset(&zero, 0, sizeof zero);
    zkv_g1_from_affine(ones, &zero);
    for (size_t i = 0; i < n; i++) {
        int kind = prv_scalar_kind(scalars + 32 * i);
        if (kind == 0 || (prv_limbs_zero(points[i].x.l, 4) && prv_limbs_zero(points[i].y.l, 4))) continue;
        if (kind == 1) {
            zkv_g1_add_affine(ones, ones, &points[i]);
            continue;
        }
        out_points[k] = points[i];
        memcpy(out_scalars + 32 * k, scalars + 32 * i, 32);
        k++;
    }
    *m = k;
}

void zkv_g2_msm_compact_vartime(zkv_g2_affine *out_points, uint8_t *out_scalars, size_t *m,
                                zkv_g2 *ones, const zkv_g2_affine *points,
                                const uint8_t *scalars, size_t n) {
    size_t k = 0;
    zkv_g2_affine zero;
    memset(&zero, 0, sizeof zero);
    zkv_g2_from_affine(ones, &zero);
    for (size_t i = 0; i < n; i++) {
        int kind = prv_scalar_kind(scalars + 32 * i);
        if (kind == 0 || (prv_limbs_zero(points[i].x.c0.l, 4) && prv_limbs_zero(points[i].x.c1.l, 4)
                                    && prv_limbs_zero(points[i].y.c0.l, 4)
                                    && prv_limbs_zero(points[i].y.c1.l, 4))) continue;
        if (kind == 1) {
            zkv_g2_add_affine(ones, ones, &points[i]);
            continue;
        }
        out_points[k] = points[i];
        memcpy(out_scalars + 32 * k, scalars + 32 * i, 32);
        k++;
    }
    *m = k;
}
