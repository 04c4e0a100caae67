/*
 * dump.c - textual IR dump (--dump-ir, --dump-after PASS): one line per
 * graph input, constant, node and output, with element types, shapes and
 * each node's kernel call.  Deterministic, for golden tests.
 */
#include "ir.h"

static void type(FILE *f, const Value *v) {
  if (v->fx.w)
    fprintf(f, "fixed<%s,%d,%d>{%lld..%lld}", v->fx.sgn ? "s" : "u", v->fx.w, v->fx.f,
            (long long)v->qlo, (long long)v->qhi);
  if (v->fx.w && v->rscale) {  /* scaled integer: the first scales */
    if (v->nrscale > 1)
      fprintf(f, " * scale(axis %d){", v->rscale_axis);
    else
      fputs(" * scale{", f);
    for (int64_t c = 0; c < v->nrscale && c < 4; c++)
      fprintf(f, "%s%.9g", c ? ", " : "", v->rscale[c]);
    fputs(v->nrscale > 4 ? ", ...}" : "}", f);
  }
  if (v->fx.w)
    fputs(" in ", f);
  fprintf(f, "%s[", dtype_name(v->dt));
  for (int d = 0; d < v->rank; d++)
    fprintf(f, "%s%lld", d ? "," : "", (long long)v->dims[d]);
  fputc(']', f);
}

static void constant(FILE *f, const Value *v) {
  int64_t n = value_numel(v);
  fprintf(f, "const %%%s : ", v->name);
  type(f, v);
  fputs(" = {", f);
  for (int64_t i = 0; i < n && i < 8; i++) {
    if (dtype_is_float(v->dt))
      fprintf(f, "%s%.9g", i ? ", " : "", value_get_f64(v, i));
    else
      fprintf(f, "%s%lld", i ? ", " : "", (long long)value_get_i64(v, i));
  }
  int64_t zeros = 0;  /* pruned weights: shown when the list above is cut */
  for (int64_t i = 0; n > 8 && i < n; i++)
    zeros += dtype_is_float(v->dt) ? value_get_f64(v, i) == 0 : value_get_i64(v, i) == 0;
  fprintf(f, "%s}", n > 8 ? ", ..." : "");
  if (zeros)
    fprintf(f, "  # %lld of %lld zero", (long long)zeros, (long long)n);
  fputc('\n', f);
}

void ir_dump(const Graph *g, FILE *f) {
  fprintf(f, "graph \"%s\" opset %d\n", g->name, g->opset);
  for (int i = 0; i < g->ninputs; i++) {
    fprintf(f, "input %%%s : ", g->inputs[i]->name);
    type(f, g->inputs[i]);
    fputc('\n', f);
  }
  for (int i = 0; i < g->nvalues; i++) {
    const Value *v = g->values[i];
    if (v->data && v->nuses > 0)
      constant(f, v);
  }
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    for (int k = 0, first = 1; k < n->nout; k++) {
      if (!n->out[k])
        continue;
      fprintf(f, "%s%%%s : ", first ? "" : ", ", n->out[k]->name);
      type(f, n->out[k]);
      first = 0;
    }
    fprintf(f, " = %s(", op_name(n->op));
    for (int k = 0; k < n->nin; k++)
      fprintf(f, "%s%s%s", k ? ", " : "", n->in[k] ? "%" : "", n->in[k] ? n->in[k]->name : "_");
    fprintf(f, ")  # node %d \"%s\"", n->index, n->name);
    if (n->kernel) {
      fprintf(f, " %s ip={", n->kernel);
      for (int k = 0; k < n->nip; k++)
        fprintf(f, "%s%lld", k ? "," : "", (long long)n->ip[k]);
      fputs("} fp={", f);
      for (int k = 0; k < n->nfp; k++)
        fprintf(f, "%s%.9g", k ? "," : "", n->fp[k]);
      fputc('}', f);
    }
    fputc('\n', f);
  }
  for (int i = 0; i < g->noutputs; i++) {
    fprintf(f, "output %%%s : ", g->outputs[i]->name);
    type(f, g->outputs[i]);
    fputc('\n', f);
  }
}
