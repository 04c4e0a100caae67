/*
 * arena.c - one bump allocator per compilation.  Blocks are chained and
 * released together by arena_free(); nothing is freed individually.  This is
 * also the single allocation chokepoint: allocation failure is fatal.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

typedef struct Block {
  struct Block *next;    /* older block */
  size_t size, used;     /* capacity and bytes handed out */
  _Alignas(16) unsigned char mem[];
} Block;

struct Arena {
  Block *head;           /* newest block */
};

Arena *arena_new(void) {
  Arena *a = calloc(1, sizeof *a);
  if (!a)
    die("out of memory");
  return a;
}

void arena_free(Arena *a) {
  if (!a)
    return;
  for (Block *b = a->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(a);
}

void *arena_alloc(Arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  Block *b = a->head;
  if (!b || b->size - b->used < n) {
    size_t size = n > (1u << 20) ? n : (1u << 20);
    b = malloc(sizeof *b + size);
    if (!b)
      die("out of memory (%zu bytes)", n);
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->mem + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strdup(Arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(arena_alloc(a, n), s, n);
}

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}
