/*
 * spawn.h - running another program, for 'bibc verify' (the C compiler and
 * the generated test bench) and the conformance runner (bibc, the C
 * compiler, the test bench): spawn() starts it with its output in a log
 * under a timeout, spawn_why() says in one line why a run failed.
 */
#ifndef BIBC_SPAWN_H
#define BIBC_SPAWN_H
#include "../ir/ir.h"

/* Runs argv (fork + execvp, no shell) with stdin from /dev/null and stdout
 * + stderr into log (truncated), in a process group of its own that is
 * killed after timeout seconds; waits for it.  Returns the wait status (a
 * timeout: that of a SIGALRM kill), or -1 with errno set if it could not be
 * started or waited for. */
int spawn(char *const *argv, const char *log, int timeout);

/* spawn() for a long-running tool (Yosys, nextpnr): run in directory dir
 * (NULL: here); while it runs, if label is set and stderr is a terminal,
 * "LABEL: N s" is shown and updated every second, then erased. */
int spawn_in(char *const *argv, const char *log, int timeout, const char *dir, const char *label);

/* spawn_in() for n programs (at most 64) at once, all in dir: program k
 * is argv[k] with its output in log[k]; waits for all of them under one
 * deadline and sets st[k] as spawn_in would return it.  Returns 0, or -1
 * with errno set if one could not be started or waited for (then the
 * others are killed, and st[k] is -1 for those never started). */
int spawn_all(int n, char *const *const *argv, const char *const *log, int timeout, const char *dir,
              const char *label, int *st);

/* What a spawn() status means: NULL for exit status 0, else "cannot start:
 * ERR" (st == -1, read errno before anything changes it), "timed out after
 * N s", "killed by signal N: LINE" or "exit status N: LINE", where LINE is
 * the caller's pick from the log (unused in the first two). */
const char *spawn_why(Arena *a, int st, int timeout, const char *line);

#endif
