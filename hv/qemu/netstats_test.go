package qemu

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// pcapRecord is one filter-dump record: a frame of frameLen bytes of
// which capLen were kept.
func pcapRecord(capLen, frameLen int) []byte {
	b := make([]byte, 16+capLen)
	binary.LittleEndian.PutUint32(b[8:], uint32(capLen))
	binary.LittleEndian.PutUint32(b[12:], uint32(frameLen))
	return b
}

func TestReadDumpCountsFramesAsTheFileGrows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n0.in.pcap")
	header := make([]byte, 24)
	binary.LittleEndian.PutUint32(header, 0xa1b2c3d4)
	appendFile := func(b []byte) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	var nd netDump
	steps := []struct {
		name  string
		write []byte
		want  uint64
	}{
		{"header only", header, 0},
		{"two frames", append(pcapRecord(1, 590), pcapRecord(1, 60)...), 650},
		{"a record half written waits", pcapRecord(1, 1514)[:10], 650},
		{"its rest completes it", pcapRecord(1, 1514)[10:], 2164},
		{"a frame kept whole (64 bytes)", pcapRecord(64, 64), 2228},
		{"nothing new", nil, 2228},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			appendFile(s.write)
			readDump(path, &nd)
			if nd.bytes != s.want {
				t.Errorf("counted %d bytes, want %d", nd.bytes, s.want)
			}
		})
	}
	var again netDump
	readDump(path, &again)
	if again != nd {
		t.Errorf("a fresh read (a restarted daemon) counts %+v, the incremental reads %+v", again, nd)
	}
}
