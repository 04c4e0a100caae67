#!/bin/sh
# run-all.sh - the whole test suite from a fresh checkout: installs missing
# Debian packages, builds bibc three times and runs the CTest tests in each:
#   release   Release (-O3, what users build), every test
#   asan      gcc, AddressSanitizer + UndefinedBehaviorSanitizer, every test
#   ubsan     clang, -fsanitize=undefined,float-cast-overflow (casts of
#             out-of-range doubles, which gcc does not check), every test
#             but the Yosys and simulator runs, which exercise no more of
#             bibc's own code and take minutes
# All with -Werror.  Exit status 0 only if everything passed.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh cmake/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for cfg in release asan ubsan; do
  dir=build-test-$cfg skip=""
  case $cfg in
    asan) extra="-DCMAKE_BUILD_TYPE=Debug -DBIBC_SANITIZE=ON" ;;
    ubsan) extra="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBIBC_SANITIZE_FLOAT=ON -DCMAKE_C_COMPILER=clang"
           skip="^estimate/|^verify/sim|^conformance" ;;
    *) extra="-DCMAKE_BUILD_TYPE=Release" ;;
  esac
  echo "== $cfg build =="
  cmake -S . -B "$dir" $extra -DBIBC_WERROR=ON >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== $cfg tests =="
  (cd "$dir" && ctest --output-on-failure -j "$jobs" ${skip:+-E "$skip"}) || status=1
done
exit $status
