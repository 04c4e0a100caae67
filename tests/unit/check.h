/*
 * check.h - the assertion of bibc's unit test programs: CHECK(cond, fmt,
 * ...) counts a pass, or counts a failure and prints "FAIL file:line: msg";
 * CHECK_DONE() prints "N passed, M failed" and is main's exit status.
 */
#ifndef BIBC_CHECK_H
#define BIBC_CHECK_H
#include <stdio.h>

static int npassed, nfailed;

#define CHECK(cond, ...) \
  do { \
    if (cond) { \
      npassed++; \
    } else { \
      nfailed++; \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__); \
      putchar('\n'); \
    } \
  } while (0)

#define CHECK_DONE() (printf("%d passed, %d failed\n", npassed, nfailed), nfailed ? 1 : 0)

#endif
