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

static volatile sig_atomic_t child_group;  /* the waited-for child's process group; 0: none */

static void pass_on(int sig) {
  if (child_group > 0)
    kill(-(pid_t)child_group, sig);
}

int spawn(char *const *argv, const char *log, int timeout) {
  return spawn_in(argv, log, timeout, NULL, NULL);
}

int spawn_in(char *const *argv, const char *log, int timeout, const char *dir, const char *label) {
  fflush(NULL);
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
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa, old[3];
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = pass_on;
  sigemptyset(&sa.sa_mask);
  child_group = pid;
  for (int i = 0; i < 3; i++)
    sigaction(sigs[i], &sa, &old[i]);
  int tty = label && isatty(2), shown = -1, st = 0, timed_out = 0;
  long pause_ns = 1000 * 1000;  /* 1 ms, doubling to 50 ms: quick programs return quickly */
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t r;
  while ((r = waitpid(pid, &st, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    double sec = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9;
    if (sec >= timeout) {  /* the whole group: a tool's own children too */
      kill(-pid, SIGKILL);
      while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
        ;
      timed_out = 1;
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
  int err = errno;
  child_group = 0;
  for (int i = 0; i < 3; i++)
    sigaction(sigs[i], &old[i], NULL);
  if (tty && shown >= 0)
    fprintf(stderr, "\r%*s\r", (int)strlen(label) + 12, "");
  if (r < 0) {
    errno = err;
    return -1;
  }
  if (timed_out)
    return SIGALRM;  /* a status WIFSIGNALED reads as SIGALRM: spawn_why says "timed out" */
  if (WIFSIGNALED(st))
    kill(-pid, SIGTERM);  /* what it left running (a compiler cleans up on SIGTERM) */
  return st;
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
