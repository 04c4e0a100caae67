/*
 * fuzz.h - what the libFuzzer harnesses (fuzz_onnx.c, fuzz_tensor.c) share,
 * defined in fuzz_common.c: the file each execution's bytes are written to
 * (bibc's readers take a path) and the execution wrapper that turns a user
 * error into a return and frees what the failed run left behind.
 */
#ifndef BIBC_FUZZ_H
#define BIBC_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/* This process's input file, NAME-PID.EXT in /dev/shm (else $TMPDIR or
 * /tmp), created on the first call and removed at exit.  Every execution
 * rewrites the same file in place, so it stays one inode: bibc records each
 * input file it reads (error.c, file_note_input), at most 256. */
const char *fuzz_path(const char *name, const char *ext);
void fuzz_write(const char *path, const uint8_t *data, size_t n);

/* Runs fn(arg) as one execution with bibc's error trap set.  A user error
 * (error_at, error_node) jumps back here; every block malloc'd during the
 * run and not freed (arenas, protobuf messages, read buffers) is then
 * freed, so LeakSanitizer sees only real leaks of runs that succeed.
 * Returns 1 if fn returned, 0 after a user error.  Internal errors (die)
 * and sanitizer reports still crash: those are the findings.  Errors print
 * nothing unless the environment sets BIBC_FUZZ_VERBOSE=1. */
int fuzz_run(void (*fn)(void *), void *arg);
/* Reads path once, untracked, with a valid tensor in it (an empty float32
 * scalar as .npy or .pb by its extension), so that the state bibc keeps for
 * the whole process (error.c's record of input files) is made before any
 * execution is tracked.  Call from LLVMFuzzerInitialize, per file. */
void fuzz_prime(const char *path);

/* What `bibc MODEL --fixed -o x.v` does to g before printing, with the
 * netlist's cost bounded per execution: the --fixed pipeline and, for an
 * integer core of at most 16,384 constant and 262,144 other elements, the
 * Verilog backend's netlist passes (distributed arithmetic only up to 1,024
 * constant elements: it takes seconds on a 256 x 490 product).  Frees g. */
struct Graph;
void fuzz_compile_fixed(struct Graph *g);

#endif
