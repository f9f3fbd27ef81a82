/* gradtape's optional compiled kernels: single passes over memory where NumPy needs several.
 *
 * Each function fills arrays that the Python side allocated and checked (C-contiguous, the
 * dtypes named below), so the kernels only compute; sizes are checked again here, so a wrong
 * call raises instead of writing out of bounds. The GIL is released while they run. Each loop
 * is compiled for the baseline and (GCC, x86-64) for AVX2: set_baseline, variant, has_avx2.
 *
 *   max_pool(x, out, arg, geometry)        window maxima and the offset of the first maximum
 *   max_pool_grad(arg, g, dx, geometry[, relu])   scatter each window's gradient to its maximum
 *                                          (masked by relu > 0: a relu fed the pool)
 *   relu_grad(g, y)                        g *= y > 0 in place (one pass; NumPy makes a mask)
 *   softmax_shift(x, y, rows, d), softmax_scale(y, rows, d)   a softmax's row passes around
 *                                          NumPy's exp: y = x - max, then y /= sum
 *   softmax_grad(g, y, rows, d)            g = (g - sum(g y)) y in place, per row
 *   layer_norm(x, scale, offset, y, eps)   rows normalized, scaled and shifted
 *   layer_norm_grad(g, x, scale, dx, dscale, doffset, eps)
 *   im2col(x, cols, geometry, dh, dw)      a convolution's windows as the rows of a matrix
 *   col2im(cols, dx, geometry, dh, dw)     its adjoint: the rows added back into the windows
 *   adam(g, m, v, out, c1, c2, alpha, eps[, w])   Adam's slots in place and its step (or the
 *                                          new weights w - step), one pass
 *
 * geometry = (n, h, w, c, ho, wo, kh, kw, sh, sw, pt, pl): NHWC input (n, h, w, c), output
 * (n, ho, wo, c), window (kh, kw), strides (sh, sw), padding before (pt, pl).
 * Floating types: float32 and float64. Offsets (arg): uint8 (windows of at most 256) or int32.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef Py_ssize_t idx;

/* -- buffers ------------------------------------------------------------------------------ */
typedef struct {
    Py_buffer v[8];
    int n;
} Buffers;

static void release(Buffers *b) {
    for (int i = 0; i < b->n; i++) PyBuffer_Release(&b->v[i]);
    b->n = 0;
}

#define FLOATS (fs == 4 ? "f" : "d")
#define OFFSETS (as == 1 ? "B" : "il")

/* Whether a buffer's struct format is one of ``codes`` (single characters, native order). */
static int format_is(const Py_buffer *v, const char *codes) {
    const char *f = v->format ? v->format : "B";
    if (f[0] == '@' || f[0] == '=') f++;
    return f[0] && !f[1] && strchr(codes, f[0]) != NULL;
}

/* The buffer of ``o``: C-contiguous, ``count`` items of ``size`` bytes whose format is one of
 * ``codes``; NULL with an error set. */
static void *take(Buffers *b, PyObject *o, idx count, idx size, int writable, const char *what,
                  const char *codes) {
    Py_buffer *v = &b->v[b->n];
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(o, v, flags) < 0) return NULL;
    b->n++;
    if (!format_is(v, codes)) {
        PyErr_Format(PyExc_TypeError, "gradtape native kernel: %s has item format '%s', expected one of '%s'",
                     what, v->format ? v->format : "B", codes);
        return NULL;
    }
    if (v->itemsize != size || v->len != count * size) {
        PyErr_Format(PyExc_ValueError, "gradtape native kernel: %s has %zd bytes of %zd-byte items, "
                     "expected %zd items of %zd bytes", what, v->len, v->itemsize, count, size);
        return NULL;
    }
    return v->buf;
}

/* The item size of ``o``'s buffer (4 or 8, else TypeError) and, when ``n`` is given, its
 * number of items. */
static int float_size(PyObject *o, idx *fs, idx *n) {
    Py_buffer probe;
    if (PyObject_GetBuffer(o, &probe, PyBUF_C_CONTIGUOUS) < 0) return -1;
    *fs = probe.itemsize;
    if (n) *n = probe.itemsize ? probe.len / probe.itemsize : 0;
    PyBuffer_Release(&probe);
    if (*fs != 4 && *fs != 8) {
        PyErr_SetString(PyExc_TypeError, "gradtape native kernel: expected float32 or float64");
        return -1;
    }
    return 0;
}

/* Whether rows * d items fit an index (else ValueError). */
static int rows_fit(idx rows, idx d) {
    if (rows < 0 || d < 1 || rows > PY_SSIZE_T_MAX / 16 / d) {
        PyErr_SetString(PyExc_ValueError, "gradtape native kernel: bad rows or row length");
        return 0;
    }
    return 1;
}

typedef struct {
    idx n, h, w, c, ho, wo;
    int kh, kw, sh, sw, pt, pl;
} Geometry;

static int parse_geometry(PyObject *t, Geometry *g) {
    if (!PyArg_ParseTuple(t, "nnnnnniiiiii", &g->n, &g->h, &g->w, &g->c, &g->ho, &g->wo,
                          &g->kh, &g->kw, &g->sh, &g->sw, &g->pt, &g->pl))
        return -1;
    /* every size the kernels compute must fit an index: checked in floating point */
    const double in = (double)g->n * g->h * g->w * g->c, out = (double)g->n * g->ho * g->wo * g->c;
    if (g->n < 0 || g->h < 0 || g->w < 0 || g->c < 0 || g->ho < 0 || g->wo < 0 || g->kh < 1 ||
        g->kw < 1 || g->sh < 1 || g->sw < 1 || in > 1e15 || out * g->kh * g->kw > 1e15) {
        PyErr_SetString(PyExc_ValueError, "gradtape native kernel: bad geometry");
        return -1;
    }
    return 0;
}

/* helpers inlined into each kernel (and so compiled for each kernel's instruction set) */
#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#else
#define INLINE static inline
#endif

/* -- typed kernels: the headers' loops, once per floating type and instruction set ------------ */
/* NumPy's maximum: NaN if either is NaN, else the larger (the first when they compare equal). */
#define NP_MAX(a, b) (((a) >= (b) || (a) != (a)) ? (a) : (b))

/* T: the float type; IT: an integer as wide, so comparisons and selections vectorize together;
 * SQRT: T's square root. NAME(f) pastes the type's suffix and the variant onto a kernel's name:
 * layer_norm_f4_base, layer_norm_f4_avx2, ... (typed.h includes every header once per type). */
#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define NAME(f) CAT(CAT(f, SUFFIX), VARIANT)

#define VARIANT base
#include "typed.h"
#undef VARIANT

/* With GCC on x86-64 everything is compiled a second time for AVX2; the kernels run that one
 * when the CPU has AVX2 (``set_baseline(True)`` forces the first, so tests can run both).
 * -DGRADTAPE_BASELINE_ONLY builds the baseline alone, as other compilers and CPUs do. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(GRADTAPE_BASELINE_ONLY)
#define HAVE_AVX2_VARIANT 1
#pragma GCC push_options
#pragma GCC target("avx2")
#define VARIANT avx2
#include "typed.h"
#undef VARIANT
#pragma GCC pop_options
static int use_avx2 = 0;
#define PICK(f, s) (use_avx2 ? f##_##s##_avx2 : f##_##s##_base)
#else
#define HAVE_AVX2_VARIANT 0
#define PICK(f, s) f##_##s##_base
#endif

/* set_baseline(flag): run the baseline kernels even on a CPU with AVX2; variant(): which run */
static PyObject *py_set_baseline(PyObject *self, PyObject *args) {
    int flag;
    if (!PyArg_ParseTuple(args, "p", &flag)) return NULL;
#if HAVE_AVX2_VARIANT
    use_avx2 = !flag && __builtin_cpu_supports("avx2");
#endif
    Py_RETURN_NONE;
}

static PyObject *py_variant(PyObject *self, PyObject *noargs) {
#if HAVE_AVX2_VARIANT
    return PyUnicode_FromString(use_avx2 ? "avx2" : "baseline");
#else
    return PyUnicode_FromString("baseline");
#endif
}

static PyObject *py_has_avx2(PyObject *self, PyObject *noargs) {
#if HAVE_AVX2_VARIANT
    return PyBool_FromLong(__builtin_cpu_supports("avx2"));
#else
    Py_RETURN_FALSE;
#endif
}

/* -- the batch kernels' calls ---------------------------------------------------------------- */
typedef struct {
    int op; /* which kernel */
    idx fs;
    int wide, dh, dw;
    const void *in, *in2;
    void *out, *out2;
    const Geometry *G;
} Call;

static int run_call(const Call *c) {
    switch (c->op) {
    case 0:
        return c->fs == 4 ? PICK(max_pool, f4)(c->in, c->out, c->out2, c->wide, c->G)
                          : PICK(max_pool, f8)(c->in, c->out, c->out2, c->wide, c->G);
    case 1: /* in = arg, out2 = g, in2 = relu mask or NULL, out = dx */
        return c->fs == 4 ? PICK(max_pool_grad, f4)(c->in, c->wide, c->out2, c->in2, c->out, c->G)
                          : PICK(max_pool_grad, f8)(c->in, c->wide, c->out2, c->in2, c->out, c->G);
    case 2:
        return c->fs == 4 ? PICK(im2col, f4)(c->in, c->out, c->G, c->dh, c->dw)
                          : PICK(im2col, f8)(c->in, c->out, c->G, c->dh, c->dw);
    default:
        return c->fs == 4 ? PICK(col2im, f4)(c->in, c->out, c->G, c->dh, c->dw)
                          : PICK(col2im, f8)(c->in, c->out, c->G, c->dh, c->dw);
    }
}

/* Runs ``c`` over the batch it is given with the GIL released; -1 (MemoryError set) when it
 * ran out of memory. Large ops call it once per part of their batch, from several threads
 * (gradtape/_engine/parallel.py); it starts no threads of its own. */
static int run_batch(const Call *c) {
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = run_call(c);
    Py_END_ALLOW_THREADS
    if (status) PyErr_NoMemory();
    return status;
}

/* -- the batch kernels' entry points -------------------------------------------------------- */
static PyObject *py_max_pool(PyObject *self, PyObject *args) {
    PyObject *xo, *outo, *argo, *geo;
    Geometry G;
    idx fs;
    if (!PyArg_ParseTuple(args, "OOOO", &xo, &outo, &argo, &geo) || parse_geometry(geo, &G) < 0 ||
        float_size(xo, &fs, NULL) < 0)
        return NULL;
    idx as = G.kh * G.kw <= 256 ? 1 : 4;
    Buffers B = {.n = 0};
    void *x = take(&B, xo, G.n * G.h * G.w * G.c, fs, 0, "x", FLOATS);
    void *out = x ? take(&B, outo, G.n * G.ho * G.wo * G.c, fs, 1, "out", FLOATS) : NULL;
    void *arg = out ? take(&B, argo, G.n * G.ho * G.wo * G.c, as, 1, "arg", OFFSETS) : NULL;
    Call call = {.op = 0, .fs = fs, .wide = as == 4, .in = x, .out = out, .out2 = arg, .G = &G};
    int bad = !arg || run_batch(&call) < 0;
    release(&B);
    if (bad) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_max_pool_grad(PyObject *self, PyObject *args) {
    PyObject *argo, *go, *dxo, *geo, *reluo = Py_None;
    Geometry G;
    idx fs;
    if (!PyArg_ParseTuple(args, "OOOO|O", &argo, &go, &dxo, &geo, &reluo) || parse_geometry(geo, &G) < 0 ||
        float_size(go, &fs, NULL) < 0)
        return NULL;
    idx as = G.kh * G.kw <= 256 ? 1 : 4;
    Buffers B = {.n = 0};
    void *arg = take(&B, argo, G.n * G.ho * G.wo * G.c, as, 0, "arg", OFFSETS);
    void *g = arg ? take(&B, go, G.n * G.ho * G.wo * G.c, fs, 0, "g", FLOATS) : NULL;
    void *dx = g ? take(&B, dxo, G.n * G.h * G.w * G.c, fs, 1, "dx", FLOATS) : NULL;
    void *relu = NULL;
    if (dx && reluo != Py_None) relu = take(&B, reluo, G.n * G.ho * G.wo * G.c, fs, 0, "relu", FLOATS);
    Call call = {.op = 1, .fs = fs, .wide = as == 4, .in = arg, .in2 = relu, .out = dx, .out2 = g, .G = &G};
    int bad = !dx || (reluo != Py_None && !relu) || run_batch(&call) < 0;
    release(&B);
    if (bad) return NULL;
    Py_RETURN_NONE;
}

/* Softmax over rows of d: softmax_shift(x, y, rows, d) y = x - max, softmax_scale(y, rows, d)
 * y /= sum in place (NumPy's exp runs between them), softmax_grad(g, y, rows, d)
 * g = (g - sum(g y)) y in place. */
static PyObject *rows_call(PyObject *args, int op) {
    PyObject *ao, *bo = Py_None;
    idx rows, d, fs;
    if (!(op == 1 ? PyArg_ParseTuple(args, "Onn", &ao, &rows, &d) : PyArg_ParseTuple(args, "OOnn", &ao, &bo, &rows, &d)) ||
        float_size(ao, &fs, NULL) < 0 || !rows_fit(rows, d))
        return NULL;
    Buffers B = {.n = 0};
    void *a = take(&B, ao, rows * d, fs, op != 0, op == 0 ? "x" : op == 1 ? "y" : "g", FLOATS);
    void *b = NULL;
    if (a && op != 1) b = take(&B, bo, rows * d, fs, op == 0, "y", FLOATS);
    if (!a || (op != 1 && !b)) {
        release(&B);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (op == 0) {
        if (fs == 4) PICK(softmax_shift, f4)(a, b, rows, d);
        else PICK(softmax_shift, f8)(a, b, rows, d);
    } else if (op == 1) {
        if (fs == 4) PICK(softmax_scale, f4)(a, rows, d);
        else PICK(softmax_scale, f8)(a, rows, d);
    } else {
        if (fs == 4) PICK(softmax_grad, f4)(a, b, rows, d);
        else PICK(softmax_grad, f8)(a, b, rows, d);
    }
    Py_END_ALLOW_THREADS
    release(&B);
    Py_RETURN_NONE;
}

static PyObject *py_softmax_shift(PyObject *self, PyObject *args) { return rows_call(args, 0); }
static PyObject *py_softmax_scale(PyObject *self, PyObject *args) { return rows_call(args, 1); }
static PyObject *py_softmax_grad(PyObject *self, PyObject *args) { return rows_call(args, 2); }

/* relu_grad(g, y): g *= y > 0 in place; any contiguous float32/float64 arrays of one size. */
static PyObject *py_relu_grad(PyObject *self, PyObject *args) {
    PyObject *go, *yo;
    idx fs, n;
    if (!PyArg_ParseTuple(args, "OO", &go, &yo) || float_size(go, &fs, &n) < 0) return NULL;
    Buffers B = {.n = 0};
    void *g = take(&B, go, n, fs, 1, "g", FLOATS);
    void *y = g ? take(&B, yo, n, fs, 0, "y", FLOATS) : NULL;
    if (!y) {
        release(&B);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (fs == 4) PICK(relu_grad, f4)(g, y, n);
    else PICK(relu_grad, f8)(g, y, n);
    Py_END_ALLOW_THREADS
    release(&B);
    Py_RETURN_NONE;
}

static PyObject *py_layer_norm(PyObject *self, PyObject *args) {
    PyObject *xo, *so, *oo, *yo;
    idx rows, d;
    double eps;
    if (!PyArg_ParseTuple(args, "OOOOnnd", &xo, &so, &oo, &yo, &rows, &d, &eps)) return NULL;
    idx fs;
    if (!rows_fit(rows, d) || float_size(xo, &fs, NULL) < 0) return NULL;
    Buffers B = {.n = 0};
    void *x = take(&B, xo, rows * d, fs, 0, "x", FLOATS);
    void *s = x ? take(&B, so, d, fs, 0, "scale", FLOATS) : NULL;
    void *o = s ? take(&B, oo, d, fs, 0, "offset", FLOATS) : NULL;
    void *y = o ? take(&B, yo, rows * d, fs, 1, "y", FLOATS) : NULL;
    if (!y) {
        release(&B);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (fs == 4) PICK(layer_norm, f4)(x, s, o, y, rows, d, eps);
    else PICK(layer_norm, f8)(x, s, o, y, rows, d, eps);
    Py_END_ALLOW_THREADS
    release(&B);
    Py_RETURN_NONE;
}

static PyObject *py_layer_norm_grad(PyObject *self, PyObject *args) {
    PyObject *go, *xo, *so, *dxo, *dso, *doo;
    idx rows, d;
    double eps;
    if (!PyArg_ParseTuple(args, "OOOOOOnnd", &go, &xo, &so, &dxo, &dso, &doo, &rows, &d, &eps))
        return NULL;
    idx fs;
    if (!rows_fit(rows, d) || float_size(xo, &fs, NULL) < 0) return NULL;
    Buffers B = {.n = 0};
    void *g = take(&B, go, rows * d, fs, 0, "g", FLOATS);
    void *x = g ? take(&B, xo, rows * d, fs, 0, "x", FLOATS) : NULL;
    void *s = x ? take(&B, so, d, fs, 0, "scale", FLOATS) : NULL;
    void *dx = s ? take(&B, dxo, rows * d, fs, 1, "dx", FLOATS) : NULL;
    void *ds = dx ? take(&B, dso, d, fs, 1, "dscale", FLOATS) : NULL;
    void *dof = ds ? take(&B, doo, d, fs, 1, "doffset", FLOATS) : NULL;
    if (!dof) {
        release(&B);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (fs == 4) PICK(layer_norm_grad, f4)(g, x, s, dx, ds, dof, rows, d, eps);
    else PICK(layer_norm_grad, f8)(g, x, s, dx, ds, dof, rows, d, eps);
    Py_END_ALLOW_THREADS
    release(&B);
    Py_RETURN_NONE;
}

static PyObject *py_adam(PyObject *self, PyObject *args) {
    PyObject *go, *mo, *vo, *outo, *wo = Py_None;
    double c1, c2, alpha, eps;
    idx fs, n;
    if (!PyArg_ParseTuple(args, "OOOOdddd|O", &go, &mo, &vo, &outo, &c1, &c2, &alpha, &eps, &wo) ||
        float_size(go, &fs, &n) < 0)
        return NULL;
    Buffers B = {.n = 0};
    void *g = take(&B, go, n, fs, 0, "g", FLOATS);
    void *m = g ? take(&B, mo, n, fs, 1, "m", FLOATS) : NULL;
    void *v = m ? take(&B, vo, n, fs, 1, "v", FLOATS) : NULL;
    void *out = v ? take(&B, outo, n, fs, 1, "out", FLOATS) : NULL;
    void *w = NULL;
    if (out && wo != Py_None) w = take(&B, wo, n, fs, 0, "w", FLOATS);
    if (!out || (wo != Py_None && !w)) {
        release(&B);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (fs == 4) PICK(adam, f4)(g, m, v, out, w, n, (float)c1, (float)c2, (float)alpha, (float)eps);
    else PICK(adam, f8)(g, m, v, out, w, n, c1, c2, alpha, eps);
    Py_END_ALLOW_THREADS
    release(&B);
    Py_RETURN_NONE;
}

/* im2col(x, cols, geometry, dh, dw) and col2im(cols, dx, geometry, dh, dw) */
static PyObject *windows_call(PyObject *args, int adjoint) {
    PyObject *xo, *colso, *geo;
    int dh, dw;
    Geometry G;
    if (!PyArg_ParseTuple(args, "OOOii", adjoint ? &colso : &xo, adjoint ? &xo : &colso, &geo, &dh, &dw) ||
        parse_geometry(geo, &G) < 0)
        return NULL;
    idx fs;
    if (dh < 1 || dw < 1) {
        PyErr_SetString(PyExc_ValueError, "gradtape native kernel: bad dilations");
        return NULL;
    }
    if (float_size(xo, &fs, NULL) < 0) return NULL;
    Buffers B = {.n = 0};
    idx size = G.n * G.ho * G.wo * G.kh * G.kw * G.c;
    void *x = take(&B, xo, G.n * G.h * G.w * G.c, fs, adjoint, adjoint ? "dx" : "x", FLOATS);
    void *cols = x ? take(&B, colso, size, fs, !adjoint, "cols", FLOATS) : NULL;
    Call call = {.op = adjoint ? 3 : 2, .fs = fs, .dh = dh, .dw = dw, .in = adjoint ? cols : x,
                 .out = adjoint ? x : cols, .G = &G};
    int bad = !cols || run_batch(&call) < 0;
    release(&B);
    if (bad) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_im2col(PyObject *self, PyObject *args) { return windows_call(args, 0); }
static PyObject *py_col2im(PyObject *self, PyObject *args) { return windows_call(args, 1); }

/* -- module ------------------------------------------------------------------------------- */
static PyMethodDef methods[] = {
    {"max_pool", py_max_pool, METH_VARARGS, "max_pool(x, out, arg, geometry)"},
    {"max_pool_grad", py_max_pool_grad, METH_VARARGS, "max_pool_grad(arg, g, dx, geometry)"},
    {"layer_norm", py_layer_norm, METH_VARARGS, "layer_norm(x, scale, offset, y, rows, d, eps)"},
    {"layer_norm_grad", py_layer_norm_grad, METH_VARARGS,
     "layer_norm_grad(g, x, scale, dx, dscale, doffset, rows, d, eps)"},
    {"im2col", py_im2col, METH_VARARGS, "im2col(x, cols, geometry, dh, dw)"},
    {"col2im", py_col2im, METH_VARARGS, "col2im(cols, dx, geometry, dh, dw)"},
    {"set_baseline", py_set_baseline, METH_VARARGS, "set_baseline(flag): the kernels without AVX2"},
    {"variant", py_variant, METH_NOARGS, "variant(): 'avx2' or 'baseline', the kernels that run"},
    {"has_avx2", py_has_avx2, METH_NOARGS, "has_avx2(): whether an AVX2 build runs on this CPU"},
    {"relu_grad", py_relu_grad, METH_VARARGS, "relu_grad(g, y): g *= y > 0 in place"},
    {"softmax_shift", py_softmax_shift, METH_VARARGS, "softmax_shift(x, y, rows, d): y = x - max"},
    {"softmax_scale", py_softmax_scale, METH_VARARGS, "softmax_scale(y, rows, d): y /= sum, in place"},
    {"softmax_grad", py_softmax_grad, METH_VARARGS, "softmax_grad(g, y, rows, d): in place"},
    {"adam", py_adam, METH_VARARGS, "adam(g, m, v, out, 1 - beta_1, 1 - beta_2, alpha, epsilon[, w])"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "_kernels",
                                    .m_doc = "gradtape's optional compiled kernels", .m_size = -1,
                                    .m_methods = methods};

PyMODINIT_FUNC PyInit__kernels(void) {
#if HAVE_AVX2_VARIANT
    __builtin_cpu_init();
    use_avx2 = __builtin_cpu_supports("avx2");
#endif
    return PyModule_Create(&module);
}
