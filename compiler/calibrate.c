/*
 * calibrate.c - observed value ranges for post-training quantization
 * (--calibrate X.npy).  The float graph (after fold_batchnorm and prune,
 * before any quantizer) runs once per sample of X with the reference
 * interpreter's kernels, and every computed float value records its largest
 * finite |v|.  quantize_ptq turns that into integer bits.
 *
 * Like interp_run, one heap buffer per computed value, reused by every
 * sample; cost: samples x (graph work + one scan of every value).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "../frontend/frontend.h"

/* Checks the data against graph input gi: [N, d1, ...] for an input
 * [1, d1, ...], or exactly gi's shape.  Returns N. */
static int64_t samples_in(Graph *g, const char *file, Value *x, const Value *gi) {
  int ok = x->rank == gi->rank;
  for (int d = 1; ok && d < x->rank; d++)
    ok = x->dims[d] == gi->dims[d];
  ok = ok && (x->rank == 0 || x->dims[0] == gi->dims[0] || gi->dims[0] == 1);
  if (!ok || value_numel(x) == 0) {
    Value want = *gi;
    if (want.rank > 0 && want.dims[0] == 1)
      want.dims[0] = 0;
    char *s = shape_str(g->arena, &want);
    if (want.rank > 0 && want.dims[0] == 0)  /* shown as N */
      s = arena_printf(g->arena, "[N%s", strchr(s, ',') ? strchr(s, ',') : "]");
    error_at(file, NULL, "calibration data has shape %s; the model's input '%s' is %s, so the "
             "data must be %s (N samples)", shape_str(g->arena, x), gi->name,
             shape_str(g->arena, gi), s);
  }
  return x->rank && gi->dims[0] == 1 ? x->dims[0] : 1;
}

/* The data as float32 (float64 is converted; other types are errors). */
static const float *as_f32(Graph *g, const char *file, Value *x) {
  if (x->dt == DT_F32)
    return x->data;
  if (x->dt != DT_F64)
    error_at(file, NULL, "calibration data has element type %s; the model's input is float32",
             dtype_name(x->dt));
  int64_t n = value_numel(x);
  float *f = arena_alloc(g->arena, sizeof *f * (size_t)(n ? n : 1));
  for (int64_t i = 0; i < n; i++)
    f[i] = (float)((double *)x->data)[i];
  return f;
}

double *calibrate(Graph *g, const char *file) {
  if (g->ninputs != 1)
    error_at(file, NULL, "--calibrate takes the samples of one graph input; the model has %d",
             g->ninputs);
  Value *gi = g->inputs[0];
  if (gi->dt != DT_F32)
    error_at(file, NULL, "--calibrate needs a float32 graph input; '%s' is %s", gi->name,
             dtype_name(gi->dt));
  Value *x = tensor_read(g->arena, file);
  const float *data = as_f32(g, file, x);
  int64_t ns = samples_in(g, file, x, gi), per = value_numel(gi);
  int nv = g->nvalues;
  double *mx = arena_alloc(g->arena, sizeof *mx * (size_t)(nv + 1));
  void **buf = calloc((size_t)nv + 1, sizeof *buf);
  void **owned = calloc((size_t)nv + 1, sizeof *owned);
  if (!buf || !owned)
    die("out of memory");
  for (int i = 0; i < nv; i++) {
    Value *v = g->values[i];
    mx[i] = -1;  /* not observed */
    if (v->data) {
      buf[i] = v->data;
    } else if (v->producer) {
      size_t sz = (size_t)value_numel(v) * dtype_size(v->dt);
      owned[i] = buf[i] = calloc(sz ? sz : 1, 1);
      if (!buf[i])
        die("out of memory");
    }
  }
  int maxt = 1;
  for (int i = 0; i < g->nnodes; i++)
    maxt = g->nodes[i]->ntargs > maxt ? g->nodes[i]->ntargs : maxt;
  void **t = calloc((size_t)maxt, sizeof *t);
  if (!t)
    die("out of memory");
  for (int64_t s = 0; s < ns; s++) {
    buf[gi->id] = (void *)(data + s * per);
    for (int i = 0; i < g->nnodes; i++) {
      Node *n = g->nodes[i];
      if (!n->kernel)
        continue;
      for (int k = 0; k < n->ntargs; k++)
        t[k] = n->targs[k] ? buf[n->targs[k]->id] : NULL;
      interp_check(g, n, t);
      interp_node(n, t);
    }
    for (int i = 0; i < nv; i++) {
      Value *v = g->values[i];
      if (v->data || v->dt != DT_F32 || !buf[i] || (!v->producer && v != gi))
        continue;
      const float *p = buf[i];
      double m = mx[i] < 0 ? 0 : mx[i];
      for (int64_t e = 0; e < value_numel(v); e++)
        if (isfinite(p[e]) && fabs(p[e]) > m)
          m = fabs(p[e]);
      mx[i] = m;
    }
  }
  for (int i = 0; i < nv; i++)
    free(owned[i]);
  free(owned);
  free(buf);
  free(t);
  return mx;
}
