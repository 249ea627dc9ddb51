package qemuguest

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// A guest's memory use is its total less what it could make available;
// an older kernel's free memory and caches stand in for MemAvailable, and
// what makes no sense is no figure.
func TestMemUsedMiB(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name                       string
		total, avail, free, caches int64
		want                       int
	}{
		{"available", 256 * mib, 200 * mib, -1, -1, 56},
		{"no MemAvailable: free and caches", 256 * mib, -1, 100 * mib, 50 * mib, 106},
		{"nothing reported", -1, -1, -1, -1, 0},
		{"available over total", 256 * mib, 300 * mib, -1, -1, 0},
		{"capped at the guest's size", 4096 * mib, 0, -1, -1, 2048},
		{"under a MiB is one", 256 * mib, 256*mib - 1, -1, -1, 1},
	} {
		if got := MemUsedMiB(tc.total, tc.avail, tc.free, tc.caches, 2048); got != tc.want {
			t.Errorf("%s: %d MiB, want %d", tc.name, got, tc.want)
		}
	}
}

// The console is its file's last 64 KiB, and nothing for a guest that
// never ran.
func TestReadConsole(t *testing.T) {
	p := filepath.Join(t.TempDir(), "console.log")
	if b, err := ReadConsole(p); err != nil || len(b) != 0 {
		t.Fatalf("no file: %q, %v", b, err)
	}
	var log []byte
	for i := 0; len(log) < 100<<10; i++ {
		log = append(log, []byte("[    1.000000] line "+strconv.Itoa(i)+"\n")...)
	}
	if err := os.WriteFile(p, log, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ReadConsole(p)
	if err != nil || string(b) != string(log[len(log)-ConsoleKeep:]) {
		t.Fatalf("console is %d bytes (%v), want the last %d", len(b), err, ConsoleKeep)
	}
}
