/* Optimizer updates for one float type T (see kernels.c). */

/* Adam, in one pass: the NumPy path's arithmetic in the same order, with m and v written in
 * place and the step into ``out`` (or, given the weights ``w``, the new weights w - step):
 *   m += (g - m) * c1;  v += (g * g - v) * c2;  out = (m * alpha) / (sqrt(v) + eps). */
static void NAME(adam)(const T *restrict g, T *restrict m, T *restrict v, T *restrict out,
                              const T *restrict w, idx n, T c1, T c2, T alpha, T eps) {
    for (idx i = 0; i < n; i++) {
        const T gi = g[i];
        const T mi = m[i] + (gi - m[i]) * c1;
        const T vi = v[i] + (gi * gi - v[i]) * c2;
        m[i] = mi;
        v[i] = vi;
        const T step = (mi * alpha) / (SQRT(vi) + eps);
        out[i] = w ? w[i] - step : step;
    }
}
