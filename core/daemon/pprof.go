//go:build ec2xpprof

package daemon

import (
	"net/http"
	_ "net/http/pprof" // the profiles, on http.DefaultServeMux
	"os"
)

// A debug build (go build -tags ec2xpprof ./cmd/ec2xd) serves Go's
// profiles on the loopback address in EC2X_PPROF (e.g. 127.0.0.1:6060),
// for measuring the daemon's memory: go tool pprof http://ADDR/debug/pprof/heap.
// Release builds link none of it.
func init() {
	if addr := os.Getenv("EC2X_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
