/* Elementwise kernels for one float type T (see kernels.c). */

/* g *= (y > 0), as NumPy's product with the mask (inf * 0 is NaN there too). */
static void NAME(relu_grad)(T *restrict g, const T *restrict y, idx n) {
    for (idx i = 0; i < n; i++) g[i] = g[i] * (T)(y[i] > 0);
}
