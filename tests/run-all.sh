#!/bin/sh
# run-all.sh - the whole test suite from a fresh checkout: installs missing
# Debian packages, builds bibc twice (release build, then with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every CTest test
# in both builds.  Exit status 0 only if everything passed.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh cmake/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for cfg in release asan; do
  dir=build-test-$cfg
  if [ $cfg = asan ]; then
    extra="-DCMAKE_BUILD_TYPE=Debug -DBIBC_SANITIZE=ON"
  else
    extra="-DCMAKE_BUILD_TYPE=RelWithDebInfo"
  fi
  echo "== $cfg build =="
  cmake -S . -B "$dir" $extra -DBIBC_WERROR=ON >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== $cfg tests =="
  (cd "$dir" && ctest --output-on-failure -j "$jobs") || status=1
done
exit $status
