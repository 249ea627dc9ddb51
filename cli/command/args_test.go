package command_test

import (
	"errors"
	"io"
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
