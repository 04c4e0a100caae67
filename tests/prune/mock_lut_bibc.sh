#!/bin/sh
# mock_lut_bibc.sh REAL_BIBC ARGS... - bibc as bench/lut_neurons/run.sh will
# meet it once --lut-neurons exists: the flag is accepted (and dropped), and
# the JSON of 'estimate --json --lut-neurons' gets "lut_neurons":
# {"mock": true} as its first key.  Everything else is REAL_BIBC's.
real=$1
shift
lut=0 n=$#
while [ "$n" -gt 0 ]; do
  a=$1
  shift
  n=$((n - 1))
  if [ "$a" = --lut-neurons ]; then lut=1; else set -- "$@" "$a"; fi
done
if [ $lut = 0 ]; then
  exec "$real" "$@"
fi
"$real" "$@" > "${TMPDIR:-/tmp}/mock_lut_bibc.$$" || { rc=$?; rm -f "${TMPDIR:-/tmp}/mock_lut_bibc.$$"; exit $rc; }
sed '1s/^{$/{\n  "lut_neurons": {"mock": true},/' "${TMPDIR:-/tmp}/mock_lut_bibc.$$"
rm -f "${TMPDIR:-/tmp}/mock_lut_bibc.$$"
