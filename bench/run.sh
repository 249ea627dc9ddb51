#!/usr/bin/env bash
# Prints ec2x's performance figures (docs/PERFORMANCE.md). Needs Go; installs
# Debian's awscli for the comparison when it is missing and apt-get works.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/aws ] && command -v apt-get >/dev/null; then
  (apt-get install -y awscli >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y awscli >/dev/null 2>&1)) || echo "bench: could not install awscli" >&2
fi
go build -o bin/ . ./cmd/ec2xd
go run ./bench -bin bin/ec2x "$@"
echo
echo "Go benchmarks:"
go test -run '^$' -bench . -benchtime 20x ./core/daemon/ | grep -E '^Benchmark'
go test -run '^$' -bench . -benchtime 2s ./pricing-wasm/ | grep -E '^Benchmark'
