package command_test

import (
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	ec2x "github.com/ec2x/ec2x/cli"
	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
)

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
			got, err := command.ParseFilters(tt.in)
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
			got, err := command.ParseTags(tt.in)
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
	var ue *command.UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), msg) {
		t.Fatalf("error = %v, want a usage error with %q", err, msg)
	}
	if ec2x.Report(io.Discard, err) != ec2x.ExitUsage {
		t.Errorf("exit code is not %d", ec2x.ExitUsage)
	}
}

func TestKeyPathStaysInside(t *testing.T) {
	long := strings.Repeat("/", 255)
	tests := []struct{ name, key, want string }{
		{"simple name unchanged", "deploy", "deploy.pem"},
		{"spaces and punctuation unchanged", "my key_1.prod@team+x", "my key_1.prod@team+x.pem"},
		{"traversal", "../../x", "%2E.%2F..%2Fx.pem"},
		{"dot", ".", "%2E.pem"},
		{"dotdot", "..", "%2E..pem"},
		{"hidden", ".ssh", "%2Essh.pem"},
		{"percent is escaped too", "a%2Fb", "a%252Fb.pem"},
		{"control bytes", "a\x1b\n", "a%1B%0A.pem"},
		{"backslash", `a\b`, "a%5Cb.pem"},
		{"empty", "", "%00.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := command.KeyFileName(tt.key); got != tt.want {
				t.Errorf("KeyFileName(%q) = %q, want %q", tt.key, got, tt.want)
			}
			p := command.KeyPath("/h", "us-east-1", tt.key)
			if filepath.Dir(p) != "/h/keys/us-east-1" {
				t.Errorf("KeyPath(%q) = %q, outside the key directory", tt.key, p)
			}
		})
	}
	t.Run("long names are hashed, distinct and short", func(t *testing.T) {
		a, b := command.KeyFileName(long), command.KeyFileName(long[1:])
		if a == b || len(a) > 255 || len(b) > 255 || strings.Contains(a, "/") {
			t.Errorf("KeyFileName of 255 and 254 slashes: %q (%d), %q (%d)", a, len(a), b, len(b))
		}
	})
}
