package command

import (
	"crypto/sha256"
	"encoding/hex"
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
	return filepath.Join(home, "keys", region, KeyFileName(name))
}

// maxKeyFile keeps a key's file name (with ".pem") under the usual
// 255-byte limit of file systems.
const maxKeyFile = 200

// KeyFileName maps a key pair name to a file name that stays in its
// directory. EC2 allows any ASCII name, "../x" included, so the name is
// kept and its unsafe bytes are percent-encoded: '/', '\\', '%', control
// bytes and non-ASCII, and a leading '.' (so ".", ".." and hidden files
// cannot occur). Other names map to NAME.pem as they always did. A long
// encoding is cut and suffixed with a hash of the name.
func KeyFileName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '/' || c == '\\' || c == '%' || c < 0x20 || c >= 0x7f || (i == 0 && c == '.') {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	enc := b.String()
	if name == "" {
		enc = "%00"
	}
	if len(enc) > maxKeyFile {
		cut := maxKeyFile - 33
		// Do not split a %XX escape.
		if i := strings.LastIndexByte(enc[:cut], '%'); i >= cut-2 {
			cut = i
		}
		sum := sha256.Sum256([]byte(name))
		enc = enc[:cut] + "-" + hex.EncodeToString(sum[:16])
	}
	return enc + ".pem"
}
