package command

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ec2x/ec2x/core/ec2"
)

// UsageError is a malformed command line: exit 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

// TimeoutError is a wait that ran out of time: exit 4.
type TimeoutError struct{ Msg string }

func (e *TimeoutError) Error() string { return e.Msg }

// ParseFilters parses NAME=VALUE[,VALUE...] arguments.
func ParseFilters(args []string) ([]ec2.Filter, error) {
	var fs []ec2.Filter
	for _, a := range args {
		n, v, ok := strings.Cut(a, "=")
		if !ok || n == "" || v == "" {
			return nil, Usagef("filter %q: want NAME=VALUE[,VALUE...]", a)
		}
		fs = append(fs, ec2.Filter{Name: n, Values: strings.Split(v, ",")})
	}
	return fs, nil
}

// ParseTags parses KEY=VALUE arguments.
func ParseTags(args []string) ([]ec2.Tag, error) {
	var tags []ec2.Tag
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, Usagef("tag %q: want KEY=VALUE", a)
		}
		tags = append(tags, ec2.Tag{Key: k, Value: v})
	}
	return tags, nil
}

// KeyPath is where `keypair create` writes a private key by default, and
// where `ssh` looks for it.
func KeyPath(home, region, name string) string {
	return filepath.Join(home, "keys", region, name+".pem")
}
