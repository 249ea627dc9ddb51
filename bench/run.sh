#!/usr/bin/env bash
# Prints ec2x's performance figures (docs/PERFORMANCE.md). Needs Go; installs
# Debian's awscli for the comparison when it is missing and apt-get works.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/aws ] && command -v apt-get >/dev/null; then
  (apt-get install -y awscli >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y awscli >/dev/null 2>&1)) || echo "bench: could not install awscli" >&2
fi
# The tag drops urfave/cli's man-page generator (blackfriday) from the
# binaries: ec2x does not use it, and its initialiser cost each CLI call.
go build -tags urfave_cli_no_docs -o bin/ . ./cmd/ec2xd
go run ./bench -bin bin/ec2x "$@"
echo
echo "Go benchmarks:"
go test -run '^$' -bench . -benchtime 20x ./core/daemon/ | grep -E '^Benchmark'
go test -run '^$' -bench . -benchtime 2s ./pricing-wasm/ | grep -E '^Benchmark'
