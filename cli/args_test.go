package cli

import (
	"io"
	"strings"
	"testing"
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
