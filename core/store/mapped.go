package store

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Badger reads its tables (.sst) through memory maps, and every page of a
// table it has written, compacted or scanned stays mapped: after 100,000
// launches, 40 MB of the daemon's RSS was tables it had no use for until
// the next compaction or start. Tables never change once written, so the
// store asks the kernel to reclaim their pages (MADV_PAGEOUT: written back
// if dirty, then dropped; a later read faults them in from the file). The
// advice never changes memory's contents, so it is harmless even on a
// range that Badger unmapped, and something else mapped, after the maps
// were read.

// tableMappings returns the address ranges of the table files under dir
// that this process maps, read from /proc/self/maps.
func tableMappings(dir string) ([][2]uintptr, error) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	prefix := filepath.Clean(dir) + string(filepath.Separator)
	var out [][2]uintptr
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		// start-end perms offset dev inode path
		f := strings.Fields(sc.Text())
		if len(f) < 6 || !strings.HasPrefix(f[5], prefix) || !strings.HasSuffix(f[5], ".sst") {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		out = append(out, [2]uintptr{uintptr(start), uintptr(end)})
	}
	return out, sc.Err()
}

// pageOutTables advises the kernel to reclaim the pages of every table
// file mapped from dir.
func pageOutTables(dir string) error {
	ms, err := tableMappings(dir)
	if err != nil {
		return err
	}
	for _, m := range ms {
		// By address, without making a slice of memory Badger owns.
		if _, _, e := unix.Syscall(unix.SYS_MADVISE, m[0], m[1]-m[0], unix.MADV_PAGEOUT); e != 0 && e != unix.EINVAL && e != unix.ENOMEM {
			return e
		}
	}
	return nil
}
