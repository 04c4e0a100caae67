/*
 * json.c - the little JSON bibc needs: writing strings and numbers for its
 * reports (verify --json, estimate --json), and reading what tools write
 * (Yosys's stat -json) into a tree.
 *
 * The reader is a recursive-descent parser of RFC 8259 JSON into Json
 * nodes in an arena: objects keep their members in order, numbers are
 * doubles, strings are unescaped (\uXXXX below 0x80 only; others become
 * '?', enough for tool output).  Depth is bounded (JSON_MAXDEPTH) and any
 * syntax error returns NULL with the byte offset, so a truncated or hostile
 * file cannot crash it.  Cost: linear in the text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

#define JSON_MAXDEPTH 64

void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

void json_num(FILE *f, double x) {
  if (isfinite(x))
    fprintf(f, "%.17g", x);
  else
    fputs("null", f);  /* JSON has no infinity; null = unbounded */
}

/* ---- reading ---- */

typedef struct Parser {
  Arena *a;
  const char *s, *p, *end;
  int depth;
} Parser;

static void ws(Parser *P) {
  while (P->p < P->end && (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r'))
    P->p++;
}

static Json *value(Parser *P);

static char *string(Parser *P) {
  if (P->p >= P->end || *P->p != '"')
    return NULL;
  const char *q = ++P->p;
  size_t n = 0;
  for (; q < P->end && *q != '"'; q++, n++)
    if (*q == '\\' && ++q >= P->end)
      return NULL;
  if (q >= P->end)
    return NULL;
  char *out = arena_alloc(P->a, n + 1), *o = out;
  for (; P->p < q; P->p++) {
    char c = *P->p;
    if (c != '\\') {
      *o++ = c;
      continue;
    }
    c = *++P->p;
    switch (c) {
    case 'n': *o++ = '\n'; break;
    case 't': *o++ = '\t'; break;
    case 'r': *o++ = '\r'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'u': {
      unsigned v = 0;
      for (int k = 0; k < 4; k++) {
        char h = ++P->p < q ? *P->p : 0;
        v = v * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 0);
      }
      *o++ = v < 0x80 ? (char)v : '?';
      break;
    }
    default: *o++ = c; break;  /* \" \\ \/ */
    }
  }
  *o = 0;
  P->p = q + 1;
  return out;
}

static Json *node(Parser *P, JsonKind k) {
  Json *j = arena_alloc(P->a, sizeof *j);
  j->kind = k;
  return j;
}

static Json *members(Parser *P, JsonKind k) {
  Json *j = node(P, k), **tail = &j->child;
  char close = k == JSON_OBJECT ? '}' : ']';
  P->p++;
  ws(P);
  if (P->p < P->end && *P->p == close) {
    P->p++;
    return j;
  }
  for (;;) {
    char *key = NULL;
    ws(P);
    if (k == JSON_OBJECT) {
      if (!(key = string(P)))
        return NULL;
      ws(P);
      if (P->p >= P->end || *P->p++ != ':')
        return NULL;
    }
    Json *v = value(P);
    if (!v)
      return NULL;
    v->key = key;
    *tail = v;
    tail = &v->next;
    ws(P);
    if (P->p < P->end && *P->p == ',') {
      P->p++;
      continue;
    }
    if (P->p < P->end && *P->p == close) {
      P->p++;
      return j;
    }
    return NULL;
  }
}

static Json *value(Parser *P) {
  ws(P);
  if (P->p >= P->end || ++P->depth > JSON_MAXDEPTH)
    return NULL;
  Json *j = NULL;
  char c = *P->p;
  if (c == '{' || c == '[') {
    j = members(P, c == '{' ? JSON_OBJECT : JSON_ARRAY);
  } else if (c == '"') {
    char *s = string(P);
    if (s)
      (j = node(P, JSON_STRING))->str = s;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    char buf[64];
    size_t n = 0;
    while (P->p < P->end && n + 1 < sizeof buf && strchr("+-0123456789.eE", *P->p))
      buf[n++] = *P->p++;
    buf[n] = 0;
    char *e;
    double x = strtod(buf, &e);
    if (*e == 0 && n)
      (j = node(P, JSON_NUMBER))->num = x;
  } else {
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3 && !j; k++) {
      size_t n = strlen(words[k]);
      if ((size_t)(P->end - P->p) >= n && strncmp(P->p, words[k], n) == 0) {
        P->p += n;
        j = node(P, k == 2 ? JSON_NULL : JSON_BOOL);
        j->num = k == 0;
      }
    }
  }
  P->depth--;
  return j;
}

Json *json_parse(Arena *a, const char *text, size_t len, size_t *err) {
  Parser P = {.a = a, .s = text, .p = text, .end = text + len};
  Json *j = value(&P);
  ws(&P);
  if (!j || P.p != P.end) {
    *err = (size_t)(P.p - P.s);
    return NULL;
  }
  return j;
}

const Json *json_get(const Json *obj, const char *key) {
  if (!obj || obj->kind != JSON_OBJECT)
    return NULL;
  for (const Json *m = obj->child; m; m = m->next)
    if (m->key && strcmp(m->key, key) == 0)
      return m;
  return NULL;
}

double json_number(const Json *j, double dflt) {
  return j && j->kind == JSON_NUMBER ? j->num : dflt;
}
