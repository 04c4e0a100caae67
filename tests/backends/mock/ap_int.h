/*
 * ap_int.h - a test stand-in for Xilinx's <ap_int.h>, so the __SYNTHESIS__
 * branch of bibc's HLS output can be compiled and run with g++ (tests/fixed/
 * run_fixed.sh --check hls).  ap_int<W> / ap_uint<W> hold a W-bit two's
 * complement / unsigned value; converting any integer to them keeps the low
 * W bits, as the real types do on assignment.  Arithmetic converts them to
 * long long first: exact for bibc's expressions, which interval analysis
 * keeps below 2^62, where the real types would widen instead.
 */
#ifndef BIBC_MOCK_AP_INT_H
#define BIBC_MOCK_AP_INT_H
#include <stdint.h>

template <int W, bool S> class bibc_ap_base {
  long long v;
  static long long wrap(long long x) {
    if (W >= 64)
      return x;
    unsigned long long m = (1ULL << W) - 1, u = (unsigned long long)x & m;
    if (S && (u >> (W - 1)))
      u |= ~m;
    return (long long)u;
  }
 public:
  bibc_ap_base() : v(0) {}
  bibc_ap_base(long long x) : v(wrap(x)) {}
  operator long long() const { return v; }
};

template <int W> class ap_int : public bibc_ap_base<W, true> {
 public:
  ap_int() {}
  ap_int(long long x) : bibc_ap_base<W, true>(x) {}
};

template <int W> class ap_uint : public bibc_ap_base<W, false> {
 public:
  ap_uint() {}
  ap_uint(long long x) : bibc_ap_base<W, false>(x) {}
};

#endif
