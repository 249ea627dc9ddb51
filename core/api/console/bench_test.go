package console_test

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/api/console"
)

// BenchmarkNew is what an idle console holds besides its listener: the
// parsed page templates and the empty session books (B/op is their heap;
// docs/PERFORMANCE.md quotes it).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if console.New(console.Options{Region: "us-east-1", Now: time.Now}) == nil {
			b.Fatal("no console")
		}
	}
}
