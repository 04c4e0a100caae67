/*
 * spawn.c - running another program under a timeout, for 'bibc verify' and
 * the conformance runner (see spawn.h).  fork + execvp from an argv array,
 * so no shell quoting; the child's stdout and stderr go to a log file the
 * caller reads for the reason of a failure; bibc waits with a deadline
 * and kills a program that hangs, with its whole group.  The child leads
 * a process group of its own, so that what it starts (a Verilator build
 * runs make and the C++ compiler) ends with it: when the child is killed
 * by a signal, the rest of its group is killed too, and an interrupt
 * (SIGINT, SIGTERM, SIGHUP) that reaches bibc while it waits is passed on
 * to the group, so the caller can still report and clean up.  The parent's
 * stdio is flushed first so buffered output is not written twice.
 * spawn_all runs several programs at once (bibc estimate's Yosys runs,
 * two at once) under one deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

#define SPAWN_MAX 64                /* programs at once */

static volatile sig_atomic_t groups[SPAWN_MAX];  /* the waited-for children's groups; 0: none */

static void pass_on(int sig) {
  for (int k = 0; k < SPAWN_MAX; k++)
    if (groups[k] > 0)
      kill(-(pid_t)groups[k], sig);
}

int spawn(char *const *argv, const char *log, int timeout) {
  return spawn_in(argv, log, timeout, NULL, NULL);
}

int spawn_in(char *const *argv, const char *log, int timeout, const char *dir, const char *label) {
  int st;
  char *const *argvs[1] = {argv};
  const char *logs[1] = {log};
  return spawn_all(1, argvs, logs, timeout, dir, label, &st) < 0 ? -1 : st;
}

/* Starts one child in a group of its own; its pid, or -1. */
static pid_t start(char *const *argv, const char *log, const char *dir) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    setpgid(0, 0);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666), nul = open("/dev/null", O_RDONLY);
    if (fd < 0 || nul < 0 || (dir && chdir(dir) != 0))
      _exit(126);
    dup2(nul, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    close(nul);
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);  /* as the child does: whichever runs first */
  return pid;
}

int spawn_all(int n, char *const *const *argv, const char *const *log, int timeout, const char *dir,
              const char *label, int *st) {
  if (n < 1 || n > SPAWN_MAX) {
    errno = EINVAL;
    return -1;
  }
  fflush(NULL);
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa, old[3];
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = pass_on;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 3; i++)
    sigaction(sigs[i], &sa, &old[i]);
  pid_t pid[SPAWN_MAX];
  int done[SPAWN_MAX], left = 0, fail = 0, err = 0;
  for (int k = 0; k < n; k++) {
    pid[k] = fail ? -1 : start(argv[k], log[k], dir);
    done[k] = pid[k] < 0;
    st[k] = pid[k] < 0 ? -1 : 0;
    if (pid[k] < 0 && !fail)
      fail = 1, err = errno;
    groups[k] = pid[k] > 0 ? pid[k] : 0;
    left += pid[k] > 0;
  }
  int tty = label && isatty(2), shown = -1;
  long pause_ns = 1000 * 1000;  /* 1 ms, doubling to 50 ms: quick programs return quickly */
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (left > 0) {
    for (int k = 0; k < n; k++) {
      if (done[k])
        continue;
      pid_t r = waitpid(pid[k], &st[k], WNOHANG);
      if (r == pid[k] || (r < 0 && errno != EINTR)) {
        if (r < 0)
          st[k] = -1, fail = 1, err = errno;
        else if (WIFSIGNALED(st[k]))
          kill(-pid[k], SIGTERM);  /* what it left running (a compiler cleans up on SIGTERM) */
        done[k] = 1, groups[k] = 0, left--;
      }
    }
    if (left == 0)
      break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double sec = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9;
    if (sec >= timeout || fail) {  /* the whole groups: a tool's own children too */
      for (int k = 0; k < n; k++)
        if (!done[k]) {
          kill(-pid[k], SIGKILL);
          while (waitpid(pid[k], &st[k], 0) < 0 && errno == EINTR)
            ;
          st[k] = SIGALRM;  /* a status WIFSIGNALED reads as SIGALRM: spawn_why says "timed out" */
          done[k] = 1, groups[k] = 0;
        }
      break;
    }
    if (tty && (int)sec != shown) {
      shown = (int)sec;
      fprintf(stderr, "\r%s: %d s", label, shown);
      fflush(stderr);
    }
    struct timespec p = {0, pause_ns};
    nanosleep(&p, NULL);
    pause_ns = pause_ns < 50 * 1000 * 1000 ? pause_ns * 2 : pause_ns;
  }
  for (int k = 0; k < n; k++)
    groups[k] = 0;
  for (int i = 0; i < 3; i++)
    sigaction(sigs[i], &old[i], NULL);
  if (tty && shown >= 0)
    fprintf(stderr, "\r%*s\r", (int)strlen(label) + 12, "");
  if (fail) {
    errno = err;
    return -1;
  }
  return 0;
}

const char *spawn_why(Arena *a, int st, int timeout, const char *line) {
  if (st == -1)
    return arena_printf(a, "cannot start: %s", strerror(errno));
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
    return NULL;
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
    return arena_printf(a, "timed out after %d s", timeout);
  if (WIFSIGNALED(st))
    return arena_printf(a, "killed by signal %d: %s", WTERMSIG(st), line);
  return arena_printf(a, "exit status %d: %s", WEXITSTATUS(st), line);
}
