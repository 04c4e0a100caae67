/*
 * hls.c - Vitis-HLS-style C for the integer core of a fixed-point graph,
 * printed from its netlist (ir/net.h).
 *
 * bibc MODEL -o NAME.hls.c (or --target hls) writes
 *   NAME.hls.c    void NAME_top(const t_in0 in0[..], ..., t_out0 out0[..]):
 *                 the core as straight-line code under "#pragma HLS pipeline
 *                 II=1" with every array completely partitioned.  Each graph
 *                 node that computes is a function (HLS inlines it; gcc
 *                 compiles each alone, one huge block takes it minutes) with
 *                 one statement per output element: the netlist nodes of
 *                 that layer printed as one expression (weights inlined as
 *                 literals, zero weights gone, sums as balanced adder trees,
 *                 products as x * k).  A node read twice in a layer is a
 *                 temporary; a node another layer computed is read from that
 *                 layer's array.  Data movement (Reshape, Transpose,
 *                 Concat, ...) writes no code: its elements are the nodes of
 *                 its input.  Types: one typedef per array, ap_int<W> /
 *                 ap_uint<W> (W from the value's fixed-point type) under
 *                 __SYNTHESIS__ (C++, <ap_int.h>), otherwise the narrowest
 *                 standard type; the file is C99 and C++ alike (gcc and g++
 *                 compile it with -Wno-unknown-pragmas).  It also defines
 *                 NAME_run_int (standard integer arrays, as c_int.c's
 *                 NAME.c), which copies into the HLS types and calls the top.
 *   NAME.h        as for the integer C (c_int.c), and NAME_float.c, the
 *                 float wrapper: NAME.hls.c + NAME_float.c + a --main bench
 *                 compute what 'bibc run --fixed' computes, bit for bit.
 *
 * Expressions compute exactly: the portable code in int64_t (HLS_W), which
 * the netlist's intervals keep below 2^62 at every node; ap_int widens by
 * itself.  ROUND prints the netlist's rounding plan, floor((x + bias) / 2^s)
 * (HLS_SHR), CLAMP hls_sat, WRAP rt_fx_wrap, SHL and shifted operands a
 * product by 2^s.  The netlist's argmax ports (Net.argmax) are not printed:
 * the HLS netlist passes do not make them (argmax_port runs for the Verilog
 * only), and NAME_top's arguments stay the model's core outputs.  Cost:
 * linear in the netlist.
 */
#include <stdlib.h>
#include <string.h>

#include "backends.h"

typedef struct Hls {
  const Net *net;
  Graph *g;
  FILE *f;
  const IntSplit *s;
  char **arr;                /* per value id: array name (inputs, computed values) */
  char **type;               /* per value id: type name */
  char *used;                /* per value id: the layer being written reads its array */
  int32_t *homev;            /* per net node: the value whose array holds it, or -1 */
  int64_t *homei;            /* and the element */
  int32_t *uses;             /* per net node: readers within the layer being written */
  char *temp;                /* per net node: a temporary of the layer being written */
  int typed;                 /* HLS_S/HLS_U are defined (temporaries, selects) */
  char *empty;               /* per graph node: a core node none of whose output elements
                              * is left in the netlist (pack_luts absorbed them) */
} Hls;

static int is_move(OpKind op) {
  return op == OP_RESHAPE || op == OP_FLATTEN || op == OP_SQUEEZE || op == OP_UNSQUEEZE ||
         op == OP_IDENTITY || op == OP_DROPOUT || op == OP_TRANSPOSE || op == OP_CONCAT;
}

/* ---- names ---- */

static const char *stem(Hls *h, const Value *v) {
  Arena *a = h->g->arena;
  char *s = arena_printf(a, "%s", v->name), *p;
  for (p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
      *p = '_';
  for (int i = 0; i < h->g->nvalues; i++)
    if (h->type[i] && strcmp(h->type[i] + 2, s) == 0)
      return arena_printf(a, "%s_%d", s, v->id);
  return s;
}

/* Is this node read as it stands (a literal or an array element)? */
static int is_atom(const Hls *h, NetId id) {
  return h->net->nodes[id].op == NET_CONST || h->homev[id] >= 0 || h->temp[id];
}

/* The C text of node id as an operand: a literal, an array element, a
 * temporary, or its expression. */
static char *expr(Hls *h, NetId id);

static char *ref(Hls *h, NetId id) {
  const NetNode *n = &h->net->nodes[id];
  Arena *a = h->g->arena;
  if (n->op == NET_CONST)
    return arena_printf(a, "%lldLL", (long long)n->k);
  if (h->homev[id] >= 0) {
    h->used[h->homev[id]] = 1;
    return arena_printf(a, "HLS_W(%s[%lld])", h->arr[h->homev[id]], (long long)h->homei[id]);
  }
  if (h->temp[id])
    return arena_printf(a, "HLS_W(t%d)", id);
  return expr(h, id);
}

/* An argument of hls_max (int64_t parameters): array elements and
 * literals as they stand. */
static char *arg(Hls *h, NetId id) {
  const NetNode *n = &h->net->nodes[id];
  if (n->op == NET_CONST && n->k == 0)
    return "0";
  if (n->op != NET_CONST && h->homev[id] >= 0) {
    h->used[h->homev[id]] = 1;
    return arena_printf(h->g->arena, "%s[%lld]", h->arr[h->homev[id]], (long long)h->homei[id]);
  }
  return ref(h, id);
}

/* Operand id of a gate: an atom, or its expression in parentheses. */
static char *bit_ref(Hls *h, NetId id) {
  char *r = ref(h, id);
  return is_atom(h, id) ? r : arena_printf(h->g->arena, "(%s)", r);
}

/* Does gate k (truth table MSB-first over ab) read operand a (which 0) or
 * b (which 1)?  Ids 0 and 15 read neither, 3 and 12 only a, 5 and 10 only
 * b (--lgn-naive keeps them): an operand a gate ignores is neither
 * printed nor counted, so no array parameter or temporary goes unread. */
static int gate_reads(int64_t k, int which) {
  for (int x = 0; x < 2; x++)
    if (which ? net_gate(k, x, 0) != net_gate(k, x, 1) : net_gate(k, 0, x) != net_gate(k, 1, x))
      return 1;
  return 0;
}

/* The operands of n that its text reads: net_args, less a gate's ignored
 * operands. */
static int read_args(const NetNode *n, NetId *args) {
  int na = net_args(n, args);
  if (n->op != NET_GATE)
    return na;
  int m = 0;
  for (int j = 0; j < na; j++)
    if (gate_reads(n->k, j))
      args[m++] = args[j];
  return m;
}

static const char *type_of(const NetNode *n) {
  return n->sgn ? "HLS_S" : "HLS_U";
}

static char *expr(Hls *h, NetId id) {
  const NetNode *n = &h->net->nodes[id];
  Arena *a = h->g->arena;
  switch ((NetOp)n->op) {
  case NET_ADD: case NET_SUB: case NET_CAT: {
    const char *op = n->op == NET_SUB ? "-" : "+";
    if (n->s)
      return arena_printf(a, "(%s %s %s * %lldLL)", ref(h, n->a), op, ref(h, n->b),
                          (long long)((int64_t)1 << n->s));
    return arena_printf(a, "(%s %s %s)", ref(h, n->a), op, ref(h, n->b));
  }
  case NET_NEG: return arena_printf(a, "-%s", ref(h, n->a));
  case NET_SHL: {
    const char *x = ref(h, n->a);
    return arena_printf(a, is_atom(h, n->a) ? "%s * %lldLL" : "(%s) * %lldLL", x,
                        (long long)((int64_t)1 << n->s));
  }
  case NET_MUL: return arena_printf(a, "%s * %s", ref(h, n->a), ref(h, n->b));
  case NET_MAX: return arena_printf(a, "hls_max(%s, %s)", arg(h, n->a), arg(h, n->b));
  case NET_MIN: return arena_printf(a, "-hls_max(-%s, -%s)", ref(h, n->a), ref(h, n->b));
  case NET_GE: return arena_printf(a, "(%s >= %s)", ref(h, n->a), ref(h, n->b));
  case NET_MUX:
    return arena_printf(a, "(%s ? (%s(%d))%s : (%s(%d))%s)", ref(h, n->a), type_of(n), n->w,
                        ref(h, n->b), type_of(n), n->w, ref(h, n->c));
  case NET_ROUND: {
    NetRound p = net_round_of(h->net, n);
    const char *x = ref(h, n->a);
    const char *sum = x;
    if (p.pos == p.neg && p.pos)
      sum = arena_printf(a, "%s + %lldLL", x, (long long)p.pos);
    else if (p.pos != p.neg)
      sum = arena_printf(a, "%s + (%s < 0 ? %lldLL : %lldLL)", x, x, (long long)p.neg, (long long)p.pos);
    return arena_printf(a, "%s(%s, %d)", p.even ? "hls_even" : "HLS_SHR", sum, p.s);
  }
  case NET_CLAMP:
    return arena_printf(a, "hls_sat(%s, %s, %s)", ref(h, n->a), ref(h, n->b), ref(h, n->c));
  case NET_WRAP: return arena_printf(a, "rt_fx_wrap(%s, %d, %lld)", ref(h, n->a), n->s, (long long)n->k);
  case NET_REG: return ref(h, n->a);
  case NET_TABLE: return arena_printf(a, "hls_t%lld[%s]", (long long)n->k, ref(h, n->a));
  case NET_GATE:
    return backend_gate_text(a, n->k, gate_reads(n->k, 0) ? bit_ref(h, n->a) : "",
                             gate_reads(n->k, 1) ? bit_ref(h, n->b) : "", "!");
  case NET_LUT: {  /* bit i of the table; (unsigned) before << (ap_uint<1> << 1 is 0) */
    NetId x[NET_MAXARGS];
    char *i = "";
    for (int j = 0, na = net_args(n, x); j < na; j++)
      i = j ? arena_printf(a, "%s | ((unsigned)%s << %d)", i, bit_ref(h, x[j]), j)
            : arena_printf(a, "(unsigned)%s", bit_ref(h, x[j]));
    return arena_printf(a, "(int)((0x%llxULL >> (%s)) & 1u)", (unsigned long long)n->k, i);
  }
  default: die("hls: net node %d (%s) has no expression", id, net_op_name(n->op));
  }
}

/* Counts the readers of each node reachable from root within its layer
 * (stopping at literals, arrays and nodes already counted); a ROUND whose
 * plan reads its operand twice counts twice. */
static void count_uses(Hls *h, NetId root, NetId *stack) {
  int64_t sp = 0;
  stack[sp++] = root;
  while (sp) {
    NetId id = stack[--sp];
    const NetNode *n = &h->net->nodes[id];
    NetId args[NET_MAXARGS];
    int na = read_args(n, args);
    for (int j = 0; j < na; j++) {
      NetId c = args[j];
      if (h->net->nodes[c].op == NET_CONST || h->homev[c] >= 0)
        continue;
      NetRound p = n->op == NET_ROUND ? net_round_of(h->net, n) : (NetRound){0};
      int twice = n->op == NET_ROUND && p.pos != p.neg;
      if ((h->uses[c] += twice ? 2 : 1) == (twice ? 2 : 1))
        stack[sp++] = c;
    }
  }
}

/* ---- layers ---- */

/* The arrays of node n's outputs: declarations "t_y v_y[N]" or names. */
static void out_arrays(Hls *h, const Node *n, FILE *f, int decl) {
  for (int k = 0, first = 1; k < n->nout; k++) {
    const Value *y = n->out[k];
    if (!y || !h->arr[y->id])
      continue;
    fputs(first ? "" : ", ", f);
    if (decl)
      fprintf(f, "%s %s[%lld]", h->type[y->id], h->arr[y->id], (long long)(value_numel(y) + !value_numel(y)));
    else
      fputs(h->arr[y->id], f);
    first = 0;
  }
}

/* "  y[e] = (t_y)(EXPR);" for the elements of layer pos's outputs, and the
 * temporaries they share, in netlist order (operands first); the layer's
 * nodes are ids [lo, hi] (constants between them are shared, layer -1). */
static void layer_body(Hls *h, int pos, int64_t lo, int64_t hi, FILE *f) {
  const Net *net = h->net;
  const Node *n = h->g->nodes[pos];
  NetId *stack = malloc(sizeof *stack * (size_t)(hi >= lo ? hi - lo + 2 : 1));
  if (!stack)
    die("out of memory");
  for (int64_t id = lo; id <= hi; id++)  /* from the elements this layer computes */
    if (net->nodes[id].layer == pos && h->homev[id] >= 0)
      count_uses(h, (NetId)id, stack);
  free(stack);
  for (int64_t id = lo; id <= hi; id++) {
    const NetNode *m = &net->nodes[id];
    if (m->layer != pos)
      continue;
    if (h->homev[id] >= 0) {
      int32_t v = h->homev[id];
      fprintf(f, "  %s[%lld] = (%s)(%s);\n", h->arr[v], (long long)h->homei[id], h->type[v],
              expr(h, (NetId)id));
    } else if (h->uses[id] > 1) {
      fprintf(f, "  %s(%d) t%lld = (%s(%d))(%s);\n", type_of(m), m->w, (long long)id, type_of(m),
              m->w, expr(h, (NetId)id));
      h->temp[id] = 1;
    }
  }
  /* elements held by an earlier array or a literal: copies */
  for (int k = 0; k < n->nout; k++) {
    const Value *y = n->out[k];
    for (int64_t e = 0; y && h->arr[y->id] && e < value_numel(y); e++) {
      NetId id = net->elems[y->id][e];
      if (id != NET_NONE && (h->homev[id] != y->id || h->homei[id] != e))
        fprintf(f, "  %s[%lld] = (%s)(%s);\n", h->arr[y->id], (long long)e, h->type[y->id], ref(h, id));
    }
  }
}

/* The layer at position pos as "HLS_NODE nodePOS(arrays it reads..., its
 * outputs)", inlined by HLS into the pipelined top; appends the call. */
static void gen_layer(Hls *h, int pos, int64_t lo, int64_t hi, FILE *calls) {
  const Node *n = h->g->nodes[pos];
  char *body;
  size_t len;
  FILE *f = open_memstream(&body, &len);
  if (!f)
    die("out of memory");
  memset(h->used, 0, (size_t)h->g->nvalues + 1);
  layer_body(h, pos, lo, hi, f);
  if (fclose(f) != 0)
    die("out of memory");
  for (int k = 0; k < n->nout; k++)
    if (n->out[k])
      h->used[n->out[k]->id] = 0;
  f = h->f;
  fprintf(f, "/* node %d: %s \"", n->index, op_name(n->op));
  c_comment(f, n->name);
  fprintf(f, "\" */\nHLS_NODE node%d(", pos);
  fprintf(calls, "  node%d(", pos);
  for (int i = 0; i < h->g->nvalues; i++)
    if (h->used[i]) {
      const Value *v = h->g->values[i];
      fprintf(f, "const %s %s[%lld], ", h->type[i], h->arr[i], (long long)(value_numel(v) + !value_numel(v)));
      fprintf(calls, "%s, ", h->arr[i]);
    }
  out_arrays(h, n, f, 1);
  fputs(") {\n#pragma HLS inline\n", f);
  out_arrays(h, n, calls, 0);
  fputs(");\n", calls);
  fwrite(body, 1, len, f);
  fputs("}\n\n", f);
  free(body);
}

static void typedefs(Hls *h, int synth) {
  for (int i = 0; i < h->g->nvalues; i++) {
    const Value *v = h->g->values[i];
    if (!h->type[i])
      continue;
    if (synth)
      fprintf(h->f, "typedef ap_%sint<%d> %s;", v->fx.sgn ? "" : "u", v->fx.w, h->type[i]);
    else
      fprintf(h->f, "typedef %s %s;", int_ctype(&v->fx), h->type[i]);
    fprintf(h->f, " /* %%");
    c_comment(h->f, v->name);
    fprintf(h->f, " fixed<%s,%d,%d> */\n", v->fx.sgn ? "s" : "u", v->fx.w, v->fx.f);
  }
}

static const char prelude[] =
  "/* HLS_W(x): x as an operand of exact arithmetic (ap_int widens by itself;\n"
  " * portable code computes in int64_t, which bibc checked cannot overflow).\n"
  " * HLS_SHR(x, s): floor(x / 2^s). */\n"
  "#ifdef __SYNTHESIS__\n#include <ap_int.h>\n#define HLS_W(x) (x)\n#define HLS_SHR(x, s) ((x) >> (s))\n";

static const char helpers[] =
  "\n/* Each node is a function: HLS inlines it into the pipelined top; gcc\n"
  " * compiles it on its own (a single huge block would take it minutes). */\n"
  "#if defined(__GNUC__) && !defined(__SYNTHESIS__)\n"
  "#define HLS_NODE static __attribute__((noinline)) void\n#else\n#define HLS_NODE static void\n#endif\n"
  "\nRT_INLINE int64_t hls_max(int64_t a, int64_t b) {\n#pragma HLS inline\n"
  "  return a > b ? a : b;\n}\n\n"
  "RT_INLINE int64_t hls_sat(int64_t v, int64_t lo, int64_t hi) {\n#pragma HLS inline\n"
  "  return v < lo ? lo : v > hi ? hi : v;\n}\n\n"
  "/* floor(v / 2^s), bit 0 cleared where v is a multiple of 2^s: rounding\n"
  " * x / 2^s half to even when v = x + 2^(s-1). */\n"
  "RT_INLINE int64_t hls_even(int64_t v, int s) {\n#pragma HLS inline\n"
  "  int64_t r = HLS_SHR(v, s);\n"
  "  return v == r * ((int64_t)1 << s) ? r - (r & 1) : r;\n}\n\n";

/* The tables live TABLE nodes read (lut_neurons), as constant arrays of
 * the narrowest standard type; HLS makes them ROMs or logic. */
static void tables(Hls *h) {
  const Net *net = h->net;
  char *live = net_live(net), *done = calloc((size_t)net->ntables + 1, 1);
  if (!done)
    die("out of memory");
  for (int64_t id = 0; id < net->nnodes; id++) {
    const NetNode *n = &net->nodes[id];
    if (n->op != NET_TABLE || !live[id] || done[n->k])
      continue;
    done[n->k] = 1;
    const NetTable *t = &net->tables[n->k];
    FixType fx = {.sgn = n->sgn, .w = n->w};
    fprintf(h->f, "static const %s hls_t%lld[%lld] = {", int_ctype(&fx), (long long)n->k,
            (long long)1 << t->bits);
    for (int64_t i = 0; i < (int64_t)1 << t->bits; i++)
      fprintf(h->f, "%s%s%lld", i ? "," : "", i % 16 ? " " : "\n  ", (long long)t->v[i]);
    fputs("};\n", h->f);
  }
  free(done);
  free(live);
}

static void top_args(Hls *h, const char *in_type, const char *out_type) {
  const IntSplit *s = h->s;
  for (int i = 0; i < s->nqin; i++)
    fprintf(h->f, "%sconst %s%d in%d[%lld]", i ? ", " : "", in_type, i, i,
            (long long)(value_numel(s->qin[i]) ? value_numel(s->qin[i]) : 1));
  for (int i = 0; i < s->nqout; i++)
    fprintf(h->f, "%s%s%d out%d[%lld]", i || s->nqin ? ", " : "", out_type, i, i,
            (long long)(value_numel(s->qout[i]) ? value_numel(s->qout[i]) : 1));
}

/* Layer pos computes: a graph node of the core that is not data movement
 * and has an output element left. */
static int computes(const Hls *h, int pos) {
  return h->s->core[pos] && !is_move(h->g->nodes[pos]->op) && !h->empty[pos];
}

/* Marks the core nodes whose output elements are all NET_NONE. */
static void find_empty(Hls *h) {
  const Net *net = h->net;
  for (int i = 0; i < h->g->nnodes; i++) {
    const Node *n = h->g->nodes[i];
    int left = 0;
    for (int k = 0; h->s->core[i] && k < n->nout; k++) {
      const Value *y = n->out[k];
      for (int64_t e = 0; y && net->elems[y->id] && e < value_numel(y) && !left; e++)
        left = net->elems[y->id][e] != NET_NONE;
      left |= y && (!net->elems[y->id] || value_numel(y) == 0);
    }
    h->empty[i] = h->s->core[i] && !left;
  }
}

static void emit_top(Hls *h, const char *prefix) {
  Graph *g = h->g;
  const Net *net = h->net;
  const IntSplit *s = h->s;
  FILE *f = h->f, *calls;
  char *ctext;
  size_t clen;
  if (!(calls = open_memstream(&ctext, &clen)))
    die("out of memory");
  /* each layer's nodes form one run of ids (shared constants aside) */
  int64_t *lo = arena_alloc(g->arena, sizeof *lo * (size_t)(g->nnodes + 1));
  int64_t *hi = arena_alloc(g->arena, sizeof *hi * (size_t)(g->nnodes + 1));
  for (int i = 0; i < g->nnodes; i++)
    lo[i] = net->nnodes, hi[i] = -1;
  for (int64_t id = 0; id < net->nnodes; id++) {
    int32_t l = net->nodes[id].layer;
    if (l >= 0) {
      lo[l] = id < lo[l] ? id : lo[l];
      hi[l] = id;
    }
  }
  for (int i = 0; i < g->nnodes; i++) {
    if (!computes(h, i))
      continue;
    const Node *n = g->nodes[i];
    for (int k = 0; k < n->nout; k++) {  /* its elements live in its arrays from now on */
      const Value *y = n->out[k];
      for (int64_t e = 0; y && h->arr[y->id] && e < value_numel(y); e++) {
        NetId id = net->elems[y->id][e];
        if (id != NET_NONE && h->homev[id] < 0 && net->nodes[id].op != NET_CONST && net->nodes[id].layer == i)
          h->homev[id] = y->id, h->homei[id] = e;
      }
    }
    gen_layer(h, i, lo[i], hi[i], calls);
  }
  if (fclose(calls) != 0)
    die("out of memory");
  fprintf(f, "void %s_top(", prefix);
  top_args(h, "t_in", "t_out");
  fputs(") {\n#pragma HLS pipeline II=1\n", f);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "#pragma HLS array_partition variable=in%d complete\n", i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "#pragma HLS array_partition variable=out%d complete\n", i);
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; computes(h, i) && k < g->nodes[i]->nout; k++) {
      const Value *v = g->nodes[i]->out[k];
      if (!v)
        continue;
      fprintf(f, "  %s %s[%lld];\n#pragma HLS array_partition variable=%s complete\n", h->type[v->id],
              h->arr[v->id], (long long)(value_numel(v) ? value_numel(v) : 1), h->arr[v->id]);
    }
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "  (void)in%d;\n", i);
  fwrite(ctext, 1, clen, f);
  free(ctext);
  for (int p = 0; p < net->nout; p++)
    for (int64_t e = 0; e < net->out[p].n; e++) {
      NetId id = net->out[p].el[e];
      const NetNode *n = &net->nodes[id];
      fprintf(f, "  out%d[%lld] = (t_out%d)(", p, (long long)e, p);
      if (n->op == NET_CONST)
        fprintf(f, "%lldLL", (long long)n->k);
      else
        fprintf(f, "%s[%lld]", h->arr[h->homev[id]], (long long)h->homei[id]);
      fputs(");\n", f);
    }
  fputs("}\n", f);
}

/* NAME_run_int (NAME.h): standard integer arrays in and out. */
static void emit_entry(Hls *h, const char *prefix, const char *hbase) {
  const IntSplit *s = h->s;
  FILE *f = h->f;
  fprintf(f, "\n/* The integer entry of %s (standard C types), for C simulation and the float\n"
          " * wrapper %s_float.c: copies into the HLS types and calls %s_top. */\n"
          "#include \"%s\"\n\nvoid %s_run_int(", hbase, prefix, prefix, hbase, prefix);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "%sconst %s *in%d", i ? ", " : "", int_ctype(&s->qin[i]->fx), i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "%s%s *out%d", i || s->nqin ? ", " : "", int_ctype(&s->qout[i]->fx), i);
  if (!s->nqin && !s->nqout)
    fputs("void", f);
  fputs(") {\n  int64_t i;\n", f);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "  static t_in%d a%d[%lld];\n", i, i, (long long)(value_numel(s->qin[i]) + 1));
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "  static t_out%d b%d[%lld];\n", i, i, (long long)(value_numel(s->qout[i]) + 1));
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "  for (i = 0; i < %lldLL; i++)\n    a%d[i] = (t_in%d)in%d[i];\n",
            (long long)value_numel(s->qin[i]), i, i, i);
  fprintf(f, "  %s_top(", prefix);
  for (int i = 0; i < s->nqin; i++)
    fprintf(f, "%sa%d", i ? ", " : "", i);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "%sb%d", i || s->nqin ? ", " : "", i);
  fputs(");\n", f);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "  for (i = 0; i < %lldLL; i++)\n    out%d[i] = (%s)b%d[i];\n",
            (long long)value_numel(s->qout[i]), i, int_ctype(&s->qout[i]->fx), i);
  fputs("}\n", f);
}

const char *emit_hls(Graph *g, const Net *net, const char *path, const char *hpath,
                     const char *cmdline) {
  const IntSplit *s = &net->split;
  Arena *a = g->arena;
  Hls h = {.net = net, .g = g, .s = s};
  h.arr = arena_alloc(a, sizeof *h.arr * (size_t)(g->nvalues + 1));
  h.type = arena_alloc(a, sizeof *h.type * (size_t)(g->nvalues + 1));
  h.used = arena_alloc(a, (size_t)g->nvalues + 1);
  h.homev = arena_alloc(a, sizeof *h.homev * (size_t)(net->nnodes + 1));
  h.homei = arena_alloc(a, sizeof *h.homei * (size_t)(net->nnodes + 1));
  h.uses = arena_alloc(a, sizeof *h.uses * (size_t)(net->nnodes + 1));
  h.temp = arena_alloc(a, (size_t)net->nnodes + 1);
  h.empty = arena_alloc(a, (size_t)g->nnodes + 1);
  find_empty(&h);
  for (int64_t id = 0; id < net->nnodes; id++) {  /* selects and shared nodes need HLS_S/U */
    const NetNode *n = &net->nodes[id];
    NetId args[NET_MAXARGS];
    int na = net_args(n, args);
    h.homev[id] = -1;
    h.typed |= n->op == NET_MUX;
    for (int j = 0; j < na; j++)
      if (net->nodes[args[j]].layer == n->layer && ++h.uses[args[j]] > 1)
        h.typed = 1;
  }
  memset(h.uses, 0, sizeof *h.uses * (size_t)(net->nnodes + 1));
  for (int i = 0; i < s->nqin; i++) {
    h.arr[s->qin[i]->id] = arena_printf(a, "in%d", i);
    h.type[s->qin[i]->id] = arena_printf(a, "t_in%d", i);
    for (int64_t e = 0; e < value_numel(s->qin[i]); e++) {
      NetId id = net->elems[s->qin[i]->id][e];
      if (id != NET_NONE)
        h.homev[id] = s->qin[i]->id, h.homei[id] = e;
    }
  }
  for (int i = 0; i < g->nnodes; i++)
    for (int k = 0; computes(&h, i) && k < g->nodes[i]->nout; k++) {
      const Value *v = g->nodes[i]->out[k];
      if (v && !h.type[v->id]) {
        const char *st = stem(&h, v);
        h.arr[v->id] = arena_printf(a, "v_%s", st);
        h.type[v->id] = arena_printf(a, "t_%s", st);
      }
    }
  const char *prefix = c_ident_from_path(a, path), *hbase = strrchr(hpath, '/');
  hbase = hbase ? hbase + 1 : hpath;
  const char *base = strrchr(path, '/');
  emit_int_header(s, hpath, prefix, base ? base + 1 : path, cmdline);
  OutFile o;
  out_open(&o, path);
  FILE *f = h.f = o.f;
  fprintf(f, "/* Generated by bibc %s: ", BIBC_VERSION);
  c_comment(f, cmdline);
  fprintf(f, "\n * Vitis HLS top function %s_top: the integer core of the model (%s documents\n"
          " * its arguments as in%%d / out%%d).  C++ with <ap_int.h> under __SYNTHESIS__,\n"
          " * else C99 or C++ with standard integer types. */\n\n", prefix, hbase);
  const char *names[] = {"rt_fx_round"};
  rt_text_emit(f, names, 1, "int");
  fputs(prelude, f);
  if (h.typed)
    fputs("#define HLS_S(w) ap_int<w>\n#define HLS_U(w) ap_uint<w>\n", f);
  typedefs(&h, 1);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "typedef ap_%sint<%d> t_out%d;\n", s->qout[i]->fx.sgn ? "" : "u", s->qout[i]->fx.w, i);
  fputs("#else\n#define HLS_W(x) ((int64_t)(x))\n#define HLS_SHR(x, s) rt_fx_floor_shr((x), (s))\n", f);
  if (h.typed)
    fputs("#define HLS_S(w) int64_t\n#define HLS_U(w) int64_t\n", f);
  typedefs(&h, 0);
  for (int i = 0; i < s->nqout; i++)
    fprintf(f, "typedef %s t_out%d;\n", int_ctype(&s->qout[i]->fx), i);
  fputs("#endif\n", f);
  fputs(helpers, f);
  tables(&h);
  emit_top(&h, prefix);
  emit_entry(&h, prefix, hbase);
  out_close(&o);
  char *wpath = c_float_path(a, path);
  emit_float_wrapper(s, wpath, hpath, prefix, cmdline);
  return wpath;
}
