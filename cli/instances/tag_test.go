package instances

import (
	"strings"
	"testing"
)

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
