package ec2

import "testing"

func TestValidInstanceID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"i-1234abcd", true},
		{"i-0123456789abcdef0", true},
		{"i-123", false},
		{"i-", false},
		{"", false},
		{"i-123456789", false},
		{"i-0123456789ABCDEF0", false},
		{"i-0123456789abcdeg0", false},
		{"x-1234abcd", false},
		{"i-1234abcd ", false},
		{"web", false},
	} {
		t.Run(tc.id, func(t *testing.T) {
			if got := ValidInstanceID(tc.id); got != tc.want {
				t.Errorf("ValidInstanceID(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}

func BenchmarkValidInstanceID(b *testing.B) {
	for b.Loop() {
		ValidInstanceID("i-0123456789abcdef0")
	}
}
