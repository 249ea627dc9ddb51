#!/bin/bash
# median.sh N COMMAND [ARGS...]: the median wall time of N runs of a
# command, in milliseconds (output discarded), for start-up comparisons.
set -eu
n=$1
shift
for _ in $(seq "$n"); do
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
done | sort -n | awk '{a[NR] = $1} END {printf "%.2f ms\n", a[int(NR / 2) + 1] / 1000}'
