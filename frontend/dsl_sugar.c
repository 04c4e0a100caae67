/*
 * dsl_sugar.c - the model language's conveniences over ONNX's vocabulary
 * (doc/dsl.md), each turned into plain IR:
 *
 * Annotations, written before an operator (for that node), an input or
 * the model line (for the whole model), in --config's vocabulary:
 *
 *   @precision("fixed<16,6>")                     weight, bias and result
 *   @precision(weight="fixed<8,2>", bias="fixed<12,4>", result="ufixed<12,4>",
 *              accum="fixed<24,10>", rounding="RND", saturation="SAT")
 *   @prune(0.4)                                   zero 40 % of the weights
 *   @precision(layer="Dense", weight="fixed<8,2>")  (model line) LayerType
 *
 * are collected into one Annot that the statement takes.  The strings are
 * kept as written, each with its place: quantize_ptq (ptq_config.c) reads
 * the types and modes and points at the string when one is wrong, as it
 * does for a --config file.  Here: the annotation's name, its keys, each
 * key once, string values, and the fraction of @prune.
 *
 * Fixed-point input types (input x: fixed<8,3>[1, 4]): a float32 input
 * with that precision.  Input ranges (input x: float32[1, 4] in [-1, 1]):
 * a Clip of the input.  Layer names (Dense, Conv1D, Conv2D, as hls4ml and
 * --config's LayerType say): the ONNX operator they are.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dsl.h"

static void set(Annot *a, int k, const DslArg *g) {
  if (a->key[k])
    error_loc(&g->loc, "@precision: %s is given twice for this statement (first at line %d)",
              annot_key_names[k], a->at[k].line);
  a->key[k] = g->val->s;
  a->at[k] = g->val->loc;
}

static void precision(Annot *a, const SrcLoc *loc, const DslArg *args) {
  if (!args)
    error_loc(loc, "@precision needs a type: @precision(\"fixed<16,6>\"), or keys "
              "weight=, bias=, result=, accum=, rounding=, saturation=");
  for (const DslArg *g = args; g; g = g->next) {
    if (g->attr && strcmp(g->name, "layer") == 0)
      continue;  /* dsl_annot's */
    if (!g->val || g->val->kind != DV_STRING)
      error_loc(&g->loc, "@precision takes strings: a type such as \"fixed<16,6>\" (for weight, "
                "bias and result), or KEY=\"...\"");
    if (!g->attr) {
      for (int k = ANNOT_WEIGHT; k <= ANNOT_RESULT; k++)
        set(a, k, g);
      continue;
    }
    int k = 0;
    while (k < ANNOT_NKEYS && strcmp(annot_key_names[k], g->name) != 0)
      k++;
    if (k == ANNOT_NKEYS)
      error_loc(&g->loc, "@precision has no key '%s' (weight, bias, result, accum, rounding, "
                "saturation, and on the model line layer)", g->name);
    set(a, k, g);
  }
}

static void prune(Dsl *d, Annot *a, const SrcLoc *loc, const DslArg *args) {
  const DslVal *v = args && !args->next && !args->attr ? args->val : NULL;
  if (!v || v->kind != DV_NUMS || !v->scalar)
    error_loc(args ? &args->loc : loc, "@prune takes one number, the fraction of the weights to "
              "zero: @prune(0.4)");
  double f = dsl_num_f(d, v->start);
  if (!(f >= 0 && f < 1))
    error_loc(&v->loc, "@prune needs a fraction in [0, 1), got %g", f);
  if (a->zero_fraction >= 0)
    error_loc(loc, "@prune is given twice for this statement (first at line %d)",
              a->prune_at.line);
  a->zero_fraction = f;
  a->prune_at = *loc;
}

Annot *dsl_annot(Dsl *d, Annot *a, const char *what, const SrcLoc *loc, DslArg *args) {
  if (!a) {
    a = arena_alloc(d->g->arena, sizeof *a);
    a->zero_fraction = -1;
    d->annot_line = loc->line;  /* until the grammar reaches the statement that takes it */
  }
  const DslArg *layer = NULL;
  for (const DslArg *g = args; g && strcmp(what, "precision") == 0; g = g->next)
    if (g->attr && strcmp(g->name, "layer") == 0)
      layer = g;
  int wrank;
  if (layer) {  /* @precision(layer="Dense", ...): an entry of its own, like LayerType */
    if (!layer->val || layer->val->kind != DV_STRING ||
        (op_lookup(layer->val->s) < 0 && layer_lookup(layer->val->s, &wrank) < 0))
      error_loc(&layer->loc, "@precision: layer= takes an operator or layer name in quotes, "
                "such as \"Dense\", \"Conv2D\" or \"Relu\"");
    Annot *e = arena_alloc(d->g->arena, sizeof *e);
    e->zero_fraction = -1;
    e->layer = layer->val->s;
    e->layer_at = layer->val->loc;
    precision(e, loc, args);
    int any = 0;
    for (int k = 0; k < ANNOT_NKEYS; k++)
      any |= e->key[k] != NULL;
    if (!any)
      error_loc(loc, "@precision(layer=\"%s\") gives no type: add weight=, bias=, result=, "
                "accum=, rounding= or saturation=", e->layer);
    Annot *t = a;
    for (; t->next; t = (Annot *)t->next)  /* (entries are this file's own) */
      if (strcmp(t->next->layer, e->layer) == 0)
        error_loc(&e->layer_at, "@precision(layer=\"%s\") is given twice (first at line %d)",
                  e->layer, t->next->layer_at.line);
    t->next = e;
  } else if (strcmp(what, "precision") == 0)
    precision(a, loc, args);
  else if (strcmp(what, "prune") == 0)
    prune(d, a, loc, args);
  else
    error_loc(loc, "unknown annotation '@%s' (there are @precision and @prune)", what);
  return a;
}

/* ---- fixed-point input types ---- */

const char *dsl_fixed_type(Dsl *d, const char *s) {
  const char *p = strncmp(s, "ap_", 3) == 0 ? s + 3 : s;
  if (!strchr(p, '<'))
    return NULL;
  char sg;
  int w, f, n = 0;  /* bibc's exact fixed<s,W,F>: W bits, F of them fraction */
  if (sscanf(p, "fixed<%c,%d,%d>%n", &sg, &w, &f, &n) == 3 && !p[n] && (sg == 's' || sg == 'u'))
    return arena_printf(d->g->arena, "%sfixed<%d,%d>", sg == 's' ? "" : "u", w, w - f);
  return s;  /* hls4ml's spelling, read (and checked) by quantize_ptq */
}

int dsl_fixed_frac(const char *s) {
  const char *p = strncmp(s, "ap_", 3) == 0 ? s + 3 : s;
  p += *p == 'u';
  int w, i;
  if (sscanf(p, "fixed<%d,%d", &w, &i) == 2)
    return w - i;
  return sscanf(p, "int<%d", &w) == 1 ? 0 : INT32_MIN;
}

void dsl_node_annot(const Annot *a) {
  if (a && a->next)
    error_loc(&a->next->layer_at, "@precision(layer=...) sets a type for every layer of a kind: "
              "it goes before the model line");
}

const Annot *dsl_input_annot(Dsl *d, const Annot *a, const DslType *t) {
  dsl_node_annot(a);
  if (a && a->zero_fraction >= 0)
    error_loc(&a->prune_at, "@prune zeroes weights: it goes before a layer or the model line, "
              "not an input");
  for (int k = 0; a && k < ANNOT_NKEYS; k++)
    if (a->key[k] && (k == ANNOT_WEIGHT || k == ANNOT_BIAS || k == ANNOT_ACCUM) &&
        !a->key[ANNOT_RESULT])
      error_loc(&a->at[k], "an input has no %s: its @precision is its type, "
                "@precision(\"fixed<W,I>\") or result=\"...\"", annot_key_names[k]);
  if (!t->fix)
    return a;
  if (a && a->key[ANNOT_RESULT])
    error_loc(&a->at[ANNOT_RESULT], "the input's type %s is its precision already", t->fix);
  Annot *r = arena_alloc(d->g->arena, sizeof *r);
  if (a)
    *r = *a;
  else
    r->zero_fraction = -1;
  r->key[ANNOT_RESULT] = t->fix;
  r->at[ANNOT_RESULT] = t->loc;
  return r;
}

/* ---- input ranges ---- */

/* `input x: T in [lo, hi]` (dsl_build.c's dsl_input_range makes the Clip):
 * two numbers, lo <= hi, whole numbers of an integer type, multiples of a
 * fixed-point type's step (its codes are clamped), no range for bool. */
void dsl_check_range(const Dsl *d, const char *name, const DslType *t, const DslVal *bounds,
                     double b[2]) {
  const SrcLoc *at = &bounds->loc;
  for (int k = 0; k < 2; k++) {
    b[k] = dsl_num_f(d, bounds->start + k);
    if (isnan(b[k]))
      error_loc(at, "an input's range is two numbers, lo <= hi; NaN is not one");
  }
  if (b[0] > b[1])
    error_loc(at, "the range [%g, %g] of '%s' is empty (write [lo, hi], lo <= hi)", b[0], b[1],
              name);
  if (t->dt == DT_BOOL)
    error_loc(at, "a bool input has no range (it is 0 or 1)");
  if (!dtype_is_float(t->dt)) {  /* whole numbers of the type, or infinite */
    int uns = t->dt == DT_U8 || t->dt == DT_U16 || t->dt == DT_U32 || t->dt == DT_U64;
    double top = ldexp(1, 8 * (int)dtype_size(t->dt) - !uns);
    int wide = dtype_size(t->dt) == 8;  /* 2^63 - 1 is no double: dsl_tensor checks exactly */
    for (int k = 0; k < 2; k++)
      if (!isinf(b[k]) && (b[k] != floor(b[k]) || (!wide && (b[k] < (uns ? 0 : -top) || b[k] >= top))))
        error_loc(at, "the range's %s %g is not a whole number that %s holds",
                  k ? "upper bound" : "lower bound", b[k], dtype_name(t->dt));
  }
  int f = t->fix ? dsl_fixed_frac(t->fix) : INT32_MIN;
  for (int k = 0; k < 2 && f != INT32_MIN; k++) {
    double c = ldexp(b[k], f);
    if (!isinf(b[k]) && c != floor(c))
      error_loc(at, "the range's %s %g is not a multiple of 2^%d, the step of %s; clamping the "
                "input's codes needs bounds on its grid", k ? "upper bound" : "lower bound", b[k],
                -f, t->fix);
  }
}

/* ---- layer names (ops.h IR_LAYERS) ---- */

void dsl_check_layer(const Node *n, int wrank, const SrcLoc *loc) {
  const Value *w = n->nin > 1 ? n->in[1] : NULL;
  if (w && w->shape_known && w->rank != wrank)
    error_loc(loc, "%s takes a %d-d weight; '%s' is %d-d", n->optype, wrank, w->name, w->rank);
}
