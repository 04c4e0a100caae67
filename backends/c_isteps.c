/*
 * c_isteps.c - elementwise steps of the integer loops (c_iloops.c): Add,
 * Sub or Mul with a constant, Relu, bibc.Requant and bibc.Threshold on
 * one v per element (int32 or int64, iloop_chain_type), as rt_nary, rt_unary, rt_requant and
 * rt_threshold compute them (runtime/), with their parameters printed as
 * constants.  Requires a step that istep_takes; provides its tables
 * (istep_constants) and its statements (istep_emit).  Also the helpers
 * the other integer-loop files share (c_iloops.h: types, tables, storage,
 * the chain after a product).  Cost: one statement per step, a table as
 * large as the broadcast constant.
 */
#include "c_iloops.h"

/* v's type in the chain being written (c->vbits), its unsigned twin, and
 * the suffixes of their literals. */
static const char *vt(const CGen *c) { return c->vbits == 32 ? "int32_t" : "int64_t"; }
static const char *ut(const CGen *c) { return c->vbits == 32 ? "uint32_t" : "uint64_t"; }
static const char *ls(const CGen *c) { return c->vbits == 32 ? "" : "LL"; }
static const char *us(const CGen *c) { return c->vbits == 32 ? "U" : "ULL"; }

/* The one operand of n that is a constant, 0 or 1, or -1. */
static int const_operand(const Node *n) {
  if (n->nin != 2)
    return -1;
  int c0 = n->in[0]->data != NULL, c1 = n->in[1]->data != NULL;
  return c0 == c1 ? -1 : c0 ? 0 : 1;
}

static int is_arith(const Node *n) { return n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL; }

/* The value a step or product computes from (not its constant operand). */
const Value *istep_input(const Node *n) {
  return is_arith(n) && const_operand(n) == 0 ? n->in[1] : n->in[0];
}

/* An elementwise step on one value per element. */
int istep_takes(const Node *n) {
  if (!n->kernel || n->nout != 1 || !iloop_int_fixed(n->out[0]) || n->nin < 1 ||
      value_numel(n->out[0]) == 0)
    return 0;
  const Value *x = istep_input(n);
  if (!iloop_int_fixed(x) || x->data || value_numel(x) != value_numel(n->out[0]))
    return 0;
  if (n->op == OP_RELU)
    return n->nin == 1;
  if (n->op == OP_REQUANT || n->op == OP_THRESHOLD)
    return 1;
  return is_arith(n) && const_operand(n) >= 0 && n->in[const_operand(n)]->dt == DT_I64;
}

/* The constant operand of step n broadcast to the output's shape. */
static int64_t *broadcast_const(CGen *c, const Node *n) {
  int k = const_operand(n);
  BcastGeom b;
  bcast_geom(n, &b);
  int64_t total = value_numel(n->out[0]), idx[IR_MAXRANK] = {0};
  int64_t *x = arena_alloc(c->g->arena, sizeof *x * (size_t)total);
  for (int64_t e = 0; e < total; e++) {
    int64_t off = 0;
    for (int d = 0; d < b.rank; d++)
      off += idx[d] * b.str[k * b.rank + d];
    x[e] = value_get_i64(n->in[k], off);
    for (int d = b.rank - 1; d >= 0; d--) {
      if (++idx[d] < b.dims[d])
        break;
      idx[d] = 0;
    }
  }
  return x;
}

void istep_constants(CGen *c, int pos) {
  const Node *n = c->g->nodes[pos];
  if (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL) {
    iloop_table(c, arena_printf(c->g->arena, "k%d", pos), value_numel(n->out[0]), broadcast_const(c, n));
  } else if (n->op == OP_REQUANT && n->ip[1] > 1) {
    iloop_table(c, arena_printf(c->g->arena, "rq%d", pos), 4 * n->ip[1], n->ip + 9);
  } else if (n->op == OP_THRESHOLD) {  /* [3 + K][C]: sign, base, step, thresholds */
    int64_t nc = n->ip[1], nk = n->ip[3];
    int64_t *t = arena_alloc(c->g->arena, sizeof *t * (size_t)(nc * (3 + nk)));
    for (int64_t ch = 0; ch < nc; ch++)
      for (int64_t r = 0; r < 3 + nk; r++)
        t[r * nc + ch] = n->ip[4 + ch * (3 + nk) + r];
    iloop_table(c, arena_printf(c->g->arena, "th%d", pos), nc * (3 + nk), t);
  }
}

/* The channel of flat element E of a [outer, C, inner] view. */
static const char *channel(CGen *c, const Node *n, const char *e) {
  int64_t outer = n->ip[0], nc = n->ip[1], inner = n->ip[2];
  if (nc == 1)
    return "0";
  if (inner == 1)
    return outer == 1 ? e : arena_printf(c->g->arena, "(%s) %% %lld", e, (long long)nc);
  return arena_printf(c->g->arena, "(%s) / %lld %% %lld", e, (long long)inner, (long long)nc);
}

/* v = round_mode(v / 2^s) for s > 0 as rt_fx_round computes it, without
 * branches so that the loop vectorizes: floor(v / 2^s) of the offset
 * v + B >= 0 (B a multiple of 2^s at least -lo of v's interval lo..hi) by
 * an unsigned shift, the remainder by a mask, the rounding mode's
 * increment as a comparison.  Intervals beyond +-2^61 call rt_fx_round. */
static void emit_round(CGen *c, int64_t s, int64_t mode, int64_t lo, int64_t hi, int ind) {
  FILE *f = c->f;
  const int64_t big = (int64_t)1 << 61;
  if (lo < -big || hi > big) {
    fprintf(f, "%*sv = rt_fx_round(v, %lld, %lld);\n", ind, "", (long long)s, (long long)mode);
    return;
  }
  uint64_t d = (uint64_t)1 << s, b = lo >= 0 ? 0 : ((uint64_t)-(lo + 1) / d + 1) * d;
  if (mode == 0) {  /* FLOOR: no remainder */
    fprintf(f, "%*sv = (%s)(((%s)v + %llu%s) >> %lld) - %lld%s;\n", ind, "", vt(c), ut(c),
            (unsigned long long)b, us(c), (long long)s, (long long)(b >> s), ls(c));
    return;
  }
  fprintf(f, "%*s{\n%*sconst %s ru = (%s)v + %llu%s, rr = ru & %llu%s;\n", ind, "", ind + 2, "", ut(c),
          ut(c), (unsigned long long)b, us(c), (unsigned long long)(d - 1), us(c));
  fprintf(f, "%*sconst %s rq = (%s)(ru >> %lld) - %lld%s;\n", ind + 2, "", vt(c), vt(c), (long long)s,
          (long long)(b >> s), ls(c));
  const char *h = arena_printf(c->g->arena, "%llu%s", (unsigned long long)(d >> 1), us(c));
  const char *inc;
  switch (mode) {
  case 1: inc = "(rr != 0)"; break;                                        /* CEIL */
  case 2: inc = "(v < 0 && rr != 0)"; break;                               /* TRUNC */
  case 3: inc = "(v >= 0 && rr != 0)"; break;                              /* AWAY */
  case 4: inc = arena_printf(c->g->arena, "(rr >= %s)", h); break;         /* HALF_UP */
  case 5: inc = arena_printf(c->g->arena, "(rr > %s)", h); break;          /* HALF_DOWN */
  case 6: inc = arena_printf(c->g->arena, "(rr > %s || (rr == %s && (rq & 1)))", h, h); break;
  case 7: inc = arena_printf(c->g->arena, "(rr > %s || (rr == %s && v >= 0))", h, h); break;
  default: inc = arena_printf(c->g->arena, "(rr > %s || (rr == %s && v < 0))", h, h); break;
  }
  fprintf(f, "%*sv = rq + %s;\n%*s}\n", ind + 2, "", inc, ind, "");
}

/* Requant with one shift for the tensor (rt_requant): round, then
 * saturate or wrap, then the post shift. */
static void emit_requant(CGen *c, const Node *n, int ind) {
  FILE *f = c->f;
  const int64_t *ip = n->ip, s = ip[9], lo = ip[10], hi = ip[11], post = ip[12];
  if (s < 0)
    fprintf(f, "%*sv = (%s)((%s)v << %lld);\n", ind, "", vt(c), ut(c), (long long)-s);
  else if (s > 0)
    emit_round(c, s, ip[5], istep_input(n)->qlo, istep_input(n)->qhi, ind);
  if (ip[6] == 1) {  /* RT_OVF_SAT */
    fprintf(f, "%*sv = v < %lld%s ? %lld%s : v > %lld%s ? %lld%s : v;\n", ind, "", (long long)lo, ls(c),
            (long long)lo, ls(c), (long long)hi, ls(c), (long long)hi, ls(c));
  } else if (ip[7] < c->vbits) {  /* the low w bits, sign-extended if signed (rt_fx_wrap) */
    uint64_t m = ((uint64_t)1 << ip[7]) - 1;
    if (ip[8])
      fprintf(f, "%*sv = (%s)((((%s)v & %llu%s) ^ %llu%s) - %llu%s);\n", ind, "", vt(c), ut(c),
              (unsigned long long)m, us(c), (unsigned long long)(m / 2 + 1), us(c),
              (unsigned long long)(m / 2 + 1), us(c));
    else
      fprintf(f, "%*sv = (%s)((%s)v & %llu%s);\n", ind, "", vt(c), ut(c), (unsigned long long)m, us(c));
  }
  if (post)
    fprintf(f, "%*sv = (%s)((%s)v << %lld);\n", ind, "", vt(c), ut(c), (long long)post);
}

/* Step pos on "v", the element at flat index e (rt_nary, rt_unary,
 * rt_requant, rt_threshold). */
void istep_emit(CGen *c, int pos, const char *e, int ind) {
  FILE *f = c->f;
  const Node *n = c->g->nodes[pos];
  if (is_arith(n)) {
    const char *op = n->op == OP_ADD ? "+" : n->op == OP_SUB ? "-" : "*";
    const char *k = arena_printf(c->g->arena, "(%s)k%d[%s]", ut(c), pos, e);
    const char *x = arena_printf(c->g->arena, "(%s)v", ut(c));
    int first = const_operand(n) == 0;
    fprintf(f, "%*sv = (%s)(%s %s %s);\n", ind, "", vt(c), first ? k : x, op, first ? x : k);
  } else if (n->op == OP_RELU) {
    fprintf(f, "%*sv = v > 0 ? v : 0;\n", ind, "");
  } else if (n->op == OP_REQUANT && n->ip[1] == 1) {
    emit_requant(c, n, ind);
  } else if (n->op == OP_REQUANT) {  /* per channel: the kernel's helpers, a table */
    const int64_t *ip = n->ip;
    const char *ch = channel(c, n, e);
    fprintf(f, "%*sv = rt_fx_round(v, rq%d[(%s) * 4], %lld);\n", ind, "", pos, ch, (long long)ip[5]);
    if (ip[6] == 1)  /* RT_OVF_SAT */
      fprintf(f, "%*s{\n%*sconst int64_t lo = rq%d[(%s) * 4 + 1], hi = rq%d[(%s) * 4 + 2];\n"
              "%*sv = v < lo ? lo : v > hi ? hi : v;\n%*s}\n", ind, "", ind + 2, "", pos, ch, pos, ch,
              ind + 2, "", ind, "");
    else
      fprintf(f, "%*sv = rt_fx_wrap(v, %lld, %lld);\n", ind, "", (long long)ip[7], (long long)ip[8]);
    fprintf(f, "%*sv = rt_fx_shl(v, rq%d[(%s) * 4 + 3]);\n", ind, "", pos, ch);
  } else {  /* OP_THRESHOLD: the table is [3 + K][C], channels innermost */
    long long nc = (long long)n->ip[1], nk = (long long)n->ip[3];
    const char *ch = channel(c, n, e);
    fprintf(f, "%*s{\n%*sconst %s tz = th%d[%s] < 0 ? -v : v;\n%*s%s tm = 0, tu;\n", ind, "",
            ind + 2, "", vt(c), pos, ch, ind + 2, "", vt(c));
    fprintf(f, "%*sfor (tu = 0; tu < %lld; tu++)\n%*stm += tz >= th%d[(3 + tu) * %lld + %s];\n", ind + 2, "",
            nk, ind + 4, "", pos, nc, ch);
    fprintf(f, "%*sv = (%s)(th%d[%lld + %s] + th%d[%lld + %s] * tm);\n%*s}\n", ind + 2, "", vt(c), pos,
            nc, ch, pos, 2 * nc, ch, ind, "");
  }
}

/* ---- shared by the integer loops (c_iloops.h) ---- */

int iloop_int_fixed(const Value *v) {
  return v && v->dt == DT_I64 && v->fx.w > 0 && v->qlo <= v->qhi;
}

const char *iloop_range_type(int64_t lo, int64_t hi) {
  if (lo >= 0 && hi <= 255) return "uint8_t";  /* unsigned first: u8 x s8 dot products */
  if (lo >= -128 && hi <= 127) return "int8_t";
  if (lo >= -32768 && hi <= 32767) return "int16_t";
  if (lo >= 0 && hi <= 65535) return "uint16_t";
  if (lo >= INT32_MIN && hi <= INT32_MAX) return "int32_t";
  if (lo >= 0 && hi <= (int64_t)UINT32_MAX) return "uint32_t";
  return "int64_t";
}

void iloop_table(CGen *c, const char *name, int64_t n, const int64_t *x) {
  int64_t lo = -1, hi = 0;  /* signed types: a sign row's "< 0" must not be always false */
  for (int64_t e = 0; e < n; e++) {
    lo = x[e] < lo ? x[e] : lo;
    hi = x[e] > hi ? x[e] : hi;
  }
  fprintf(c->f, "static const %s %s[%lld] = {", iloop_range_type(lo, hi), name, (long long)(n ? n : 1));
  for (int64_t e = 0; e < n; e++) {
    fputs(e % 16 ? ", " : (e ? ",\n  " : "\n  "), c->f);
    c_print_int(c->f, x[e]);
  }
  fputs(n ? "\n};\n" : "0};\n", c->f);
}

const char *iloop_storage(const CGen *c, const Value *v) {
  if (!c->vname[v->id])
    die("value %s has no storage", v->name);
  return c->vname[v->id];
}

/* The steps chained after pos, then the store of the chain's last value. */
void iloop_tail(CGen *c, int pos, const char *e, int ind) {
  const Node *last = c->g->nodes[pos];
  for (int r = c->next[pos]; r >= 0; r = c->next[r]) {
    istep_emit(c, r, e, ind);
    last = c->g->nodes[r];
  }
  fprintf(c->f, "%*sy[%s] = (%s)v;\n", ind, "", e, value_ctype(c, last->out[0]));
}

static int small(int64_t lo, int64_t hi) {
  const int64_t lim = (int64_t)1 << 29;
  return lo >= -lim && hi <= lim;
}

/* Can step r (or the chain's root) run on an int32 v? */
static int step_fits32(const Node *r) {
  const Value *x = r->op == OP_MATMUL || r->op == OP_SPMATMUL || r->op == OP_CONV ||
                     r->op == OP_MAXPOOL ? r->out[0]
                                                                                 : istep_input(r);
  if (!small(x->qlo, x->qhi) || !small(r->out[0]->qlo, r->out[0]->qhi))
    return 0;
  if (r->op != OP_REQUANT)
    return 1;
  const int64_t *ip = r->ip, mag = x->qhi > -x->qlo ? x->qhi : -x->qlo;
  if (ip[1] != 1 || ip[9] > 29 || ip[9] < -29 || (ip[6] != 1 && ip[7] > 31) || ip[12] > 29 ||
      (ip[6] == 1 && !small(ip[10], ip[11])))
    return 0;  /* per channel (the kernel's int64 helpers), long shifts, wide wraps or bounds */
  return ip[9] >= 0 || small(-(mag << -ip[9]), mag << -ip[9]);  /* a left shift before clamping */
}

const char *iloop_chain_type(CGen *c, int pos) {
  c->vbits = 32;
  for (int r = pos; r >= 0 && c->vbits == 32; r = c->next[r])
    if (!step_fits32(c->g->nodes[r]))
      c->vbits = 64;
  return c->vbits == 32 ? "int32_t" : "int64_t";
}

const Value *iloop_chain_out(const CGen *c, int pos) {
  while (c->next[pos] >= 0)
    pos = c->next[pos];
  return c->g->nodes[pos]->out[0];
}

const char *value_ctype(const CGen *c, const Value *v) {
  return c->vtype && c->vtype[v->id] ? c->vtype[v->id] : dtype_ctype(v->dt);
}

const char *iloop_array_class(int64_t n) {
  return n > ILOOP_STACK_MAX ? "static " : "";
}
