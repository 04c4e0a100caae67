/*
 * rt_text.c - copies runtime text into generated code, keeping only what
 * the generated file calls.
 *
 * The runtime headers are embedded in bibc at build time (cmake/embed.cmake)
 * and divided into pieces by marker lines (runtime/rt_common.h describes
 * them): a piece is copied when one of its keys, a glob over kernel names,
 * matches a kernel the file calls (or a helper a backend asks for), or when
 * the key is the file's mode, "float" or "int".  A header is copied when
 * one of its kernels is called or one of its keyed pieces matches; a header
 * without markers is copied whole.  So integer-only code gets no float
 * kernel, no float type and no <math.h>, and a float model's C carries only
 * the kernel instances it calls.  #include "..." lines are dropped
 * (everything is inlined) and blank lines are merged, so dropped pieces
 * leave no gaps.  Cost: one pass over the runtime text (~100 KB) per
 * generated file, each marker matched against the names (n is small).
 */
#include <string.h>

#include "backends.h"
#include "../compiler/compiler.h"

/* Glob match with '*' (any run of characters). */
static int glob(const char *p, const char *s) {
  if (!*p)
    return !*s;
  if (*p == '*')
    return glob(p + 1, s) || (*s && glob(p, s + 1));
  return *p == *s && glob(p + 1, s + 1);
}

/* Marker line: "/" "*@ KEYS *" "/"; returns the keys' span, or NULL. */
static const char *marker_keys(const char *line, size_t len, size_t *klen) {
  if (len < 6 || strncmp(line, "/*@", 3) != 0)
    return NULL;
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len < 5 || strncmp(line + len - 2, "*/", 2) != 0)
    return NULL;
  *klen = len - 5;
  return line + 3;
}

/* Does one of the keys match?  Mode keys only when mode_keys is set (piece
 * selection), never "bibc"; an empty key list matches in selection only. */
static int keys_match(const char *k, size_t klen, const char *const *names, int n,
                      const char *mode, int mode_keys) {
  int any = 0;
  char key[128];
  for (size_t i = 0; i < klen;) {
    while (i < klen && k[i] == ' ')
      i++;
    size_t j = i;
    while (j < klen && k[j] != ' ')
      j++;
    if (j == i)
      break;
    if (j - i >= sizeof key)
      die("runtime marker key too long");
    memcpy(key, k + i, j - i);
    key[j - i] = 0;
    i = j;
    any = 1;
    if (strcmp(key, "float") == 0 || strcmp(key, "int") == 0) {
      if (mode_keys && strcmp(key, mode) == 0)
        return 1;
      continue;
    }
    if (strcmp(key, "bibc") == 0)
      continue;
    for (int m = 0; m < n; m++)
      if (glob(key, names[m]))
        return 1;
  }
  return !any && mode_keys;
}

/* Is header fam (text) needed: one of its kernels named, or a keyed piece
 * matching?  Headers without markers go by kernel membership only. */
static int header_needed(int fam, const char *text, const char *const *names, int n) {
  for (int m = 0; m < n; m++) {
    const KernelInfo *k = kernel_find(names[m]);
    if (k && k->family == fam)
      return 1;
  }
  for (const char *s = text; *s;) {
    const char *eol = strchr(s, '\n');
    size_t len = eol ? (size_t)(eol - s + 1) : strlen(s), klen;
    const char *k = marker_keys(s, len, &klen);
    if (k && keys_match(k, klen, names, n, "", 0))
      return 1;
    s += len;
  }
  return 0;
}

static int is_blank(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
      return 0;
  return 1;
}

/* Copies text's selected pieces; *blank carries a pending blank line. */
static void copy_pieces(FILE *f, const char *text, const char *const *names, int n,
                        const char *mode, int *blank) {
  int on = 1;
  for (const char *s = text; *s;) {
    const char *eol = strchr(s, '\n');
    size_t len = eol ? (size_t)(eol - s + 1) : strlen(s), klen;
    const char *k = marker_keys(s, len, &klen);
    if (k) {
      on = keys_match(k, klen, names, n, mode, 1);
    } else if (is_blank(s, len)) {
      *blank = 1;
    } else if (on && strncmp(s, "#include \"", 10) != 0) {
      if (*blank)
        fputc('\n', f);
      *blank = 0;
      fwrite(s, 1, len, f);
      if (!eol)
        fputc('\n', f);
    }
    s += len;
  }
  *blank = 1;
}

void rt_text_emit(FILE *f, const char *const *names, int n, const char *mode) {
  int blank = 0;
  for (int m = 0; m < n; m++)
    if (!kernel_find(names[m]) && strncmp(names[m], "rt_fx_", 6) != 0)
      die("no runtime kernel named %s", names[m]);
  copy_pieces(f, rt_common_text, names, n, mode, &blank);
  for (int fam = 0; fam < rt_nfamilies; fam++)
    if (header_needed(fam, rt_families[fam].text, names, n))
      copy_pieces(f, rt_families[fam].text, names, n, mode, &blank);
  fputc('\n', f);
}
