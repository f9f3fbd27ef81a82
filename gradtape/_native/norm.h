/* Layer normalization over rows of d for one float type T (see kernels.c). */

/* Mean and 1/std of one row, in two passes (the variance of the centred row). */
INLINE void NAME(row_stats)(const T *restrict xr, idx d, double eps, T *mean, T *rstd) {
    T s = 0, v = 0;
#pragma omp simd reduction(+ : s)
    for (idx j = 0; j < d; j++) s += xr[j];
    const T mu = s / (T)d;
#pragma omp simd reduction(+ : v)
    for (idx j = 0; j < d; j++) {
        const T u = xr[j] - mu;
        v += u * u;
    }
    *mean = mu;
    *rstd = (T)(1.0 / sqrt((double)(v / (T)d) + eps));
}

/* y = (x - mean) * rstd * s + o, row by row. */
static void NAME(layer_norm)(const T *restrict x, const T *restrict s, const T *restrict o, T *restrict y,
                             idx rows, idx d, double eps) {
    for (idx r = 0; r < rows; r++) {
        const T *xr = x + r * d;
        T *yr = y + r * d;
        T mean, rstd;
        NAME(row_stats)(xr, d, eps, &mean, &rstd);
#pragma omp simd
        for (idx j = 0; j < d; j++) yr[j] = (xr[j] - mean) * rstd * s[j] + o[j];
    }
}

/* dx = rstd * (g s - mean(g s) - xhat * mean(g s xhat)); dscale = sum of g xhat over rows and
 * doffset = sum of g (both cleared first). */
static void NAME(layer_norm_grad)(const T *restrict g, const T *restrict x, const T *restrict s,
                                  T *restrict dx, T *restrict ds, T *restrict dof, idx rows, idx d,
                                  double eps) {
    memset(ds, 0, (size_t)d * sizeof(T));
    memset(dof, 0, (size_t)d * sizeof(T));
    for (idx r = 0; r < rows; r++) {
        const T *xr = x + r * d, *gr = g + r * d;
        T *dr = dx + r * d;
        T mean, rstd, a = 0, p = 0;
        NAME(row_stats)(xr, d, eps, &mean, &rstd);
#pragma omp simd reduction(+ : a, p)
        for (idx j = 0; j < d; j++) {
            const T xh = (xr[j] - mean) * rstd, gs = gr[j] * s[j];
            a += gs;
            p += gs * xh;
            ds[j] += gr[j] * xh;
            dof[j] += gr[j];
        }
        a /= (T)d;
        p /= (T)d;
#pragma omp simd
        for (idx j = 0; j < d; j++) dr[j] = rstd * (gr[j] * s[j] - a - (xr[j] - mean) * rstd * p);
    }
}
