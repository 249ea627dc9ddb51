package instances

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// The CLI renders DescribeInstanceRows' text itself: a table with a
// header, tab-separated text, dashes for what an instance lacks and its age.
func TestWriteRows(t *testing.T) {
	launch := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	row := func(fields ...string) string {
		var b []byte
		for i, f := range fields {
			if i > 0 {
				b = append(b, '\t')
			}
			b = ec2.AppendRowField(b, f)
		}
		return string(b) + "\n"
	}
	body := []byte(row("i-0aaaaaaaaaaaaaaaa", "web-1", "t3.micro", "running", "us-east-1a", "172.31.0.5", "198.18.0.9", launch.Format(time.RFC3339)) +
		row("i-0bbbbbbbbbbbbbbbb", "", "m5.large", "stopped", "us-east-1b", "172.31.16.7", "", launch.Format(time.RFC3339)) +
		row("i-0cccccccccccccccc", "tab\there", "t3.small", "pending", "us-east-1c", "172.31.32.8", "", launch.Format(time.RFC3339)))
	now := launch.Add(time.Hour)
	cases := []struct {
		name   string
		format string
		check  func(t *testing.T, out string)
	}{
		{"table", "table", func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "INSTANCE ID") || !strings.Contains(lines[0], "PUBLIC IP") {
				t.Fatalf("table:\n%s", out)
			}
			if f := strings.Fields(lines[2]); f[0] != "i-0bbbbbbbbbbbbbbbb" || f[1] != "-" || f[6] != "-" || f[7] != "1h" {
				t.Errorf("row without a name or public IP: %q", f)
			}
		}},
		{"text", "text", func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			want := "i-0aaaaaaaaaaaaaaaa\tweb-1\tt3.micro\trunning\tus-east-1a\t172.31.0.5\t198.18.0.9\t1h"
			if len(lines) != 3 || lines[0] != want {
				t.Errorf("text:\n%q\nwant first line %q", lines, want)
			}
			// A raw tab would split the field: it is escaped, as all
			// control characters are in text output.
			if f := strings.Split(lines[2], "\t"); len(f) != 8 || f[1] != `tab\there` {
				t.Errorf("a Name with a tab is not one escaped field: %q", lines[2])
			}
		}},
		{"no instances", "table", func(t *testing.T, out string) {
			if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "INSTANCE ID") {
				t.Errorf("an empty listing is its header: %q", out)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := body
			if tc.name == "no instances" {
				in = nil
			}
			var b bytes.Buffer
			if err := writeRows(&b, in, tc.format, false, now); err != nil {
				t.Fatal(err)
			}
			tc.check(t, b.String())
		})
	}
}
