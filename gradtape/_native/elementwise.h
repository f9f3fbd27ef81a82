/* Elementwise kernels for one float type T (see kernels.c). */

/* g *= (y > 0), as NumPy's product with the mask (inf * 0 is NaN there too). */
static void NAME(relu_grad)(T *restrict g, const T *restrict y, idx n) {
    for (idx i = 0; i < n; i++) g[i] = g[i] * (T)(y[i] > 0);
}

/* A softmax's gradient in place, over rows of d: g = (g - sum(g * y)) * y. */
static void NAME(softmax_grad)(T *restrict g, const T *restrict y, idx rows, idx d) {
    for (idx r = 0; r < rows; r++) {
        T *gr = g + r * d;
        const T *yr = y + r * d;
        T s = 0;
#pragma omp simd reduction(+ : s)
        for (idx j = 0; j < d; j++) s += gr[j] * yr[j];
        for (idx j = 0; j < d; j++) gr[j] = (gr[j] - s) * yr[j];
    }
}

/* Softmax's passes around NumPy's exp (which is as fast as anything here), per row of d:
 * softmax_shift: y = x - max(x) (NaN when the row has NaN, as NumPy's maximum), and
 * softmax_scale: y /= sum(y) in place. */
static void NAME(softmax_shift)(const T *restrict x, T *restrict y, idx rows, idx d) {
    for (idx r = 0; r < rows; r++) {
        const T *xr = x + r * d;
        T *yr = y + r * d;
        T m = -INFINITY;
        IT nan = 0;
#pragma omp simd reduction(max : m) reduction(| : nan)
        for (idx j = 0; j < d; j++) {
            m = xr[j] > m ? xr[j] : m;
            nan |= -(IT)(xr[j] != xr[j]);
        }
        if (nan) m = NAN;
        for (idx j = 0; j < d; j++) yr[j] = xr[j] - m;
    }
}

static void NAME(softmax_scale)(T *restrict y, idx rows, idx d) {
    for (idx r = 0; r < rows; r++) {
        T *yr = y + r * d;
        T s = 0;
#pragma omp simd reduction(+ : s)
        for (idx j = 0; j < d; j++) s += yr[j];
        for (idx j = 0; j < d; j++) yr[j] /= s;
    }
}
