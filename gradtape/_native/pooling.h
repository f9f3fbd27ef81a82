/* Max pooling kernels for one float type T (see kernels.c: T, IT, SUFFIX are defined around the
 * #include). Offsets are uint8 (wide = 0: windows of at most 256) or int32 (wide = 1). */

/* The window's elements in the pairwise tournament of the NumPy path (the later of a pair wins
 * only when strictly greater; NumPy's maximum keeps NaN): the winner's value and offset. */
static void NAME(tournament)(const T *restrict x, const Geometry *G, idx b, idx oy, idx ox, idx ch,
                             T *restrict mv, int32_t *restrict kv, T *m, int32_t *k) {
    const int K = G->kh * G->kw;
    for (int t = 0; t < K; t++) {
        const idx iy = oy * G->sh + t / G->kw - G->pt, ix = ox * G->sw + t % G->kw - G->pl;
        const int in = iy >= 0 && iy < G->h && ix >= 0 && ix < G->w;
        mv[t] = in ? x[((b * G->h + iy) * G->w + ix) * G->c + ch] : (T)-INFINITY;
        kv[t] = t;
    }
    int cnt = K;
    while (cnt > 1) {
        int j = 0;
        for (int a = 0; a + 1 < cnt; a += 2, j++) {
            const T ma = mv[a], mb = mv[a + 1];
            const int32_t ka = kv[a], kb = kv[a + 1];
            mv[j] = NP_MAX(ma, mb);
            kv[j] = mb > ma ? kb : ka;
        }
        if (cnt % 2) {
            mv[j] = mv[cnt - 1];
            kv[j] = kv[cnt - 1];
            j++;
        }
        cnt = j;
    }
    *m = mv[0];
    *k = kv[0];
}

/* One window offset over all channels: a later element wins only when strictly greater. The
 * selections are written as masks so that they vectorize. */
INLINE void NAME(pool_step)(const T *restrict xr, T *restrict m, IT *restrict k, IT t, idx c, IT *nanp) {
    IT nan = *nanp;
    for (idx ch = 0; ch < c; ch++) {
        const T v = xr[ch], cur = m[ch];
        const IT win = -(IT)(v > cur);
        m[ch] = v > cur ? v : cur;
        k[ch] = (k[ch] & ~win) | (t & win);
        nan |= -(IT)(v != v);
    }
    *nanp = nan;
}

/* Per output pixel, a scan over the window in row-major order in which a later element wins
 * only when strictly greater: ties keep the first maximum, as TensorFlow, and with no NaN the
 * result is the tournament's. A pixel with a NaN in a window is redone by the tournament.
 * Padding stands for -inf and is skipped: it never wins a strict comparison, and a window of
 * padding alone keeps -inf and offset 0. -1 when out of memory. */
static int NAME(max_pool)(const T *restrict x, T *restrict out, void *restrict arg, int wide,
                          const Geometry *G) {
    const idx n = G->n, h = G->h, w = G->w, c = G->c, ho = G->ho, wo = G->wo;
    const int kh = G->kh, kw = G->kw, sh = G->sh, sw = G->sw, pt = G->pt, pl = G->pl;
    const int K = kh * kw;
    char *scratch = malloc((size_t)K * (sizeof(T) + sizeof(int32_t)) + (size_t)c * sizeof(IT) + 16);
    if (!scratch) return -1;
    IT *k = (IT *)scratch;
    T *mv = (T *)(scratch + (size_t)c * sizeof(IT));
    int32_t *kv = (int32_t *)(scratch + (size_t)c * sizeof(IT) + (size_t)K * sizeof(T));
    for (idx b = 0; b < n; b++)
        for (idx oy = 0; oy < ho; oy++)
            for (idx ox = 0; ox < wo; ox++) {
                const idx o = ((b * ho + oy) * wo + ox) * c;
                T *m = out + o;
                IT nan = 0;
                for (idx ch = 0; ch < c; ch++) {
                    m[ch] = (T)-INFINITY;
                    k[ch] = 0;
                }
                for (int i = 0; i < kh; i++) {
                    const idx iy = oy * sh + i - pt;
                    if (iy < 0 || iy >= h) continue;
                    for (int j = 0; j < kw; j++) {
                        const idx ix = ox * sw + j - pl;
                        if (ix < 0 || ix >= w) continue;
                        NAME(pool_step)(x + ((b * h + iy) * w + ix) * c, m, k, i * kw + j, c, &nan);
                    }
                }
                if (wide)
                    for (idx ch = 0; ch < c; ch++) ((int32_t *)arg)[o + ch] = (int32_t)k[ch];
                else
                    for (idx ch = 0; ch < c; ch++) ((uint8_t *)arg)[o + ch] = (uint8_t)k[ch];
                if (!nan) continue;
                for (idx ch = 0; ch < c; ch++) {
                    int32_t kk;
                    NAME(tournament)(x, G, b, oy, ox, ch, mv, kv, &m[ch], &kk);
                    if (wide) ((int32_t *)arg)[o + ch] = kk;
                    else ((uint8_t *)arg)[o + ch] = (uint8_t)kk;
                }
            }
    free(scratch);
    return 0;
}

/* d = g where k == t, else +0 (a mask on the bits: vectorizes, and keeps inf and NaN). */
INLINE void NAME(pick)(const T *restrict g, const IT *restrict k, IT t, T *restrict d, idx c) {
    for (idx ch = 0; ch < c; ch++) {
        IT bits;
        memcpy(&bits, g + ch, sizeof bits);
        bits &= -(IT)(k[ch] == t);
        memcpy(d + ch, &bits, sizeof bits);
    }
}

/* dx of a max pool. Windows that tile the input (stride = window, no padding, nothing left
 * over) write every element of dx once: g where the offset is the window's maximum, else 0
 * (-1 when out of memory).
 * Otherwise dx is cleared and each window adds its g at its maximum, in reverse row-major
 * order of the windows: for every element of dx that is the NumPy path's order (offsets
 * ascending), so overlapping windows sum in the same order. With ``relu`` (the pool's output)
 * each g is first multiplied by ``relu > 0``, as a relu feeding the pool masks it. */
static int NAME(max_pool_grad)(const void *restrict arg, int wide, const T *restrict g0, const T *restrict relu,
                               T *restrict dx, const Geometry *G) {
    const idx n = G->n, h = G->h, w = G->w, c = G->c, ho = G->ho, wo = G->wo;
    const int kh = G->kh, kw = G->kw, sh = G->sh, sw = G->sw, pt = G->pt, pl = G->pl;
    const int tiles = kh == sh && kw == sw && pt == 0 && pl == 0 && ho * kh == h && wo * kw == w;
    if (tiles) {
        IT *k = malloc((size_t)c * (sizeof(IT) + sizeof(T)) + 16);
        if (!k) return -1;
        T *gm = (T *)(k + c);
        for (idx b = 0; b < n; b++)
            for (idx oy = 0; oy < ho; oy++)
                for (idx ox = 0; ox < wo; ox++) {
                    const idx o = ((b * ho + oy) * wo + ox) * c;
                    const T *g = g0 + o;
                    if (relu) {
                        for (idx ch = 0; ch < c; ch++) gm[ch] = g[ch] * (T)(relu[o + ch] > 0);
                        g = gm;
                    }
                    if (wide)
                        for (idx ch = 0; ch < c; ch++) k[ch] = ((const int32_t *)arg)[o + ch];
                    else
                        for (idx ch = 0; ch < c; ch++) k[ch] = ((const uint8_t *)arg)[o + ch];
                    for (int i = 0; i < kh; i++)
                        for (int j = 0; j < kw; j++)
                            NAME(pick)(g, k, i * kw + j, dx + ((b * h + oy * kh + i) * w + ox * kw + j) * c, c);
                }
        free(k);
        return 0;
    }
    memset(dx, 0, (size_t)(n * h * w * c) * sizeof(T));
    for (idx b = 0; b < n; b++)
        for (idx oy = ho - 1; oy >= 0; oy--)
            for (idx ox = wo - 1; ox >= 0; ox--) {
                const idx o = ((b * ho + oy) * wo + ox) * c;
                for (idx ch = 0; ch < c; ch++) {
                    const int t = wide ? (int)((const int32_t *)arg)[o + ch] : (int)((const uint8_t *)arg)[o + ch];
                    const idx iy = oy * sh + t / kw - pt, ix = ox * sw + t % kw - pl;
                    const T gv = relu ? g0[o + ch] * (T)(relu[o + ch] > 0) : g0[o + ch];
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) dx[((b * h + iy) * w + ix) * c + ch] += gv;
                }
            }
    return 0;
}
