/*
 * fuzz_common.c - the input file and the execution wrapper of the libFuzzer
 * harnesses (fuzz.h).
 *
 * bibc reports a user error by exiting; under libFuzzer an exit is a
 * failure, so fuzz_run arms error_trap() (ir/error.c) and the error
 * longjmps back instead.  The run it cuts short leaves memory behind that
 * only bibc's locals pointed to: the graph's arena, a half-unpacked
 * protobuf message, a read buffer.  To free it without changing bibc,
 * fuzz_run watches the allocator through the sanitizer's malloc and free
 * hooks: a hash set holds every block allocated during the run and not yet
 * freed (open addressing, linear probing, backward-shift deletion; grown
 * by doubling with mmap, since a hook must not call malloc), and after an
 * error each block still in the set is freed.  Cost: O(1) per allocation,
 * plus one sweep of the set per failed run.  A run that ends normally frees
 * its own arena; anything it leaks is LeakSanitizer's to report.
 *
 * Open file descriptors are checked the same way: a run that leaves one
 * open aborts, as bibc would otherwise run out of them after ~1000 errors.
 */
#define _DEFAULT_SOURCE  /* MAP_ANONYMOUS */
#include <fcntl.h>
#include <sanitizer/allocator_interface.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../compiler/compiler.h"
#include "../../frontend/frontend.h"
#include "fuzz.h"

/* ---- the input file ---- */

#define MAXPATHS 4
static struct { char path[256]; int fd; } files[MAXPATHS];
static int nfiles;

static void remove_files(void) {
  for (int i = 0; i < nfiles; i++)
    unlink(files[i].path);
}

const char *fuzz_path(const char *name, const char *ext) {
  char want[256];
  const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
  snprintf(want, sizeof want, "%s/%s-%d%s", dir ? dir : "/tmp", name, (int)getpid(), ext);
  for (int i = 0; i < nfiles; i++)
    if (strcmp(files[i].path, want) == 0)
      return files[i].path;
  if (nfiles == MAXPATHS) {
    fprintf(stderr, "fuzz_path: more than %d files\n", MAXPATHS);
    abort();
  }
  int fd = open(want, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    perror(want);
    abort();
  }
  if (nfiles == 0)
    atexit(remove_files);
  memcpy(files[nfiles].path, want, sizeof want);
  files[nfiles].fd = fd;
  return files[nfiles++].path;
}

void fuzz_write(const char *path, const uint8_t *data, size_t n) {
  for (int i = 0; i < nfiles; i++) {
    if (strcmp(files[i].path, path) != 0)
      continue;
    int fd = files[i].fd;
    if (ftruncate(fd, 0) != 0)
      abort();
    for (size_t done = 0; done < n;) {
      ssize_t w = pwrite(fd, data + done, n - done, (off_t)done);
      if (w <= 0)
        abort();
      done += (size_t)w;
    }
    return;
  }
  abort();
}

/* ---- blocks allocated during a run ---- */

#define MINCAP ((size_t)1 << 15)
static uintptr_t small_set[MINCAP];
static uintptr_t *set = small_set;  /* 0: empty slot */
static size_t cap = MINCAP, nset;
static int tracking;                 /* the hooks record blocks */
static int lost;                     /* the set could not grow: some blocks unrecorded */

static size_t slot_of(uintptr_t p) {
  return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static void put(uintptr_t p) {
  size_t i = slot_of(p);
  while (set[i])
    i = (i + 1) & (cap - 1);
  set[i] = p;
  nset++;
}

static void grow(void) {
  size_t ncap = cap * 2;
  uintptr_t *n = mmap(NULL, ncap * sizeof *n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
  if (n == MAP_FAILED) {
    lost = 1;
    return;
  }
  uintptr_t *old = set;
  size_t ocap = cap;
  set = n;
  cap = ncap;
  nset = 0;
  for (size_t i = 0; i < ocap; i++)
    if (old[i])
      put(old[i]);
  if (old == small_set)
    memset(small_set, 0, sizeof small_set);  /* end_run goes back to it */
  else
    munmap(old, ocap * sizeof *old);
}

static void on_malloc(const volatile void *ptr, size_t size) {
  (void)size;
  if (!tracking || !ptr)
    return;
  if (2 * (nset + 1) > cap)
    grow();
  if (2 * (nset + 1) > cap)
    return;
  put((uintptr_t)ptr);
}

static void on_free(const volatile void *ptr) {
  if (!tracking || !ptr)
    return;
  uintptr_t p = (uintptr_t)ptr;
  size_t i = slot_of(p);
  while (set[i] && set[i] != p)
    i = (i + 1) & (cap - 1);
  if (!set[i])
    return;  /* allocated before the run */
  nset--;
  /* backward shift: move later entries of the probe run into the hole
   * unless their home slot lies cyclically in (hole, j] */
  for (size_t j = i;;) {
    set[i] = 0;
    for (;;) {
      j = (j + 1) & (cap - 1);
      if (!set[j])
        return;
      size_t k = slot_of(set[j]);
      if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
        continue;
      set[i] = set[j];
      i = j;
      break;
    }
  }
}

/* Ends tracking; with release, frees every block still recorded. */
static void end_run(int release) {
  tracking = 0;
  for (size_t i = 0; i < cap; i++) {
    if (set[i] && release)
      free((void *)set[i]);
    set[i] = 0;
  }
  if (set != small_set) {
    munmap(set, cap * sizeof *set);
    set = small_set;
    cap = MINCAP;
  }
  nset = 0;
  if (lost && release)
    fprintf(stderr, "fuzz_run: too many blocks to track; some leak\n");
  lost = 0;
}

/* ---- one execution ---- */

static int lowest_free_fd(void) {
  int fd = open("/dev/null", O_RDONLY);
  if (fd >= 0)
    close(fd);
  return fd;
}

static int run(void (*fn)(void *), void *arg, int track) {
  static int hooked;
  if (!hooked) {
    __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
    hooked = 1;
  }
  const char *v = getenv("BIBC_FUZZ_VERBOSE");
  int quiet = !(v && strcmp(v, "1") == 0);
  int fd0 = lowest_free_fd();
  jmp_buf jb;
  int ok = 1;
  error_trap(&jb, quiet);
  tracking = track;
  if (setjmp(jb) == 0) {
    fn(arg);
    error_trap(NULL, 0);
    end_run(0);
  } else {
    ok = 0;
    end_run(track);
  }
  error_set_file(NULL);  /* it named the freed graph's file */
  int fd1 = lowest_free_fd();
  if (fd1 != fd0) {
    fprintf(stderr, "fuzz_run: file descriptor %d left open by a %s run\n", fd0,
            ok ? "successful" : "failed");
    abort();
  }
  return ok;
}

int fuzz_run(void (*fn)(void *), void *arg) { return run(fn, arg, 1); }

static void prime(void *arg) {
  const char *path = arg;
  size_t n = strlen(path);
  Arena *a = arena_new();
  Value *v = tensor_new(a, DT_F32, 0, NULL);
  int npy = n > 4 && strcmp(path + n - 4, ".npy") == 0;
  if ((npy ? tensor_write_npy(path, v) : tensor_write_pb(path, v)) != 0)
    error_at(path, NULL, "cannot write");
  tensor_read(a, path);
  arena_free(a);
}

void fuzz_prime(const char *path) {
  if (!run(prime, (void *)path, 0)) {
    fprintf(stderr, "fuzz_prime: cannot read %s back\n", path);
    abort();
  }
}

/* ---- the compile both model harnesses run ---- */

#define DA_MAX_CONST 1024
#define NET_MAX_CONST (1 << 14)
#define NET_MAX_ELEMS (1 << 18)
/* fold_thresholds' check: 2^20 element evaluations instead of 2^24 (at
 * about 1 us each under ASan and coverage, 2^24 took 13 s of a 17 s
 * execution); the exhaustive and the grid check are both still reached. */
#define THRESHOLD_EVALS (1 << 20)

/* Elements of constant values (weights) and of all others in g. */
static void count(const Graph *g, int64_t *nconst, int64_t *nother) {
  *nconst = *nother = 0;
  for (int i = 0; i < g->nvalues; i++) {
    const Value *v = g->values[i];
    if (!v || !v->shape_known)
      continue;
    int64_t n = dims_numel_checked(v->dims, v->rank);
    n = n < 0 ? NET_MAX_ELEMS + 1 : n;
    if (v->data)
      *nconst += n;
    else
      *nother += n;
  }
}

void fuzz_compile_fixed(Graph *g) {
  PassOptions po = {.fixed = 1, .threshold_evals = THRESHOLD_EVALS};
  pipeline_run_opts(g, pipeline_for(g, &po), NULL, &po);
  IntSplit s;
  int64_t nconst, nother;
  count(g, &nconst, &nother);
  if (int_split(&s, g) && nconst <= NET_MAX_CONST && nother <= NET_MAX_ELEMS) {
    po.no_da = nconst > DA_MAX_CONST;
    net_pipeline_run(g, net_pipeline_for(1, &po), &po);
  }
  arena_free(g->arena);
}
