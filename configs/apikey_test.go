package configs

import (
	"net"
	"testing"
)

// Loopback decides whether the example key may listen: what it calls
// loopback is what net calls loopback (the CLI links netip, not net).
func TestLoopback(t *testing.T) {
	tests := []struct {
		listen string
		want   bool
	}{
		{"127.0.0.1:8787", true},
		{"127.9.8.7:1", true},
		{"[::1]:8787", true},
		{"[::ffff:127.0.0.1]:8787", true},
		{"localhost:8787", true},
		{"0.0.0.0:8787", false},
		{":8787", false},
		{"[::]:8787", false},
		{"192.168.1.5:8787", false},
		{"[fe80::1%eth0]:8787", false},
		{"example.com:8787", false},
		{"127.0.0.1", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			if got := Loopback(tt.listen); got != tt.want {
				t.Errorf("Loopback(%q) = %v, want %v", tt.listen, got, tt.want)
			}
			host, _, err := net.SplitHostPort(tt.listen)
			ip := net.ParseIP(host)
			if byNet := err == nil && (host == "localhost" || ip != nil && ip.IsLoopback()); byNet != tt.want {
				t.Errorf("net says %v for %q", byNet, tt.listen)
			}
		})
	}
}
