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
