/*
 * c_print.c - the small printers of every C backend (cgen.c, c_loops.c,
 * c_int.c, hls.c, c_main.c): model text made safe for a comment, shapes,
 * exact literals (floats as %.9g / %.17g, which read back to the same
 * bits; infinities and NaN by name), and the C identifier made from an
 * output path.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "backends.h"

char *c_ident_from_path(Arena *a, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strcspn(base, ".");
  char *s = arena_alloc(a, n + 2);
  size_t k = 0;
  if (n == 0 || isdigit((unsigned char)base[0]))
    s[k++] = 'm';
  for (size_t i = 0; i < n; i++)
    s[k++] = isalnum((unsigned char)base[i]) ? base[i] : '_';
  return s;
}

/* Model-supplied names go into comments only, with comment terminators and
 * control characters removed. */
void c_comment(FILE *f, const char *s) {
  for (; *s; s++) {
    if (s[0] == '*' && s[1] == '/')
      fputs("* /", f), s++;
    else
      fputc(isprint((unsigned char)*s) ? *s : '?', f);
  }
}

void c_shape_comment(FILE *f, const Value *v) {
  fprintf(f, "%s[", dtype_name(v->dt));
  for (int d = 0; d < v->rank; d++)
    fprintf(f, "%s%lld", d ? "," : "", (long long)v->dims[d]);
  fputc(']', f);
}

void c_print_float(FILE *f, double x, int is_f32) {
  if (isnan(x)) {
    fputs("NAN", f);
    return;
  }
  if (isinf(x)) {
    fputs(x < 0 ? (is_f32 ? "-HUGE_VALF" : "-HUGE_VAL") : (is_f32 ? "HUGE_VALF" : "HUGE_VAL"), f);
    return;
  }
  char buf[40];
  snprintf(buf, sizeof buf, is_f32 ? "%.9g" : "%.17g", x);
  fputs(buf, f);
  if (!strpbrk(buf, ".e"))
    fputs(".0", f);
  if (is_f32)
    fputc('f', f);
}

void c_print_int(FILE *f, int64_t x) {
  if (x == INT64_MIN)
    fputs("(-9223372036854775807LL - 1)", f);
  else
    fprintf(f, "%lldLL", (long long)x);
}
