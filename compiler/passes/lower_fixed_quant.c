/*
 * lower_fixed_quant.c - the quantizers of the lower_fixed pass (see
 * lower_fixed.c): Quant/IntQuant and BipolarQuant on float or fixed
 * values, and the integer codes and scales of weights that a folded
 * quantizer made.  Power-of-two scales give exact fixed point; other scales give
 * scaled integers (Value.rscale): the float quantizer runs and FromFloat
 * reads its integer codes back exactly.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "lower_fixed.h"
#include "../../runtime/rt_fixed.h"

/* ---- quantizers ---- */

static RoundMode round_mode_of(Fixer *F, Node *n) {
  static const struct { const char *name; RoundMode mode; } modes[] = {
    {"ROUND", RND_HALF_EVEN}, {"CEIL", RND_CEIL}, {"FLOOR", RND_FLOOR}, {"UP", RND_AWAY},
    {"DOWN", RND_TRUNC}, {"HALF_UP", RND_HALF_AWAY}, {"HALF_DOWN", RND_HALF_ZERO},
  };
  const Attr *b = attr_find(n, "bibc_round");  /* quantize_ptq's exact mode (hls4ml RND, ...) */
  if (b)
    return (RoundMode)b->i;
  const char *m = attr_string(n, "rounding_mode", "ROUND");
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcasecmp(m, modes[i].name) == 0)
      return modes[i].mode;
  error_node(F->g, n, "unknown rounding_mode \"%s\" (ROUND, CEIL, FLOOR, UP, DOWN, HALF_UP, "
             "HALF_DOWN)", m);
}

/* The fraction bits of each channel of a power-of-two scale (fc[c]) and the
 * channel axis of x (-1: per tensor); the largest goes to *fmax.  NULL if
 * some scale is not a power of two (then *axis is still set). */
static int *po2_fracs(Fixer *F, Node *n, const Value *scale, const Value *x, int *axis, int *fmax) {
  Graph *g = F->g;
  int64_t nc = value_numel(scale);
  *axis = -1;
  if (nc > 1)
    for (int d = 0; d < scale->rank; d++)
      if (scale->dims[d] != 1) {
        if (*axis >= 0)
          error_node(g, n, "scale %s varies along more than one axis", shape_str(g->arena, scale));
        *axis = x->rank - scale->rank + d;
      }
  int *fc = arena_alloc(g->arena, sizeof *fc * (size_t)nc);
  *fmax = INT32_MIN;
  for (int64_t c = 0; c < nc; c++) {
    int e;
    double sc = value_get_f64(scale, c), m = frexp(sc, &e);
    if (m != 0.5)
      return NULL;
    fc[c] = 1 - e;
    *fmax = fc[c] > *fmax ? fc[c] : *fmax;
  }
  return fc;
}

/* After a float quantizer n: FromFloat reads its output back exactly as
 * integers in [lo, hi], which later nodes use.  sc == NULL: the output lies
 * on the 2^-f grid; else sc[0..nc-1] are its scales along axis, and the
 * integers are the codes q - zeropt, carrying those scales (rscale). */
static void read_back(Fixer *F, Node *n, int f, __int128 lo, __int128 hi, double *sc, int64_t nc,
                      int axis) {
  Graph *g = F->g;
  Node *m = node_insert(g, F->pos + 1, OP_FROMFLOAT, 1, 1);
  m->index = n->index;
  m->name = n->name;
  m->in[0] = n->out[0];
  m->out[0] = value_new(g, arena_printf(g->arena, "%s.%s", n->out[0]->name, sc ? "codes" : "fixed"));
  m->out[0]->producer = m;
  node_set_int(g, m, "f", f);
  if (sc) {
    node_set_floats(g, m, "scale", sc, (int)nc);
    node_set_int(g, m, "axis", axis);
  }
  infer_node(g, m);
  set_fixed(F, n, m->out[0], f, lo, hi);
  if (sc)
    set_scale(m->out[0], sc, nc, axis);
  replace_uses(g, n->out[0], m->out[0], F->pos + 2);
  F->pos++;
}

static void read_float_quantizer(Fixer *F, Node *n, int f, __int128 lo, __int128 hi) {
  read_back(F, n, f, lo, hi, NULL, 0, -1);
}

/* After a float quantizer n whose scales sc[0..nc-1] (along axis) are not
 * powers of two: its codes, read back exactly (rt_fromfloat_scaled_f32
 * needs |code| < 2^21).  sc NULL: the float32 values of n's scale input. */
static void read_scaled_codes(Fixer *F, Node *n, double *sc, int64_t nc, int axis, int64_t lo,
                              int64_t hi) {
  Graph *g = F->g;
  if (lo <= -((int64_t)1 << 21) || hi >= (int64_t)1 << 21)
    error_node(g, n, "a %lld-level quantizer with a scale that is not a power of two has no exact "
               "integer form in bibc (at most 2^21 levels each side of the zero point): use at "
               "most 22 bits or a power-of-two scale, or compile without --fixed",
               (long long)(hi - lo + 1));
  if (!sc) {
    nc = value_numel(n->in[1]);
    sc = arena_alloc(g->arena, sizeof *sc * (size_t)nc);
    for (int64_t c = 0; c < nc; c++)
      sc[c] = (double)(float)value_get_f64(n->in[1], c);  /* the kernel's float32 scale */
  }
  read_back(F, n, 0, lo, hi, sc, nc, axis);
}

/* BipolarQuant(X, scale), and Quant with 1 bit signed: y = (x >= 0 ? 1 : -1)
 * * scale.  A sign is no requantization, so a fixed input is read back as
 * its (exact) float value and the float quantizer runs; its +-1 codes enter
 * the integer pipeline at the scale's fraction bits. */
static void bipolar(Fixer *F, Node *n, int64_t z, int64_t zmax) {
  Value *x = n->in[0], *scale = n->in[1];
  if (!scale->data)
    error_node(F->g, n, "scale must be a constant");
  if (is_fixed(x)) {
    n->in[0] = to_float(F, n, x);
    infer_node(F->g, n);
  }
  int axis, f;
  int *fc = po2_fracs(F, n, scale, n->in[0], &axis, &f);
  if (!fc) {
    read_scaled_codes(F, n, NULL, 0, axis, -1 - zmax, 1 - z);
    return;
  }
  __int128 m = 1;  /* codes (+-1 - z) * 2^(f - f_c) */
  for (int64_t c = 0; c < value_numel(scale); c++)
    m = max2(m, (__int128)1 << (f - fc[c]));
  __int128 lo = zmax > -1 ? (-1 - zmax) * m : -1 - zmax, hi = z < 1 ? (1 - z) * m : 1 - z;
  read_float_quantizer(F, n, f, lo, hi);
}

void fix_bipolar(Fixer *F, Node *n) { bipolar(F, n, 0, 0); }

/* The bounds [*lo, *hi] of a float value made by a Clip with constant
 * bounds (an input's range, `input x: float32[...] in [lo, hi]`), or 0. */
static int clamped(const Value *x, double *lo, double *hi) {
  const Node *c = x->producer;
  double b[2];
  if (!c || c->op != OP_CLIP || is_fixed(x) || !clip_bounds(c, b))
    return 0;
  *lo = isnan(b[0]) ? -INFINITY : b[0];  /* a NaN bound clamps nothing */
  *hi = isnan(b[1]) ? INFINITY : b[1];
  if (*lo > *hi)  /* min(max(x, lo), hi) is hi everywhere */
    *lo = *hi;
  return 1;
}

/* Quant(X, scale, zeropt, bitwidth) with power-of-two scales.  The stored
 * integer is q - zeropt, clamped to [min_int - zp, max_int - zp]; channel c
 * has f_c fraction bits and is stored at the tensor's f = max f_c. */
void fix_quant(Fixer *F, Node *n) {
  Graph *g = F->g;
  Value *x = n->in[0], *scale = n->in[1], *zp = n->in[2], *bw = n->in[3];
  if (!scale->data || !zp->data || !bw->data)
    error_node(g, n, "scale, zeropt and bitwidth must be constants");
  int bits = (int)value_get_f64(bw, 0);
  int sgn = (int)attr_int(n, "signed", 1), narrow = (int)attr_int(n, "narrow", 0);
  RoundMode mode = round_mode_of(F, n);  /* read now: the node's attributes are replaced below */
  int wrap = attr_int(n, "bibc_overflow", OVF_SAT) == OVF_WRAP;
  if (!is_fixed(x) && (attr_find(n, "bibc_round") || attr_find(n, "bibc_overflow")))
    error_node(g, n, "bibc_round and bibc_overflow requantize a fixed-point value, but this "
               "Quant reads a float one: remove them, or quantize its input first");
  double z = value_get_f64(zp, 0), zmax = z;  /* z: the smallest zero point */
  for (int64_t i = 0; i < value_numel(zp); i++) {
    double zi = value_get_f64(zp, i);
    if (zi != floor(zi) || fabs(zi) > 1e9)
      error_node(g, n, "zeropt %g is not an integer; the fixed-point pipeline needs integer "
                 "zero points", zi);
    z = zi < z ? zi : z;
    zmax = zi > zmax ? zi : zmax;
  }
  if (bits == 1 && sgn) {
    bipolar(F, n, (int64_t)z, (int64_t)zmax);
    return;
  }
  int64_t min_int = sgn ? -((int64_t)1 << (bits - 1)) + narrow : 0;
  int64_t max_int = sgn ? ((int64_t)1 << (bits - 1)) - 1 : ((int64_t)1 << bits) - 1 - narrow;
  int64_t lo_q = min_int - (int64_t)zmax, hi_q = max_int - (int64_t)z;
  int axis, f;
  int64_t nc = value_numel(scale);
  int *fc = po2_fracs(F, n, scale, x, &axis, &f);
  /* round(t + z) - z is round(t) for FLOOR and CEIL, and for HALF_EVEN
   * with an even z; otherwise a shift cannot requantize. */
  int zshift = z == zmax && (z == 0 || mode == RND_FLOOR || mode == RND_CEIL ||
                             (mode == RND_HALF_EVEN && fmod(z, 2) == 0));
  if (!fc || (is_fixed(x) && (x->rscale || !zshift))) {
    /* A scale that is not a power of two, a scaled input (no shift
     * requantizes it), or a zero point that moves the rounding: the float
     * quantizer runs on the exact value and its codes are read back
     * (fold_thresholds makes it integer again). */
    if (is_fixed(x)) {
      n->in[0] = to_float(F, n, x);
      infer_node(g, n);
      x = n->in[0];
    }
    if (!fc) {
      read_scaled_codes(F, n, NULL, 0, axis, lo_q, hi_q);
      return;
    }
  }
  int64_t *ch = arena_alloc(g->arena, sizeof *ch * 4 * (size_t)nc);
  __int128 lo = 0, hi = 0;
  double blo, bhi;
  for (int64_t c = 0; c < nc; c++) {
    int64_t shift = is_fixed(x) ? x->fx.f - fc[c] : 0, post = f - fc[c];
    if (is_fixed(x) && x->qlo == 0 && x->qhi == 0)
      shift = 0;  /* x is 0 (a layer whose weights all quantized to 0): any shift gives 0 */
    /* a left shift (shift < 0) must keep the input's range within 64 bits */
    int far = shift > 62 || shift < -62 || post > 62 ||
              (is_fixed(x) && shift < 0 && ((__int128)x->qlo * ((__int128)1 << -shift) < INT64_MIN ||
                                            (__int128)x->qhi * ((__int128)1 << -shift) > INT64_MAX));
    if (far)
      error_node(g, n, "scale 2^%d is too far from the input's 2^%d for 64-bit arithmetic", -fc[c],
                 is_fixed(x) ? -x->fx.f : 0);
    int64_t clo = lo_q, chi = hi_q;
    if (is_fixed(x)) {  /* tighten by the input's range (rounding is monotone) */
      int64_t rlo = rt_fx_round(x->qlo, shift, mode);
      int64_t rhi = rt_fx_round(x->qhi, shift, mode);
      if (!wrap || (rlo >= lo_q && rhi <= hi_q)) {  /* WRAP: only if nothing can wrap */
        clo = rlo < lo_q ? lo_q : rlo > hi_q ? hi_q : rlo;
        chi = rhi < lo_q ? lo_q : rhi > hi_q ? hi_q : rhi;
      } else {  /* rt_requant wraps to all of W bits, whatever narrow and the zero point */
        clo = !sgn ? 0 : bits >= 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
        chi = bits >= 64 ? INT64_MAX : sgn ? ((int64_t)1 << (bits - 1)) - 1
                                           : bits == 63 ? INT64_MAX : ((int64_t)1 << bits) - 1;
      }
    } else if (clamped(x, &blo, &bhi) && !wrap) {
      /* a float input clamped to [blo, bhi]: its codes lie in [floor(blo
       * 2^f_c), ceil(bhi 2^f_c)] whatever the rounding (an integer zero
       * point shifts both sides alike); a NaN passes Clip and Quant and
       * reads back as code 0, so 0 stays in the range */
      double l = floor(ldexp(blo, fc[c])), h = ceil(ldexp(bhi, fc[c]));
      if (l > (double)clo && l < (double)chi)
        clo = (int64_t)l;
      if (h < (double)chi && h > (double)clo)
        chi = (int64_t)h;
      clo = clo > 0 && 0 >= lo_q ? 0 : clo;
      chi = chi < 0 && 0 <= hi_q ? 0 : chi;
    }
    const int64_t row[4] = {shift, lo_q, hi_q, post};
    memcpy(ch + 4 * c, row, sizeof row);
    __int128 l = clo * ((__int128)1 << post), h = chi * ((__int128)1 << post);
    lo = c == 0 || l < lo ? l : lo;
    hi = c == 0 || h > hi ? h : hi;
  }
  if (!is_fixed(x)) {  /* a float value: keep the float quantizer, read its exact result */
    read_float_quantizer(F, n, f, lo, hi);
    return;
  }
  n->op = OP_REQUANT;
  n->nin = 1;
  n->nattrs = 0;
  node_set_int(g, n, "mode", mode);
  node_set_int(g, n, "ovf", wrap ? OVF_WRAP : OVF_SAT);
  node_set_int(g, n, "w", bits);
  node_set_int(g, n, "sgn", sgn);
  node_set_int(g, n, "axis", axis);
  node_set_ints(g, n, "channels", ch, 4 * (int)nc);
  infer_node(g, n);
  set_fixed(F, n, n->out[0], f, lo, hi);
}

/* MultiThreshold(X, T): Y = out_scale * count + out_bias, count in 0..B.
 * Its float32 outputs y_j (the kernel's arithmetic) are read back as
 * integers when out_scale is a power of two and they are base + j * step
 * on a power-of-two grid (FINN's out_scale 1 or 2, integer out_bias), or
 * as scaled codes j + m (real value (j + m) * out_scale) when out_bias =
 * m * out_scale exactly; otherwise it stays a float op. */
void fix_multithreshold(Fixer *F, Node *n) {
  Graph *g = F->g;
  if (!n->in[1]->data || n->out[0]->dt != DT_F32) {
    float_op(F, n);
    return;
  }
  if (is_fixed(n->in[0])) {
    n->in[0] = to_float(F, n, n->in[0]);
    infer_node(g, n);
  }
  int64_t nb = n->ip[3];
  float os = (float)n->fp[0], ob = (float)n->fp[1];
  if (nb < 1 || nb > 65536 || !(os > 0))
    return;
  Value *lev = value_new(g, arena_printf(g->arena, "%s.levels", n->out[0]->name));
  lev->dt = DT_F32;
  lev->rank = 1;
  lev->dims[0] = nb + 1;
  lev->shape_known = 1;
  float *y = lev->data = arena_alloc(g->arena, sizeof(float) * (size_t)(nb + 1));
  for (int64_t j = 0; j <= nb; j++)
    y[j] = (float)((float)((float)j * os) + ob);
  int e, f = frexp(os, &e) == 0.5 ? exact_frac(lev) : INT32_MIN;  /* else scaled codes */
  if (f != INT32_MIN) {
    int64_t c0 = (int64_t)ldexp(y[0], f), step = (int64_t)ldexp(y[1], f) - c0;
    int even = step > 0;
    for (int64_t j = 2; j <= nb && even; j++)
      even = (int64_t)ldexp(y[j], f) == c0 + j * step;
    if (even) {
      read_float_quantizer(F, n, f, c0, c0 + nb * step);
      return;
    }
  }
  double m = (double)ob / (double)os;
  if (m != rint(m) || (double)ob != m * (double)os || fabs(m) + (double)nb >= 1048576.0)
    return;  /* an offset that is no whole number of steps: the float op stays */
  double *sc = arena_alloc(g->arena, sizeof *sc);
  *sc = os;
  read_scaled_codes(F, n, sc, 1, -1, (int64_t)m, (int64_t)m + nb);
}

/* ---- codes of folded weight quantizers, and their scales ---- */

/* The integer codes of a constant B that a folded quantizer with one
 * scale per index of B's axis (output column of a MatMul: axis 1; output
 * channel of a Conv: axis 0), not all powers of two, made (B.qscale):
 * codes c with B == float32(c * s) exactly, |c| < 2^24.  *sw gets the
 * scale per index of axis.  NULL if B is not such a constant. */
Value *weight_codes(Fixer *F, Node *n, Value *b, int axis, const double **sw) {
  const Value *qs = b->qscale;
  if (!qs || b->dt != DT_F32 || axis >= b->rank)
    return NULL;
  int64_t cnt = value_numel(b), nc = b->dims[axis], inner = 1;
  for (int d = axis + 1; d < b->rank; d++)
    inner *= b->dims[d];
  const float *w = b->data, *s = qs->data;
  int po2 = 1;
  for (int64_t i = 0; i < cnt; i++) {
    int e;
    po2 &= frexp(s[i], &e) == 0.5;
    if (s[i] != s[((i / inner) % nc) * inner] || !(s[i] > 0))
      return NULL;  /* the scale varies along another axis: no per-channel factor */
  }
  if (po2)
    return NULL;
  Value *q = value_new(F->g, arena_printf(F->g->arena, "%s.codes", b->name));
  q->dt = DT_I64;
  q->rank = b->rank;
  memcpy(q->dims, b->dims, sizeof q->dims);
  q->shape_known = 1;
  int64_t *c = q->data = arena_alloc(F->g->arena, sizeof *c * (size_t)(cnt + 1)), lo = 0, hi = 0;
  for (int64_t i = 0; i < cnt; i++) {
    double r = rint((double)w[i] / (double)s[i]);
    if (!(fabs(r) < 16777216.0) || (float)((float)r * s[i]) != w[i])
      return NULL;
    c[i] = (int64_t)r;
    lo = i == 0 || c[i] < lo ? c[i] : lo;
    hi = i == 0 || c[i] > hi ? c[i] : hi;
  }
  set_fixed(F, n, q, 0, lo, hi);
  double *d = arena_alloc(F->g->arena, sizeof *d * (size_t)nc);
  for (int64_t k = 0; k < nc; k++)
    d[k] = s[k * inner];
  *sw = d;
  return q;
}

/* Output scale y: x's (one per tensor, or 1) times w's per channel (or 1),
 * exact in double; NULL when neither has a scale.  *ns = their count. */
int product_scale(Fixer *F, const Value *x, const double *sw, int64_t nc, double **sy,
                  int64_t *ns) {
  *ns = sw || x->rscale ? (sw ? nc : 1) : 0;
  *sy = NULL;
  if (!*ns)
    return 1;
  *sy = arena_alloc(F->g->arena, sizeof **sy * (size_t)*ns);
  for (int64_t j = 0; j < *ns; j++) {
    double a = x->rscale ? x->rscale[0] : 1, b = sw ? sw[j] : 1;
    (*sy)[j] = a * b;
    if (fma(a, b, -(*sy)[j]) != 0)
      return 0;
  }
  return 1;
}

void set_scale(Value *y, double *s, int64_t ns, int axis) {
  y->rscale = s;
  y->nrscale = ns;
  y->rscale_axis = ns > 1 ? axis : -1;
}
