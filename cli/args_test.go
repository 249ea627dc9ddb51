package cli

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

func TestInterspersed(t *testing.T) {
	app := NewApp(io.Discard, io.Discard)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"nothing to move", "ec2x stop --wait i-1", "ec2x stop --wait -- i-1"},
		{"flag after a positional", "ec2x stop i-1 --wait", "ec2x stop --wait -- i-1"},
		{"flags between positionals", "ec2x stop i-1 --force i-2 -q", "ec2x stop --force -q -- i-1 i-2"},
		{"value of a flag stays with it", "ec2x wait running i-1 --timeout 30s", "ec2x wait --timeout 30s -- running i-1"},
		{"value that looks like a positional", "ec2x run --name web --count 2", "ec2x run --name web --count 2"},
		{"value that looks like a flag", "ec2x run --name -web-", "ec2x run --name -web-"},
		{"flag=value takes no next argument", "ec2x run --type=t3.micro --count 2", "ec2x run --type=t3.micro --count 2"},
		{"short global flag with a value after the command", "ec2x ls i-1 -o json", "ec2x ls -o json -- i-1"},
		{"bool flag takes no value", "ec2x ls -q i-1", "ec2x ls -q -- i-1"},
		{"global flags before the command stay", "ec2x --region eu-west-1 -o json stop i-1 --wait", "ec2x --region eu-west-1 -o json stop --wait -- i-1"},
		{"subcommand", "ec2x keypair create NAME --type rsa", "ec2x keypair create --type rsa -- NAME"},
		{"subcommand with a repeatable flag", "ec2x keypair create NAME --tag a=b --tag c=d --out k.pem", "ec2x keypair create --tag a=b --tag c=d --out k.pem -- NAME"},
		{"arguments after -- are left alone", "ec2x tag i-1 -- --odd=value -q", "ec2x tag -- i-1 --odd=value -q"},
		{"-- first", "ec2x show -- -x", "ec2x show -- -x"},
		{"-- after a positional is consumed once", "ec2x tag i-1 -- -- k=v", "ec2x tag -- i-1 -- k=v"},
		{"-- with nothing after it", "ec2x ls -q --", "ec2x ls -q"},
		{"a lone dash is a positional", "ec2x show - -q", "ec2x show -q -- -"},
		{"unknown flag moves too, for urfave to reject", "ec2x stop i-1 --bogus", "ec2x stop --bogus -- i-1"},
		{"flag missing its value at the end", "ec2x run --type", "ec2x run --type"},
		{"unknown command is left alone", "ec2x frobnicate x --y", "ec2x frobnicate x --y"},
		{"alias", "ec2x rm i-1 --wait", "ec2x rm --wait -- i-1"},
		{"no command", "ec2x --version", "ec2x --version"},
		{"program name only", "ec2x", "ec2x"},
		{"completion request after a positional is untouched", "ec2x stop i-1 --generate-bash-completion", "ec2x stop i-1 --generate-bash-completion"},
		{"completion request for a flag is untouched", "ec2x keypair create k --t --generate-bash-completion", "ec2x keypair create k --t --generate-bash-completion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(interspersed(app, strings.Fields(tt.in)), " ")
			if got != tt.want {
				t.Errorf("interspersed(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFilters(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []ec2.Filter
		wantErr string
	}{
		{"none", nil, nil, ""},
		{"one value", []string{"instance-type=t3.micro"}, []ec2.Filter{{Name: "instance-type", Values: []string{"t3.micro"}}}, ""},
		{"several values", []string{"instance-state-name=running,stopped"},
			[]ec2.Filter{{Name: "instance-state-name", Values: []string{"running", "stopped"}}}, ""},
		{"tag filter, value with '='", []string{"tag:Name=a=b"}, []ec2.Filter{{Name: "tag:Name", Values: []string{"a=b"}}}, ""},
		{"repeated", []string{"availability-zone=us-east-1a", "tag:env=prod"},
			[]ec2.Filter{{Name: "availability-zone", Values: []string{"us-east-1a"}}, {Name: "tag:env", Values: []string{"prod"}}}, ""},
		{"no '='", []string{"nonsense"}, nil, `filter "nonsense": want NAME=VALUE[,VALUE...]`},
		{"no name", []string{"=running"}, nil, `filter "=running"`},
		{"no value", []string{"instance-type="}, nil, `filter "instance-type="`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFilters(tt.in)
			checkParse(t, got, tt.want, err, tt.wantErr)
		})
	}
}

func TestParseTags(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []ec2.Tag
		wantErr string
	}{
		{"none", nil, nil, ""},
		{"key and value", []string{"env=prod"}, []ec2.Tag{{Key: "env", Value: "prod"}}, ""},
		{"empty value", []string{"flag="}, []ec2.Tag{{Key: "flag", Value: ""}}, ""},
		{"value with '=' and spaces", []string{"cmd=a=b c"}, []ec2.Tag{{Key: "cmd", Value: "a=b c"}}, ""},
		{"no '='", []string{"env"}, nil, `tag "env": want KEY=VALUE`},
		{"no key", []string{"=prod"}, nil, `tag "=prod": want KEY=VALUE`},
		{"second is bad", []string{"a=1", "b"}, nil, `tag "b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTags(tt.in)
			checkParse(t, got, tt.want, err, tt.wantErr)
		})
	}
}

// checkParse asserts a parse result, or a usage error (exit 2) with msg.
func checkParse[T any](t *testing.T, got, want []T, err error, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, %v; want %+v", got, err, want)
		}
		return
	}
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), msg) {
		t.Fatalf("error = %v, want a usage error with %q", err, msg)
	}
	if report(io.Discard, err) != ExitUsage {
		t.Errorf("exit code is not %d", ExitUsage)
	}
}

func TestSplitIDs(t *testing.T) {
	tests := []struct {
		in        string
		ids, rest string
	}{
		{"i-1 key-2 Name=web", "i-1 key-2", "Name=web"},
		{"Name=web i-1", "", "Name=web i-1"},
		{"i-1 eipalloc-2 eni-3 sg-4 subnet-5 vpc-6", "i-1 eipalloc-2 eni-3 sg-4 subnet-5 vpc-6", ""},
		{"i- env", "", "i- env"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ids, rest := splitIDs(strings.Fields(tt.in))
			if strings.Join(ids, " ") != tt.ids || strings.Join(rest, " ") != tt.rest {
				t.Errorf("splitIDs = %q, %q; want %q, %q", ids, rest, tt.ids, tt.rest)
			}
		})
	}
}

// TestFlagsAnywhere runs real commands with flags after their arguments.
func TestFlagsAnywhere(t *testing.T) {
	home := sharedHome
	ids := strings.Fields(ok(t, home, "run", "--count", "2", "--tag", "suite=anywhere", "--wait", "-q"))
	key := unique("anywhere-rsa")
	if len(ids) != 2 {
		t.Fatalf("run -q printed %q", ids)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"stop ID --wait -q", []string{"stop", ids[0], "--wait", "-q"}, ids[0] + "\n"},
		{"show ID -o json --query", []string{"show", ids[0], "-o", "json", "--query", "State.Name"}, "\"stopped\"\n"},
		{"ls --filter after IDs", []string{"ls", ids[0], ids[1], "--filter", "instance-state-name=running", "-q"}, ids[1] + "\n"},
		{"keypair create NAME --type rsa", []string{"keypair", "create", key, "--type", "rsa", "--out", t.TempDir() + "/k.pem", "-q"}, ""},
		{"the key is rsa", []string{"keypair", "ls", key, "--query", "KeyPairs[0].KeyType", "-o", "text"}, "rsa\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ok(t, home, tt.args...)
			if tt.want != "" && got != tt.want {
				t.Errorf("ec2x %s printed %q, want %q", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
}
