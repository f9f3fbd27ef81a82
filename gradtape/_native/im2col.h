/* The windows of a convolution's input as rows of a matrix, for one float type T (see
 * kernels.c). Row (b, oy, ox) holds the window's (kh, kw, c) elements in that order, zeros
 * where it reaches into the padding: the NumPy path's im2col without padding the input first.
 */
static int NAME(im2col)(const T *restrict x, T *restrict cols, const Geometry *G, int dh, int dw) {
    const idx n = G->n, h = G->h, w = G->w, c = G->c, ho = G->ho, wo = G->wo;
    const int kh = G->kh, kw = G->kw, sh = G->sh, sw = G->sw, pt = G->pt, pl = G->pl;
    const idx k = (idx)kh * kw * c;
    for (idx b = 0; b < n; b++)
        for (idx oy = 0; oy < ho; oy++)
            for (idx ox = 0; ox < wo; ox++) {
                T *row = cols + ((b * ho + oy) * wo + ox) * k;
                /* the taps j0 <= j < j1 fall inside the input's width */
                const idx x0 = ox * sw - pl;
                int j0 = 0, j1 = kw;
                while (j0 < kw && x0 + (idx)j0 * dw < 0) j0++;
                while (j1 > j0 && x0 + (idx)(j1 - 1) * dw >= w) j1--;
                for (int i = 0; i < kh; i++) {
                    T *dst = row + (idx)i * kw * c;
                    const idx iy = oy * sh + (idx)i * dh - pt;
                    if (iy < 0 || iy >= h || j0 >= j1) {
                        memset(dst, 0, (size_t)(kw * c) * sizeof(T));
                        continue;
                    }
                    if (j0) memset(dst, 0, (size_t)(j0 * c) * sizeof(T));
                    const T *src = x + ((b * h + iy) * w + x0 + (idx)j0 * dw) * c;
                    if (dw == 1) {
                        memcpy(dst + j0 * c, src, (size_t)((j1 - j0) * c) * sizeof(T));
                    } else {
                        for (int j = j0; j < j1; j++)
                            memcpy(dst + j * c, src + (idx)(j - j0) * dw * c, (size_t)c * sizeof(T));
                    }
                    if (j1 < kw) memset(dst + j1 * c, 0, (size_t)((kw - j1) * c) * sizeof(T));
                }
            }
    return 0;
}

/* The adjoint of im2col: each row's window elements added into the (cleared) input gradient
 * ``dx``; taps that reach into the padding are dropped. */
static int NAME(col2im)(const T *restrict cols, T *restrict dx, const Geometry *G, int dh, int dw) {
    const idx n = G->n, h = G->h, w = G->w, c = G->c, ho = G->ho, wo = G->wo;
    const int kh = G->kh, kw = G->kw, sh = G->sh, sw = G->sw, pt = G->pt, pl = G->pl;
    const idx k = (idx)kh * kw * c;
    memset(dx, 0, (size_t)(n * h * w * c) * sizeof(T));
    for (idx b = 0; b < n; b++)
        for (idx oy = 0; oy < ho; oy++)
            for (idx ox = 0; ox < wo; ox++) {
                const T *row = cols + ((b * ho + oy) * wo + ox) * k;
                for (int i = 0; i < kh; i++) {
                    const idx iy = oy * sh + (idx)i * dh - pt;
                    if (iy < 0 || iy >= h) continue;
                    for (int j = 0; j < kw; j++) {
                        const idx ix = ox * sw + (idx)j * dw - pl;
                        if (ix < 0 || ix >= w) continue;
                        const T *src = row + ((idx)i * kw + j) * c;
                        T *dst = dx + ((b * h + iy) * w + ix) * c;
                        for (idx ch = 0; ch < c; ch++) dst[ch] += src[ch];
                    }
                }
            }
    return 0;
}
