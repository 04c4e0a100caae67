/*
 * verify_report.c - the report of 'bibc verify' (verify.c): a table on
 * stdout and, with --json FILE, the same figures as JSON.  Both are
 * deterministic (no times, no temporary names) and show model-supplied
 * names with control characters replaced (table) or escaped (JSON).  A
 * simulated backend (verify_sim.c) adds its simulator, its latency and the
 * count of wrong core output codes (out_data bits) to its rows.
 */
#include <math.h>
#include <string.h>

#include "verify.h"
#include "../backends/backends.h"

static const char *const corner_names[NCORNER] = {"all minimum", "all maximum", "alternating",
                                                  "zeros"};

int verify_popcount(uint64_t x) {
  int c = 0;
  for (; x; x &= x - 1)
    c++;
  return c;
}

uint64_t verify_elem_bits(const unsigned char *p, size_t es) {
  uint8_t b1;
  uint16_t b2;
  uint32_t b4;
  uint64_t b8;
  switch (es) {
  case 1: memcpy(&b1, p, 1); return b1;
  case 2: memcpy(&b2, p, 2); return b2;
  case 4: memcpy(&b4, p, 4); return b4;
  default: memcpy(&b8, p, 8); return b8;
  }
}

/* Model-supplied names, printable characters only. */
static const char *clean(Arena *a, const char *s) {
  char *c = arena_strdup(a, s ? s : "");
  for (char *p = c; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = '?';
  return c;
}

/* An element's value and bits: "0.25 (0x3e800000)". */
static void print_elem(Arena *a, FILE *f, DType dt, const unsigned char *bytes) {
  size_t es = dtype_size(dt);
  Value x = {.dt = dt, .data = arena_alloc(a, 8)};
  memcpy(x.data, bytes, es);
  if (dtype_is_float(dt))
    fprintf(f, "%.9g", value_get_f64(&x, 0));
  else
    fprintf(f, "%lld", (long long)value_get_i64(&x, 0));
  fprintf(f, " (0x%0*llx)", (int)(2 * es), (unsigned long long)verify_elem_bits(bytes, es));
}

static const char *sample_name(const Verify *v, int64_t s) {
  return v->ndata || !v->fix->ninputs ? "" : s < v->ncorner ? corner_names[s] : "random";
}

/* A code and its w bits: "-3 (0xd)", "x (0x?)" when undefined. */
static void print_code(FILE *f, int64_t code, uint64_t bits, int w, int undef) {
  if (undef)
    fputs("x/z", f);
  else
    fprintf(f, "%lld", (long long)code);
  fprintf(f, " (0x%0*llx)", (w + 3) / 4, (unsigned long long)bits);
}

static uint64_t total_bits(const Verify *v, const Report *r) {
  uint64_t bits = 0;
  for (int k = 0; k < v->fix->noutputs; k++)
    bits += r->bits[k];
  return bits;
}

static int64_t total_elems(const Verify *v, const Report *r) {
  int64_t n = 0;
  for (int k = 0; k < v->fix->noutputs; k++)
    n += r->elems[k];
  return n;
}

int verify_print(Verify *v, FILE *f) {
  Arena *a = v->a;
  Graph *g = v->fix;
  int ok = 1;
  fprintf(f, "bibc verify %s\n", clean(a, v->model));
  if (v->ndata) {
    fprintf(f, "samples: %lld, from --data", (long long)v->n);
    for (int k = 0; k < v->ndata; k++)
      fprintf(f, " %s", clean(a, v->data[k]));
    fputc('\n', f);
  } else if (!g->ninputs) {
    fputs("samples: 1 (the model has no non-constant inputs)\n", f);
  } else {
    fprintf(f, "samples: %lld = %d corner vectors (all minimum, all maximum, alternating, zeros) "
            "+ %lld random (seed %#x)\n", (long long)v->n, v->ncorner, (long long)v->nrandom, SEED);
    for (int k = 0; k < g->ninputs; k++) {
      const Value *x = g->inputs[k], *q = v->quant[k];
      fprintf(f, "  input %d '%s' %s%s: uniform in [%.9g, %.9g]", k, clean(a, x->name),
              dtype_name(x->dt), shape_str(a, x), v->lo[k], v->hi[k]);
      if (q)
        fprintf(f, ", the range of its quantizer (fixed<%s,%d,%d>%s)", q->fx.sgn ? "s" : "u",
                q->fx.w, q->fx.f, q->rscale ? " * scale" : "");
      if (q && (v->wlo[k] != v->lo[k] || v->whi[k] != v->hi[k]))
        fprintf(f, "; every other random one in [%.9g, %.9g], the quantizer's before the "
                "requantization\n", v->wlo[k], v->whi[k]);
      else if (q)
        fputc('\n', f);
      else
        fputs(", default range (no input quantizer)\n", f);
    }
  }
  fputs("\nfixed-point vs float model (interpreter):\n", f);
  fprintf(f, "  %-6s  %12s  %-24s  %s\n", "output", "max |error|", "argmax agreement", "name");
  for (int k = 0; k < g->noutputs; k++) {
    char agree[64] = "-";
    if (v->nargmax[k])
      snprintf(agree, sizeof agree, "%.2f%% (%lld/%lld)",
               floor(10000.0 * (double)v->agree[k] / (double)v->nargmax[k]) / 100,
               (long long)v->agree[k], (long long)v->nargmax[k]);
    fprintf(f, "  %-6d  %12.6g  %-24s  %s %s%s\n", k, v->maxerr[k], agree,
            clean(a, v->flt->outputs[k]->name), dtype_name(g->outputs[k]->dt),
            shape_str(a, g->outputs[k]));
  }
  fputs("\nbackends vs fixed-point model (bitwise):\n", f);
  int tw = 6;  /* the target column: as wide as the longest name */
  for (int t = 0; t < v->nrep; t++)
    tw = (int)strlen(v->rep[t].b->name) > tw ? (int)strlen(v->rep[t].b->name) : tw;
  fprintf(f, "  %-*s  %-6s  %16s  %-22s  %s\n", tw, "target", "output", "mismatching bits",
          "mismatching elements", "name");
  for (int t = 0; t < v->nrep; t++) {
    const Report *r = &v->rep[t];
    for (int k = 0; k < g->noutputs; k++) {
      char el[64];
      snprintf(el, sizeof el, "%lld of %lld", (long long)r->elems[k],
               (long long)(v->n * value_numel(g->outputs[k])));
      fprintf(f, "  %-*s  %-6d  %16llu  %-22s  %s\n", tw, r->b->name, k, (unsigned long long)r->bits[k],
              el, clean(a, v->flt->outputs[k]->name));
    }
    if (r->sim) {
      fprintf(f, "  %s: simulated with %s (%s), LATENCY %d cycles: out_valid on time for every "
              "vector\n", r->b->name, r->sim_name, r->sim, r->latency);
      if (r->argmax_codes)
        fprintf(f, "  %s: out_data and argmax: %llu mismatching bit%s in %lld core output codes and "
                "%lld argmax indices\n  %s: argmax: %lld of %lld indices wrong (against numpy's argmax "
                "of the reference scores, lowest index on ties)\n", r->b->name,
                (unsigned long long)r->codebits, r->codebits == 1 ? "" : "s", (long long)r->ncodes,
                (long long)r->argmax_codes, r->b->name, (long long)r->argmax_wrong,
                (long long)r->argmax_codes);
      else
        fprintf(f, "  %s: out_data: %llu mismatching bit%s in %lld core output codes\n", r->b->name,
                (unsigned long long)r->codebits, r->codebits == 1 ? "" : "s", (long long)r->ncodes);
    }
    if (r->codefound) {
      const CodeMismatch *m = &r->firstcode;
      fprintf(f, "  %s: first out_data mismatch: sample %lld%s%s%s, core output %d '%s', element "
              "%lld: got ", r->b->name, (long long)m->sample, *sample_name(v, m->sample) ? " (" : "",
              sample_name(v, m->sample), *sample_name(v, m->sample) ? ")" : "", m->port,
              clean(a, m->name), (long long)m->index);
      print_code(f, m->got, m->gotbits, m->w, m->undef);
      fputs(", want ", f);
      print_code(f, m->want, m->wantbits, m->w, 0);
      fprintf(f, "\n  %s: in_data of sample %lld: 0x%s\n", r->b->name, (long long)m->sample,
              m->in_data);
    }
    if (r->found) {
      const Mismatch *m = &r->first;
      const Value *o = g->outputs[m->out];
      fprintf(f, "  %s: first mismatch: sample %lld%s%s%s, output %d, element %lld: got ", r->b->name,
              (long long)m->sample, *sample_name(v, m->sample) ? " (" : "", sample_name(v, m->sample),
              *sample_name(v, m->sample) ? ")" : "", m->out, (long long)m->index);
      print_elem(a, f, o->dt, m->got);
      fputs(", want ", f);
      print_elem(a, f, o->dt, m->want);
      fputc('\n', f);
    }
    ok &= !r->found && !r->codefound;
  }
  fprintf(f, "\nresult: %s\n", ok ? "OK, every backend computes the fixed-point model bit for bit"
                                : "FAIL, a backend differs from the fixed-point model");
  return ok;
}

void verify_print_errors(Verify *v, FILE *f) {
  for (int t = 0; t < v->nrep; t++) {
    const Report *r = &v->rep[t];
    uint64_t bits = total_bits(v, r);
    if (r->codefound) {
      const CodeMismatch *m = &r->firstcode;
      fprintf(f, "%s: error: target %s: %llu mismatching out_data%s bit%s (first: sample %lld, core "
              "output %d '%s', element %lld: got ", clean(v->a, v->model), r->b->name,
              (unsigned long long)r->codebits, r->argmax_codes ? " and argmax" : "",
              r->codebits == 1 ? "" : "s", (long long)m->sample,
              m->port, clean(v->a, m->name), (long long)m->index);
      print_code(f, m->got, m->gotbits, m->w, m->undef);
      fputs(", want ", f);
      print_code(f, m->want, m->wantbits, m->w, 0);
      fputs(")\n", f);
    } else if (r->found)
      fprintf(f, "%s: error: target %s: %llu mismatching bit%s (first: sample %lld, output %d, "
              "element %lld)\n", clean(v->a, v->model), r->b->name, (unsigned long long)bits,
              bits == 1 ? "" : "s", (long long)r->first.sample, r->first.out,
              (long long)r->first.index);
  }
}

static void json_shape(FILE *f, const Value *x) {
  fputc('[', f);
  for (int d = 0; d < x->rank; d++)
    fprintf(f, "%s%lld", d ? ", " : "", (long long)x->dims[d]);
  fputc(']', f);
}

void verify_write_json(Verify *v, int ok) {
  Graph *g = v->fix;
  OutFile o;
  out_open(&o, v->json);
  FILE *f = o.f;
  fputs("{\n  \"model\": ", f);
  json_str(f, v->model);
  fprintf(f, ",\n  \"samples\": %lld,\n  \"corner_samples\": %d,\n  \"random_samples\": %lld,\n",
          (long long)v->n, v->ncorner, (long long)(v->ndata ? 0 : v->nrandom));
  fputs("  \"data\": [", f);
  for (int k = 0; k < v->ndata; k++)
    fputs(k ? ", " : "", f), json_str(f, v->data[k]);
  fputs("],\n  \"inputs\": [", f);
  for (int k = 0; k < g->ninputs; k++) {
    fprintf(f, "%s\n    {\"index\": %d, \"name\": ", k ? "," : "", k);
    json_str(f, g->inputs[k]->name);
    fprintf(f, ", \"dtype\": \"%s\", \"shape\": ", dtype_name(g->inputs[k]->dt));
    json_shape(f, g->inputs[k]);
    if (!v->ndata) {
      fputs(", \"lo\": ", f);
      json_num(f, v->lo[k]);
      fputs(", \"hi\": ", f);
      json_num(f, v->hi[k]);
      fprintf(f, ", \"range\": \"%s\"", v->quant[k] ? "quantizer" : "default");
    }
    fputc('}', f);
  }
  fputs("\n  ],\n  \"fixed_vs_float\": [", f);
  for (int k = 0; k < g->noutputs; k++) {
    fprintf(f, "%s\n    {\"output\": %d, \"name\": ", k ? "," : "", k);
    json_str(f, v->flt->outputs[k]->name);
    fputs(", \"shape\": ", f);
    json_shape(f, g->outputs[k]);
    fputs(", \"max_abs_error\": ", f);
    json_num(f, v->maxerr[k]);
    if (v->nargmax[k])
      fprintf(f, ", \"argmax_agree\": %lld, \"argmax_samples\": %lld, \"argmax_agreement\": %.17g}",
              (long long)v->agree[k], (long long)v->nargmax[k],
              (double)v->agree[k] / (double)v->nargmax[k]);
    else
      fputs(", \"argmax_agree\": null, \"argmax_samples\": 0, \"argmax_agreement\": null}", f);
  }
  fputs("\n  ],\n  \"backends\": [", f);
  for (int t = 0; t < v->nrep; t++) {
    const Report *r = &v->rep[t];
    fprintf(f, "%s\n    {\"target\": \"%s\", \"mismatching_bits\": %llu, \"mismatching_elements\": "
            "%lld,\n     \"outputs\": [", t ? "," : "", r->b->name,
            (unsigned long long)total_bits(v, r), (long long)total_elems(v, r));
    for (int k = 0; k < g->noutputs; k++)
      fprintf(f, "%s{\"output\": %d, \"mismatching_bits\": %llu, \"mismatching_elements\": %lld}",
              k ? ", " : "", k, (unsigned long long)r->bits[k], (long long)r->elems[k]);
    fputs("],\n     \"first_mismatch\": ", f);
    size_t es = r->found ? dtype_size(g->outputs[r->first.out]->dt) : 0;
    if (r->found)
      fprintf(f, "{\"sample\": %lld, \"output\": %d, \"index\": %lld, \"got_bits\": \"0x%0*llx\", "
              "\"want_bits\": \"0x%0*llx\"}", (long long)r->first.sample, r->first.out,
              (long long)r->first.index, (int)(2 * es),
              (unsigned long long)verify_elem_bits(r->first.got, es), (int)(2 * es),
              (unsigned long long)verify_elem_bits(r->first.want, es));
    else
      fputs("null", f);
    if (r->sim) {
      fprintf(f, ",\n     \"simulator\": \"%s\", \"latency\": %d, \"core_codes\": %lld, "
              "\"code_mismatching_bits\": %llu, \"code_mismatching_elements\": %lld,\n"
              "     \"argmax_codes\": %lld, \"argmax_wrong\": %lld, \"first_code_mismatch\": ", r->sim,
              r->latency, (long long)r->ncodes, (unsigned long long)r->codebits, (long long)r->codeelems,
              (long long)r->argmax_codes, (long long)r->argmax_wrong);
      const CodeMismatch *m = &r->firstcode;
      if (r->codefound) {
        fprintf(f, "{\"sample\": %lld, \"port\": %d, \"name\": ", (long long)m->sample, m->port);
        json_str(f, m->name);
        fprintf(f, ", \"index\": %lld, \"got\": ", (long long)m->index);
        if (m->undef)
          fputs("null", f);
        else
          fprintf(f, "%lld", (long long)m->got);
        fprintf(f, ", \"want\": %lld, \"got_bits\": \"0x%0*llx\", \"want_bits\": \"0x%0*llx\", "
                "\"in_data\": \"0x%s\"}", (long long)m->want, (m->w + 3) / 4,
                (unsigned long long)m->gotbits, (m->w + 3) / 4, (unsigned long long)m->wantbits,
                m->in_data);
      } else {
        fputs("null", f);
      }
    }
    fputc('}', f);
  }
  fprintf(f, "\n  ],\n  \"ok\": %s\n}\n", ok ? "true" : "false");
  out_close(&o);
}

