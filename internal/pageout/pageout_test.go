package pageout

import (
	"bytes"
	_ "embed"
	"os"
	"strconv"
	"strings"
	"testing"
)

//go:embed testdata/blob
var blob []byte

// rssFileKiB is this process's resident memory that maps files.
func rssFileKiB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "RssFile:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

// Embedded data read once stops counting in the process's memory when
// paged out, and reads back the same.
func TestBytesPagesOutEmbeddedData(t *testing.T) {
	want := bytes.Clone(blob) // reads every page in
	before := rssFileKiB(t)
	Bytes(blob)
	freed := before - rssFileKiB(t)
	if size := len(blob) >> 10; freed < size*3/4 {
		t.Errorf("paging out %d KiB of embedded data freed %d KiB", size, freed)
	}
	if !bytes.Equal(blob, want) {
		t.Error("the data changed")
	}
}
