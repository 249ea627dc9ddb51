# ec2x recipes. README's two commands need only Go; these are conveniences.

build:
    go build -tags urfave_cli_no_docs -o bin/ . ./cmd/ec2xd

test:
    go test -race -count=1 -timeout 20m ./...

bench:
    bench/run.sh

lint:
    gofmt -l $(git ls-files '*.go')
    go vet ./...

completions: build
    bin/ec2x completion bash > completions/ec2x.bash
    bin/ec2x completion zsh > completions/_ec2x
    bin/ec2x completion fish > completions/ec2x.fish

# Rebuild the built-in pricing modules (committed; a test checks they match).
wasm:
    go generate ./pricing-wasm/modules

# Regenerate the EC2 Query and XML wire names from the pinned AWS SDK.
names:
    go generate ./core/api/ec2query
