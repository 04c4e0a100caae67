/*
 * ptq_config.c - the types of post-training quantization (quantize_ptq),
 * in hls4ml's vocabulary, from --precision and a YAML config file read with
 * libyaml (its document API keeps each node's line and column, so every
 * error points at the offending key).
 *
 * Schema (hls4ml's HLSConfig; the file may also wrap it in "HLSConfig:",
 * next to hls4ml project keys such as OutputDir, which are ignored):
 *
 *   Model:                          # defaults for every layer
 *     Precision: fixed<16,6>        # or a map like the one below
 *     Rounding: TRN                 # TRN TRN_ZERO RND RND_ZERO RND_INF RND_MIN_INF RND_CONV
 *     Saturation: WRAP              # WRAP SAT SAT_SYM
 *   LayerType:                      # by ONNX op type, or Dense / Conv1D / Conv2D
 *     Dense: {Precision: {weight: fixed<8,2>}}
 *   LayerName:                      # by ONNX node name, output or input tensor name
 *     fc1:
 *       Precision: {weight: fixed<8,2>, bias: fixed<12,4>, result: fixed<16,6>,
 *                   accum: fixed<24,12>}
 *       Rounding: RND
 *       Saturation: SAT
 *
 * A string Precision sets weight, bias and result ("default" in a map sets
 * those not named); accum only when named: otherwise the accumulator is
 * exact, sized by interval analysis, and cannot overflow.  ReuseFactor and Strategy are accepted
 * (they matter to hardware backends only).  Resolution, per variable: the
 * most specific level that gives a type (LayerName > LayerType > Model);
 * its rounding/saturation are those in the type string, else the most
 * specific Rounding/Saturation key, else hls4ml's defaults TRN and WRAP.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "compiler.h"

static const char *const var_names[PTQ_NVARS] = {"weight", "bias", "result", "accum"};

/* hls4ml rounding names -> RoundMode (ORDER-free: looked up by name). */
static const struct { const char *name; int mode; } round_names[] = {
  {"TRN", RND_FLOOR}, {"TRN_ZERO", RND_TRUNC}, {"RND", RND_HALF_UP}, {"RND_ZERO", RND_HALF_ZERO},
  {"RND_INF", RND_HALF_AWAY}, {"RND_MIN_INF", RND_HALF_DOWN}, {"RND_CONV", RND_HALF_EVEN},
};
static const struct { const char *name; int mode; } sat_names[] = {
  {"WRAP", OVF_WRAP}, {"SAT", OVF_SAT}, {"SAT_SYM", OVF_SAT_SYM},
};

static int lookup_mode(const char *s, size_t n, int sat) {
  if (n > 3 && strncmp(s, "AP_", 3) == 0)
    s += 3, n -= 3;
  for (size_t i = 0; !sat && i < sizeof round_names / sizeof round_names[0]; i++)
    if (strlen(round_names[i].name) == n && strncmp(s, round_names[i].name, n) == 0)
      return round_names[i].mode;
  for (size_t i = 0; sat && i < sizeof sat_names / sizeof sat_names[0]; i++)
    if (strlen(sat_names[i].name) == n && strncmp(s, sat_names[i].name, n) == 0)
      return sat_names[i].mode;
  return -1;
}

static const char *skip_ws(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

/* The end of the comma-separated field starting at p (at ',', '>' or NUL). */
static const char *field_end(const char *p) {
  while (*p && *p != ',' && *p != '>')
    p++;
  return p;
}

static int parse_int(const char *p, const char *e, int *v) {
  char buf[16];
  while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  if (e == p || e - p >= (long)sizeof buf)
    return 0;
  memcpy(buf, p, (size_t)(e - p));
  buf[e - p] = 0;
  char *end;
  long x = strtol(buf, &end, 10);
  if (*end || x < -1000 || x > 1000)
    return 0;
  *v = (int)x;
  return 1;
}

const char *ptq_parse_type(Arena *a, const char *s, PtqType *t) {
  const char *p = skip_ws(s);
  memset(t, 0, sizeof *t);
  t->round = t->ovf = -1;
  if (strncmp(p, "ap_", 3) == 0)
    p += 3;
  int is_int = 0;
  if (strncmp(p, "ufixed<", 7) == 0)
    p += 7;
  else if (strncmp(p, "fixed<", 6) == 0)
    t->sgn = 1, p += 6;
  else if (strncmp(p, "uint<", 5) == 0)
    is_int = 1, p += 5;
  else if (strncmp(p, "int<", 4) == 0)
    is_int = 1, t->sgn = 1, p += 4;
  else
    return arena_printf(a, "'%s' is not a precision: expected fixed<W,I>, ufixed<W,I> (optionally "
                        "with rounding and saturation, fixed<16,6,RND,SAT>) or int<W>", s);
  const char *e;
  int nf = 0, ok = 1;
  for (;;) {
    e = field_end(p);
    if (nf == 0 || (nf == 1 && !is_int))
      ok = parse_int(skip_ws(p), e, nf == 0 ? &t->w : &t->i);
    else if (nf == 2 - is_int || nf == 3 - is_int) {
      const char *q = skip_ws(p), *qe = e;
      while (qe > q && (qe[-1] == ' ' || qe[-1] == '\t'))
        qe--;
      int m = lookup_mode(q, (size_t)(qe - q), nf == 3 - is_int);
      if (m < 0)
        return arena_printf(a, "'%s': unknown %s mode '%.*s' (%s)", s,
                            nf == 2 - is_int ? "rounding" : "saturation", (int)(qe - q), q,
                            nf == 2 - is_int
                                ? "TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, RND_MIN_INF, RND_CONV"
                                : "WRAP, SAT, SAT_SYM");
      *(nf == 2 - is_int ? &t->round : &t->ovf) = m;
    } else {
      ok = 0;
    }
    if (!ok)
      return arena_printf(a, "'%s' is not a precision: expected %s<W%s[,ROUNDING[,SATURATION]]> "
                          "with integers W%s", s, is_int ? (t->sgn ? "int" : "uint") : "fixed",
                          is_int ? "" : ",I", is_int ? "" : " and I");
    nf++;
    if (*e != ',')
      break;
    p = e + 1;
  }
  if (*e != '>' || *skip_ws(e + 1) || nf < 2 - is_int)
    return arena_printf(a, "'%s' is not a precision: expected %s%s", s,
                        is_int ? "int<W>" : "fixed<W,I> or ufixed<W,I>",
                        *e ? "" : " (in a YAML flow map {...}, quote a precision: its commas "
                        "separate entries)");
  if (is_int)
    t->i = t->w;
  if (t->w < 1 + t->sgn || t->w > 32)
    return arena_printf(a, "'%s': W must be from %d to 32 bits", s, 1 + t->sgn);
  if (t->w - t->i < -32 || t->w - t->i > 48)
    return arena_printf(a, "'%s': W - I (the fraction bits) must be from -32 to 48", s);
  t->set = 1;
  return NULL;
}

/* ---- the YAML document ---- */

typedef struct Reader {
  Arena *a;
  const char *file;
  yaml_document_t doc;
} Reader;

NORETURN static void fail_at(Reader *r, const yaml_node_t *at, const char *fmt, const char *x,
                             const char *y) {
  error_at(arena_printf(r->a, "%s:%d:%d", r->file, (int)at->start_mark.line + 1,
                        (int)at->start_mark.column + 1), NULL, fmt, x, y);
}

static const char *scalar(Reader *r, yaml_node_t *v, const char *what) {
  if (v->type != YAML_SCALAR_NODE)
    fail_at(r, v, "%s must be a single value%s", what, "");
  return (const char *)v->data.scalar.value;
}

static void need_map(Reader *r, yaml_node_t *v, const char *what) {
  if (v->type != YAML_MAPPING_NODE)
    fail_at(r, v, "%s must be a map of keys to values%s", what, "");
}

static void parse_type_at(Reader *r, yaml_node_t *v, const char *what, PtqType *t) {
  const char *msg = ptq_parse_type(r->a, scalar(r, v, what), t);
  if (msg)
    fail_at(r, v, "%s: %s", what, msg);
}

static int parse_mode_at(Reader *r, yaml_node_t *v, const char *what, int sat) {
  const char *s = scalar(r, v, what);
  int m = lookup_mode(s, strlen(s), sat);
  if (m < 0)
    fail_at(r, v, "%s: unknown mode '%s' (TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, RND_MIN_INF, "
            "RND_CONV; saturation WRAP, SAT, SAT_SYM)", what, s);
  return m;
}

/* One level's map: Precision, Rounding, Saturation, ReuseFactor, Strategy. */
static void parse_level(Reader *r, yaml_node_t *map, const char *path, PtqLevel *lv) {
  need_map(r, map, path);
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *kn = yaml_document_get_node(&r->doc, p->key);
    yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
    const char *k = scalar(r, kn, "a key");
    const char *where = arena_printf(r->a, "%s.%s", path, k);
    if (strcmp(k, "Precision") == 0) {
      if (vn->type == YAML_SCALAR_NODE) {
        parse_type_at(r, vn, where, &lv->var[0]);
        lv->var[PTQ_BIAS] = lv->var[PTQ_RESULT] = lv->var[0];
        continue;
      }
      need_map(r, vn, where);
      PtqType dflt = {0};
      yaml_node_pair_t *q0 = vn->data.mapping.pairs.start, *qn = vn->data.mapping.pairs.top;
      for (yaml_node_pair_t *q = q0; q < qn; q++) {
        yaml_node_t *k2 = yaml_document_get_node(&r->doc, q->key);
        yaml_node_t *v2 = yaml_document_get_node(&r->doc, q->value);
        const char *name = scalar(r, k2, "a key");
        const char *w2 = arena_printf(r->a, "%s.%s", where, name);
        int i = 0;
        while (i < PTQ_NVARS && strcmp(name, var_names[i]) != 0)
          i++;
        if (i < PTQ_NVARS)
          parse_type_at(r, v2, w2, &lv->var[i]);
        else if (strcmp(name, "default") == 0)
          parse_type_at(r, v2, w2, &dflt);
        else
          fail_at(r, k2, "unknown key '%s' (expected weight, bias, result, accum or default)%s",
                  w2, "");
      }
      for (int i = 0; i < PTQ_ACCUM && dflt.set; i++)
        if (!lv->var[i].set)
          lv->var[i] = dflt;
    } else if (strcmp(k, "Rounding") == 0) {
      lv->round = parse_mode_at(r, vn, where, 0);
    } else if (strcmp(k, "Saturation") == 0) {
      lv->ovf = parse_mode_at(r, vn, where, 1);
    } else if (strcmp(k, "ReuseFactor") == 0) {
      const char *s = scalar(r, vn, where);
      char *end;
      long rf = strtol(s, &end, 10);
      if (*end || rf < 1)
        fail_at(r, vn, "%s must be a positive integer, got '%s'", where, s);
    } else if (strcmp(k, "Strategy") == 0) {
      scalar(r, vn, where);
    } else {
      fail_at(r, kn, "unknown key '%s' (expected Precision, Rounding, Saturation, ReuseFactor or "
              "Strategy)%s", where, "");
    }
  }
}

/* LayerType / LayerName: a map of names to level maps. */
static PtqLevel *parse_levels(Reader *r, yaml_node_t *map, const char *path, int *n, int types) {
  need_map(r, map, path);
  int cnt = (int)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
  PtqLevel *lv = arena_alloc(r->a, sizeof *lv * (size_t)(cnt + 1));
  for (int i = 0; i < cnt; i++) {
    yaml_node_pair_t *p = map->data.mapping.pairs.start + i;
    yaml_node_t *kn = yaml_document_get_node(&r->doc, p->key);
    const char *k = scalar(r, kn, "a layer name");
    int wrank;
    if (types && layer_lookup(k, &wrank) < 0 && op_lookup(k) < 0)
      fail_at(r, kn, "unknown layer type '%s' in %s", k,
              arena_printf(r->a, "%s (an ONNX op type such as Gemm or Conv, or %s)", path,
                           layer_names()));
    lv[i].key = arena_strdup(r->a, k);
    lv[i].line = (int)kn->start_mark.line + 1;
    lv[i].col = (int)kn->start_mark.column + 1;
    lv[i].round = lv[i].ovf = -1;
    parse_level(r, yaml_document_get_node(&r->doc, p->value), arena_printf(r->a, "%s.%s", path, k),
                &lv[i]);
  }
  *n = cnt;
  return lv;
}

/* hls4ml project keys next to HLSConfig: not about numerics. */
static int is_project_key(const char *k) {
  static const char *const keys[] = {"OutputDir", "ProjectName", "Part", "XilinxPart", "Board",
                                     "ClockPeriod", "Backend", "IOType", "OnnxModel", "KerasJson",
                                     "KerasH5", "KerasModel", "Version", "Stamp", "WriterConfig"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (strcmp(k, keys[i]) == 0)
      return 1;
  return 0;
}

static void parse_root(Reader *r, PtqConfig *c, yaml_node_t *root, int top) {
  need_map(r, root, top ? "the config file" : "HLSConfig");
  yaml_node_pair_t *p0 = root->data.mapping.pairs.start, *pn = root->data.mapping.pairs.top;
  for (yaml_node_pair_t *p = p0; p < pn; p++) {
    yaml_node_t *kn = yaml_document_get_node(&r->doc, p->key);
    yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
    const char *k = scalar(r, kn, "a key");
    if (strcmp(k, "Model") == 0)
      parse_level(r, vn, "Model", &c->model);
    else if (strcmp(k, "LayerType") == 0)
      c->types = parse_levels(r, vn, "LayerType", &c->ntypes, 1);
    else if (strcmp(k, "LayerName") == 0)
      c->layers = parse_levels(r, vn, "LayerName", &c->nlayers, 0);
    else if (top && strcmp(k, "HLSConfig") == 0)
      parse_root(r, c, vn, 0);
    else if (!(top && is_project_key(k)))
      fail_at(r, kn, "unknown key '%s' (expected Model, LayerType or LayerName%s)", k,
              top ? ", or HLSConfig" : "");
  }
}

/* ---- a .bib model's @precision annotations ---- */

/* The level an annotation gives (its strings parsed; errors at their place). */
static void annot_level(Arena *a, const Annot *an, PtqLevel *lv) {
  lv->round = lv->ovf = -1;
  for (int k = 0; k < PTQ_NVARS; k++)  /* ANNOT_WEIGHT..ANNOT_ACCUM: PTQ_WEIGHT..PTQ_ACCUM */
    if (an->key[k]) {
      const char *msg = ptq_parse_type(a, an->key[k], &lv->var[k]);
      if (msg)
        error_loc(&an->at[k], "@precision: %s", msg);
    }
  for (int sat = 0; sat < 2; sat++) {
    int k = sat ? ANNOT_SATURATION : ANNOT_ROUNDING;
    if (!an->key[k])
      continue;
    int m = lookup_mode(an->key[k], strlen(an->key[k]), sat);
    if (m < 0)
      error_loc(&an->at[k], "@precision: unknown %s mode '%s' (%s)", sat ? "saturation" : "rounding",
                an->key[k], sat ? "WRAP, SAT, SAT_SYM"
                                : "TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, RND_MIN_INF, RND_CONV");
    *(sat ? &lv->ovf : &lv->round) = m;
  }
}

/* g's annotations under the command line's and the file's settings: the
 * model line's fills what Model left unset; each input's and node's is a
 * LayerName level for the input or the node's output tensor, ahead of the
 * file's (a later match wins). */
static void add_annotations(Arena *a, PtqConfig *c, const Graph *g) {
  if (g->annot) {
    PtqLevel m = {0};
    annot_level(a, g->annot, &m);
    for (int k = 0; k < PTQ_NVARS; k++)
      if (!c->model.var[k].set)
        c->model.var[k] = m.var[k];
    c->model.round = c->model.round >= 0 ? c->model.round : m.round;
    c->model.ovf = c->model.ovf >= 0 ? c->model.ovf : m.ovf;
    int nt = 0;  /* @precision(layer=...): LayerType levels, ahead of the file's */
    for (const Annot *e = g->annot->next; e; e = e->next)
      nt++;
    if (nt) {
      PtqLevel *t = arena_alloc(a, sizeof *t * (size_t)(nt + c->ntypes));
      nt = 0;
      for (const Annot *e = g->annot->next; e; e = e->next) {
        annot_level(a, e, &t[nt]);
        t[nt++].key = e->layer;
      }
      if (c->ntypes)  /* (memcpy from NULL is undefined even for 0 bytes) */
        memcpy(t + nt, c->types, sizeof *t * (size_t)c->ntypes);
      c->types = t;
      c->ntypes += nt;
    }
  }
  int n = 0;
  for (int i = 0; i < g->nnodes; i++)
    n += g->nodes[i]->annot && g->nodes[i]->nout && g->nodes[i]->out[0];
  for (int i = 0; i < g->ninputs; i++)
    n += g->inputs[i]->annot != NULL;
  if (!n)
    return;
  PtqLevel *l = arena_alloc(a, sizeof *l * (size_t)(n + c->nlayers));
  n = 0;
  for (int i = 0; i < g->ninputs + g->nnodes; i++) {
    /* an input's: its type (the quantizer quantize_ptq puts on it); a node's: its layer's */
    const Node *nd = i < g->ninputs ? NULL : g->nodes[i - g->ninputs];
    const Value *v = nd ? (nd->nout ? nd->out[0] : NULL) : g->inputs[i];
    const Annot *an = nd ? nd->annot : v->annot;
    if (!an || !v)
      continue;
    annot_level(a, an, &l[n]);
    l[n].key = v->name;
    l[n].tensor_only = l[n].used = 1;
    n++;
  }
  if (c->nlayers)
    memcpy(l + n, c->layers, sizeof *l * (size_t)c->nlayers);
  c->layers = l;
  c->nlayers += n;
}

PtqConfig *ptq_config_read(Arena *a, const char *precision, const char *file, const Graph *g) {
  PtqConfig *c = arena_alloc(a, sizeof *c);
  c->file = file;
  c->model.key = "Model";
  c->model.round = c->model.ovf = -1;
  if (file) {
    FILE *f = fopen(file, "rb");
    if (!f)
      error_at(file, NULL, "cannot open the config file");
    Reader r = {.a = a, .file = file};
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &r.doc)) {
      const char *what = parser.problem ? parser.problem : "malformed YAML";
      int line = (int)parser.problem_mark.line + 1, col = (int)parser.problem_mark.column + 1;
      yaml_parser_delete(&parser);
      fclose(f);
      error_at(arena_printf(a, "%s:%d:%d", file, line, col), NULL, "YAML: %s", what);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    yaml_node_t *root = yaml_document_get_root_node(&r.doc);
    if (!root)
      error_at(file, NULL, "the config file is empty");
    parse_root(&r, c, root, 1);
    yaml_document_delete(&r.doc);
  }
  if (precision) {  /* --precision sets the Model default, over the file's */
    PtqType t;
    const char *msg = ptq_parse_type(a, precision, &t);
    if (msg)
      error_at(NULL, NULL, "--precision: %s", msg);
    for (int i = 0; i < PTQ_ACCUM; i++)
      c->model.var[i] = t;
  }
  if (g)
    add_annotations(a, c, g);
  for (int i = 0; !c->model.var[PTQ_RESULT].set && !file && g && i < g->ninputs + g->nnodes; i++) {
    const Annot *an = i < g->ninputs ? g->inputs[i]->annot : g->nodes[i - g->ninputs]->annot;
    for (int k = 0; an && k < ANNOT_NKEYS; k++)
      if (an->key[k])  /* the first @precision of the .bib file */
        error_loc(&an->at[k], "a precision for %s, but no default precision: add "
                  "@precision(\"fixed<W,I>\") before the model line, or give --precision",
                  i < g->ninputs ? "an input" : "a layer");
  }
  if (!c->model.var[PTQ_RESULT].set)
    error_at(file, NULL, "no default precision: give --precision fixed<W,I> or Model: Precision "
             "in the config file");
  return c;
}

PtqType ptq_type_for(PtqConfig *c, OpKind op, const char *name, const char *tensor, int var,
                     int *explicit_) {
  PtqLevel *chain[3] = {&c->model, NULL, NULL};
  for (int i = 0; i < c->ntypes; i++)
    if (layer_covers(c->types[i].key, op))
      chain[1] = &c->types[i];
  for (int i = 0; i < c->nlayers; i++)
    if ((name && *name && !c->layers[i].tensor_only && strcmp(c->layers[i].key, name) == 0) ||
        (tensor && strcmp(c->layers[i].key, tensor) == 0)) {
      chain[2] = &c->layers[i];
      c->layers[i].used = 1;
    }
  PtqType t = {0};
  int round = -1, ovf = -1;
  *explicit_ = 0;
  for (int l = 0; l < 3; l++) {
    if (!chain[l])
      continue;
    if (chain[l]->var[var].set) {
      t = chain[l]->var[var];
      *explicit_ = l == 2;
    }
    round = chain[l]->round >= 0 ? chain[l]->round : round;
    ovf = chain[l]->ovf >= 0 ? chain[l]->ovf : ovf;
  }
  if (t.set) {
    t.round = t.round >= 0 ? t.round : round >= 0 ? round : RND_FLOOR;
    t.ovf = t.ovf >= 0 ? t.ovf : ovf >= 0 ? ovf : OVF_WRAP;
  }
  return t;
}

void ptq_config_check_used(Arena *a, const PtqConfig *c) {
  for (int i = 0; i < c->nlayers; i++)
    if (!c->layers[i].used)
      error_at(arena_printf(a, "%s:%d:%d", c->file, c->layers[i].line, c->layers[i].col), NULL,
               "LayerName: no node or tensor named '%s' in the model", c->layers[i].key);
}
