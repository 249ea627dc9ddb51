package command_test

import (
	"testing"

	"github.com/ec2x/ec2x/cli/command"
)

func TestNearest(t *testing.T) {
	types := []string{"t2.micro", "t3.large", "t3.small", "m5.large", "m5.xlarge"}
	tests := []struct{ name, word, want string }{
		{"missing letter", "t3.larg", "t3.large"},
		{"swapped letters", "m5.lrage", "m5.large"},
		{"extra letter", "t2.miccro", "t2.micro"},
		{"nothing close", "qqqq.zzzz", ""},
		{"exact is no suggestion", "t3.large", ""},
		{"short word, one edit", "lss", "ls"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cands := types
			if tc.word == "lss" {
				cands = []string{"ls", "run", "show"}
			}
			if got := command.Nearest(tc.word, cands); got != tc.want {
				t.Errorf("Nearest(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
}
