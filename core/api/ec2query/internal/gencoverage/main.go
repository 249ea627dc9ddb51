// Command gencoverage writes docs/COVERAGE.md: every action of the EC2
// families ec2x has, from the AWS SDK for Go's EC2 model, with whether the
// EC2 endpoint serves it and, for those it serves, which of the model's
// request parameters it accepts. What is implemented is read from the
// action table (its Public actions) and from the endpoint's decoder
// (ec2query.Params), never from a list kept by hand. Run with go generate
// in core/api/ec2query; TestCoverageIsCurrent fails when the file is stale.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/api/ec2query"
)

const sdk = "github.com/aws/aws-sdk-go-v2/service/ec2"

// command is what regenerates the file, named in it and in the test.
const command = "go generate ./core/api/ec2query"

func main() {
	out := flag.String("o", "../../../docs/COVERAGE.md", "the file to write")
	flag.Parse()
	b, err := generate()
	if err == nil {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencoverage:", err)
		os.Exit(1)
	}
}

// generate makes the file from the SDK the module requires and the
// action table this binary is built with.
func generate() ([]byte, error) {
	m, err := sdkModule()
	if err != nil {
		return nil, err
	}
	ops, err := readModel(m.dir)
	if err != nil {
		return nil, err
	}
	return render(m, ops, implemented(core.ActionTable())), nil
}

// module is the SDK's module as go list reports it.
type module struct {
	dir, version, apiVersion string
}

var apiVersionRe = regexp.MustCompile(`(?m)^const ServiceAPIVersion = "([^"]+)"`)

func sdkModule() (module, error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", sdk).Output()
	if err != nil {
		return module{}, fmt.Errorf("go list -m %s: %w", sdk, err)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return module{}, fmt.Errorf("go list -m %s: %q (is the module downloaded? go mod download %s)", sdk, b, sdk)
	}
	m := module{dir: f[0], version: f[1]}
	src, err := os.ReadFile(m.dir + "/api_client.go")
	if err != nil {
		return module{}, err
	}
	if v := apiVersionRe.FindSubmatch(src); v != nil {
		m.apiVersion = string(v[1])
	}
	return m, nil
}

// implemented maps each action the EC2 endpoint serves to the request
// parameters its decoder accepts.
func implemented(t *actions.Table) map[string][]ec2query.Param {
	out := map[string][]ec2query.Param{}
	for _, n := range t.Names() {
		if d, _ := t.Lookup(n); d.Expose == actions.Public && d.Call != nil {
			out[n] = ec2query.Params(d)
		}
	}
	return out
}
