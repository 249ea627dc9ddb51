#!/usr/bin/env bash
# Compares two ec2x binaries on the same machine in one run and prints one
# table "figure | before | after | after/before":
#
#   1. `ec2x run --count 1000 -q`, the whole CLI call, instant boots, each
#      sample in a fresh home and daemon (bench/cli1000);
#   2. `ec2x ls`, `ls -q`, `ls -o json` over 1,000 instances, whole CLI
#      calls, with the CLI's and the daemon's CPU per call and `--version`
#      as the CLI's start-up baseline (bench/cli1000);
#   3. DescribeInstances over 1,000 instances through the EC2 endpoint:
#      p50/p99 from the AWS SDK for Go v2 and from raw signed POSTs read as
#      bytes (bench/ec2api);
#   4. the two-region concurrency figures (bench/regions).
#
# The measurements interleave: each round runs figure 1-2 for OLD then NEW,
# figure 3 for OLD then NEW, figure 4 for OLD then NEW, so machine noise
# hits both. Each cell of the table is the median over the rounds of each
# round's figure (itself a median or percentile over its samples). The
# three commands are built once, up front, from this tree; they import
# nothing of the module. Usage, from anywhere:
#
#   bench/compare.sh OLD_BIN NEW_BIN     (needs go and jq; about 7 min at the defaults)
#
# Environment: ROUNDS (default 3); CLI_FLAGS (default "-runs 11 -ls-runs
# 21"), API_FLAGS (default "-n 200"), REGIONS_FLAGS (default "-runs 1
# -duration 5s -max-background 50": regions waits up to 5 min per run for
# the machine's other load to fall under that percent); TMPDIR for the homes.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 OLD_BIN NEW_BIN" >&2
  exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
rounds=${ROUNDS:-3}
cli_flags=${CLI_FLAGS:--runs 11 -ls-runs 21}
api_flags=${API_FLAGS:--n 200}
regions_flags=${REGIONS_FLAGS:--runs 1 -duration 5s -max-background 50}
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/ec2x-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
for c in cli1000 ec2api regions; do
  go build -o "$work/$c" "./bench/$c"
done

echo "ec2x compare: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x$(nproc), $rounds rounds"
echo "before: $old ($(sha256sum "$old" | cut -c1-12))"
echo "after:  $new ($(sha256sum "$new" | cut -c1-12))"

# measure TOOL SIDE ROUND FLAGS...: runs one tool against one side's binary,
# shows its output and keeps its last line (JSON).
measure() {
  local tool=$1 side=$2 round=$3
  shift 3
  local bin=$old
  [ "$side" = new ] && bin=$new
  echo
  echo "== round $round, $tool, $side (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # The JSON line is kept, not shown (regions' is long).
  "$work/$tool" -bin "$bin" "$@" | tee "$work/$tool.$side.$round.out" | sed -u '/^{/d'
  tail -n 1 "$work/$tool.$side.$round.out" >"$work/$tool.$side.$round.json"
}

# shellcheck disable=SC2086 # the flags split into words
for r in $(seq 1 "$rounds"); do
  for side in old new; do measure cli1000 "$side" "$r" $cli_flags; done
  for side in old new; do measure ec2api "$side" "$r" $api_flags; done
  for side in old new; do measure regions "$side" "$r" $regions_flags; done
done

# med TOOL SIDE JQ_PATH: the median over the rounds of one figure.
med() {
  jq -s "[.[] | $3 | numbers] | sort | if length == 0 then null
    elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end" "$work/$1.$2".*.json
}

# row LABEL TOOL JQ_PATH [PRINTF_FORMAT]
row() {
  local b a fmt=${4:-%.1f}
  b=$(med "$2" old "$3")
  a=$(med "$2" new "$3")
  if [ "$b" = null ] || [ "$a" = null ]; then
    printf '%-58s | %12s | %12s | %s\n' "$1" "$b" "$a" "-"
    return
  fi
  printf "%-58s | %12s | %12s | %s\n" "$1" "$(printf "$fmt" "$b")" "$(printf "$fmt" "$a")" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN { if (b == 0) print "-"; else printf "x%.2f", a / b }')"
}

echo
echo "== before: $old"
echo "== after:  $new"
echo "== medians over $rounds interleaved rounds (ms unless said; after/before > 1: after is higher)"
printf '%-58s | %12s | %12s | %s\n' "figure" "before" "after" "after/before"
printf '%s\n' "-----------------------------------------------------------+--------------+--------------+-------------"
f=.figures
row "1. run --count 1000 -q, whole CLI call (ms)" cli1000 "$f.run_count.median_ms"
row "1. run --count 1000 -q, launches/s" cli1000 "$f.run_count.launches_per_sec" "%.0f"
row "   run --count 1000: CLI CPU (ms)" cli1000 "$f.run_count.cli_cpu_ms"
row "   run --count 1000: daemon CPU (ms)" cli1000 "$f.run_count.daemon_cpu_ms_per_call"
row "2. ls, 1,000 instances, table (ms)" cli1000 "$f.ls.median_ms"
row "2. ls -q, 1,000 instances (ms)" cli1000 "$f.ls_q.median_ms"
row "2. ls -o json, 1,000 instances (ms)" cli1000 "$f.ls_json.median_ms"
row "   --version, CLI start-up alone (ms)" cli1000 "$f.version.median_ms"
row "   ls: CLI CPU (ms)" cli1000 "$f.ls.cli_cpu_ms"
row "   ls: daemon CPU per call (ms)" cli1000 "$f.ls.daemon_cpu_ms_per_call"
row "   ls -q: CLI CPU (ms)" cli1000 "$f.ls_q.cli_cpu_ms"
row "   ls -q: daemon CPU per call (ms)" cli1000 "$f.ls_q.daemon_cpu_ms_per_call"
row "   ls -o json: CLI CPU (ms)" cli1000 "$f.ls_json.cli_cpu_ms"
row "   ls -o json: daemon CPU per call (ms)" cli1000 "$f.ls_json.daemon_cpu_ms_per_call"
row "   --version: CLI CPU (ms)" cli1000 "$f.version.cli_cpu_ms"
row "3. DescribeInstances x1000, SDK p50 (ms)" ec2api ".sdk.p50_ms" "%.2f"
row "3. DescribeInstances x1000, SDK p99 (ms)" ec2api ".sdk.p99_ms" "%.2f"
row "   SDK: daemon CPU per call (ms)" ec2api ".sdk.daemon_cpu_ms_per_call"
row "   SDK: client CPU per call (ms)" ec2api ".sdk.client_cpu_ms_per_call"
row "3. DescribeInstances x1000, raw signed POST p50 (ms)" ec2api ".raw.p50_ms" "%.2f"
row "3. DescribeInstances x1000, raw signed POST p99 (ms)" ec2api ".raw.p99_ms" "%.2f"
row "   raw: daemon CPU per call (ms)" ec2api ".raw.daemon_cpu_ms_per_call"
row "   raw: answer size (KiB)" ec2api ".raw.bytes / 1024" "%.0f"
m=.medians
row "4. one-region: small-mix ops/s" regions "$m[\"one-region\"].all.ops_per_sec" "%.0f"
row "4. one-region: p50 (ms)" regions "$m[\"one-region\"].all.p50_ms" "%.2f"
row "4. one-region: p99 (ms)" regions "$m[\"one-region\"].all.p99_ms" "%.2f"
row "4. two-regions: small-mix ops/s, both regions" regions "$m[\"two-regions\"].all.ops_per_sec" "%.0f"
row "4. two-regions: us-east-1 ops/s" regions "$m[\"two-regions\"].regions[\"us-east-1\"].ops_per_sec" "%.0f"
row "4. two-regions: eu-west-1 ops/s" regions "$m[\"two-regions\"].regions[\"eu-west-1\"].ops_per_sec" "%.0f"
row "4. two-regions: p50 (ms)" regions "$m[\"two-regions\"].all.p50_ms" "%.2f"
row "4. two-regions: p99 (ms)" regions "$m[\"two-regions\"].all.p99_ms" "%.2f"
row "4. two-regions: daemon CPU (% of a core)" regions "$m[\"two-regions\"].daemon_cpu_pct" "%.0f"
row "4. eu-alone: eu-west-1 ops/s" regions "$m[\"eu-alone\"].regions[\"eu-west-1\"].ops_per_sec" "%.0f"
row "4. eu+us-heavy: eu-west-1 ops/s" regions "$m[\"eu+us-heavy\"].regions[\"eu-west-1\"].ops_per_sec" "%.0f"
row "4. eu+us-heavy: eu-west-1 p99 (ms)" regions "$m[\"eu+us-heavy\"].regions[\"eu-west-1\"].p99_ms" "%.2f"
row "4. eu+us-heavy: us-east-1 heavy launches/s" regions "$m[\"eu+us-heavy\"].heavy_launches_per_sec" "%.0f"
row "4. interference: eu ops/s under us load / alone (1 = none)" regions \
  "($m[\"eu+us-heavy\"].regions[\"eu-west-1\"].ops_per_sec / $m[\"eu-alone\"].regions[\"eu-west-1\"].ops_per_sec)" "%.2f"
