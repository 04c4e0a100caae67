/*
 * hls_round.c - the netlist's rounding plan (ir/net_eval.c, printed by the
 * HLS and Verilog backends: floor((x + bias) / 2^s) with a sign- and
 * parity-dependent bias) must equal rt_fx_round, the definition every
 * backend follows: all nine modes, every shift from 1 to 20 on every x in
 * [-5000, 5000], and shifts up to 61 on values near the 62-bit limit; and
 * round(x + c) by the plan with c (fold_round_bias) in the five modes
 * whose offset ignores the sign.
 * Prints "N passed, M failed".
 */
#include <stdio.h>

#include "../../ir/net.h"
#include "../../runtime/rt_fixed.h"

int main(void) {
  long long passed = 0, failed = 0;
  for (int64_t mode = RT_RND_FLOOR; mode <= RT_RND_HALF_ZERO; mode++)
    for (int s = 1; s <= 61; s++) {
      NetRound p = net_round_plan(s, mode, 0);
      int64_t big = (int64_t)1 << 61;
      int64_t lo = s <= 20 ? -5000 : -100, hi = s <= 20 ? 5000 : 100;
      for (int64_t k = lo; k <= hi; k++) {
        int64_t x = s <= 20 ? k : (k < 0 ? -big - k : big - k);
        int64_t want = rt_fx_round(x, s, mode), got = net_round_eval(&p, x);
        if (got == want) {
          passed++;
        } else if (failed++ < 10) {
          printf("FAIL mode %lld shift %d x %lld: %lld, rt_fx_round %lld\n", (long long)mode, s,
                 (long long)x, (long long)got, (long long)want);
        }
      }
    }
  /* fold_round_bias: round(x + c) as the plan with c, in the modes whose
   * offset does not depend on the sign, for constants around 2^s */
  for (int64_t mode = RT_RND_FLOOR; mode <= RT_RND_HALF_ZERO; mode++)
    for (int s = 1; s <= 12; s++) {
      if (net_round_plan(s, mode, 0).pos != net_round_plan(s, mode, 0).neg)
        continue;
      for (int64_t c = -3 * ((int64_t)1 << s) - 3; c <= 3 * ((int64_t)1 << s) + 3; c += 1 + (c & 3))
        for (int64_t x = -2000; x <= 2000; x++) {
          NetRound p = net_round_plan(s, mode, c);
          int64_t want = rt_fx_round(x + c, s, mode), got = net_round_eval(&p, x);
          if (got == want) {
            passed++;
          } else if (failed++ < 10) {
            printf("FAIL mode %lld shift %d c %lld x %lld: %lld, rt_fx_round %lld\n", (long long)mode, s,
                   (long long)c, (long long)x, (long long)got, (long long)want);
          }
        }
    }
  printf("%lld passed, %lld failed\n", passed, failed);
  return failed != 0;
}
