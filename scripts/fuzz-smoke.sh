#!/bin/sh
# fuzz-smoke.sh runs every fuzz target of the packages given (default
# ./format) for a short time each, so that CI catches a reader that crashes
# on input its seed corpus did not cover. Crashers are written to
# PACKAGE/testdata/fuzz/TARGET/ by go test; commit them after fixing.
#
# Usage: scripts/fuzz-smoke.sh [PACKAGE...]
# Environment: FUZZTIME per target (default 10s).
set -eu

fuzztime=${FUZZTIME:-10s}
[ $# -gt 0 ] || set -- ./format

status=0
for pkg in "$@"; do
	targets=$(go test -list 'Fuzz.*' "$pkg" | grep '^Fuzz' || true)
	if [ -z "$targets" ]; then
		echo "fuzz-smoke: no fuzz targets in $pkg" >&2
		continue
	fi
	for t in $targets; do
		echo "fuzz-smoke: $pkg $t for $fuzztime"
		# Short minimisation: a smoke run reports, it does not shrink.
		if ! go test "$pkg" -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s; then
			status=1
		fi
	done
done
exit $status
