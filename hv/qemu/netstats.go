package qemu

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// User-mode networking keeps no byte counters, so each NIC's traffic is
// counted from QEMU's filter-dump objects: one per direction, writing a
// pcap file that keeps one byte of every frame (17 bytes a frame) next to
// its full length. The daemon sums the lengths as the files grow.

// dumpRotateBytes is the size at which a dump file is emptied (about 4
// million frames): its count moves into the guest's base and QEMU starts
// a new file.
const dumpRotateBytes = 64 << 20

// netDump is how far a dump file has been read and what it counted.
type netDump struct {
	off   int64
	bytes uint64
}

// dumpDirs are a NIC's two dump directions: frames QEMU's netdev sends to
// the guest (its transmit queue: NetworkIn) and frames it receives from
// the guest (NetworkOut).
var dumpDirs = [...]struct{ name, queue string }{{"in", "tx"}, {"out", "rx"}}

func dumpID(netdev int, dir string) string { return fmt.Sprintf("n%d%s", netdev, dir) }

func (g *guest) dumpPath(netdev int, dir string) string {
	return g.path(fmt.Sprintf("n%d.%s.pcap", netdev, dir))
}

// dumpArgs are the -object options that count netdev n's traffic.
func (g *guest) dumpArgs(n int) []string {
	var a []string
	for _, d := range dumpDirs {
		a = append(a, "-object", fmt.Sprintf("filter-dump,id=%s,netdev=n%d,queue=%s,maxlen=1,file=%s", dumpID(n, d.name), n, d.queue, g.dumpPath(n, d.name)))
	}
	return a
}

// dumpFilter is QMP's object-add arguments of netdev n's dump in one
// direction.
func (g *guest) dumpFilter(n int, dir, queue string) map[string]any {
	return map[string]any{"qom-type": "filter-dump", "id": dumpID(n, dir), "netdev": fmt.Sprintf("n%d", n),
		"queue": queue, "maxlen": 1, "file": g.dumpPath(n, dir)}
}

// dumpNetdev is the netdev number of a dump file's name.
func dumpNetdev(f string) (int, bool) {
	var n int
	_, err := fmt.Sscanf(filepath.Base(f), "n%d.", &n)
	return n, err == nil
}

// addDumps starts counting a hot-plugged netdev's traffic.
func (g *guest) addDumps(ctx context.Context, n int) error {
	for _, d := range dumpDirs {
		if err := qmp(ctx, g.path("qmp.sock"), "object-add", g.dumpFilter(n, d.name, d.queue), nil); err != nil {
			return err
		}
	}
	return nil
}

// delDumps stops counting netdev n (its files are still read until the
// process ends).
func (g *guest) delDumps(ctx context.Context, n int) {
	for _, d := range dumpDirs {
		_ = qmp(ctx, g.path("qmp.sock"), "object-del", map[string]any{"id": dumpID(n, d.name)}, nil)
	}
}

// netCounts reads what the running process's dump files added since the
// last call and returns the bytes into and out of the guest in this run,
// rotating files that grew past rotateAt bytes. The caller holds d.mu.
func (g *guest) netCounts(ctx context.Context, rotateAt int64) (in, out uint64) {
	if g.dumps == nil {
		g.dumps = map[string]*netDump{}
	}
	if len(g.missingDumps) > 0 && g.pid > 0 {
		g.readdDumps(ctx)
	}
	for _, d := range dumpDirs {
		files, _ := filepath.Glob(g.path("n*." + d.name + ".pcap"))
		for _, f := range files {
			nd := g.dumps[f]
			if nd == nil {
				nd = &netDump{}
				g.dumps[f] = nd
			}
			readDump(f, nd)
			if rotateAt > 0 && nd.off >= rotateAt && g.pid > 0 && g.plugged(f) {
				g.rotateDump(ctx, f, d.name, d.queue, nd)
			}
		}
	}
	for f, nd := range g.dumps {
		if strings.HasSuffix(f, ".in.pcap") {
			in += nd.bytes
		} else {
			out += nd.bytes
		}
	}
	return in + g.RotatedNetIn, out + g.RotatedNetOut
}

// plugged says whether a dump file's NIC is still attached (an unplugged
// NIC's file no longer grows, and has no filter to rotate).
func (g *guest) plugged(f string) bool {
	n, ok := dumpNetdev(f)
	if !ok {
		return false
	}
	for _, i := range g.Netdevs {
		if i == n {
			return true
		}
	}
	return false
}

// rotateDump closes a large dump file, keeps its count and starts a new
// one. A NIC unplugged since has no filter left and keeps its file. The
// steps run to their end even if the caller gives up: a filter deleted
// and not added again would stop the count, so one whose re-add fails is
// retried at the next read.
func (g *guest) rotateDump(ctx context.Context, f, dir, queue string, nd *netDump) {
	n, ok := dumpNetdev(f)
	if !ok {
		return
	}
	ctx = context.WithoutCancel(ctx)
	id := dumpID(n, dir)
	if err := qmp(ctx, g.path("qmp.sock"), "object-del", map[string]any{"id": id}, nil); err != nil {
		return
	}
	readDump(f, nd) // what QEMU wrote before it closed the file
	if dir == "in" {
		g.RotatedNetIn += nd.bytes
	} else {
		g.RotatedNetOut += nd.bytes
	}
	delete(g.dumps, f)
	_ = os.Remove(f)
	// a save that fails leaves the count in memory, where it still counts
	// until the daemon restarts
	_ = g.save()
	if g.missingDumps == nil {
		g.missingDumps = map[string]map[string]any{}
	}
	g.missingDumps[id] = g.dumpFilter(n, dir, queue)
	g.readdDumps(ctx)
}

// readdDumps adds the filters a rotation took away again.
func (g *guest) readdDumps(ctx context.Context) {
	for id, args := range g.missingDumps {
		if err := qmp(ctx, g.path("qmp.sock"), "object-add", args, nil); err == nil {
			delete(g.missingDumps, id)
		}
	}
}

// readDump adds the frames written to a pcap file since nd.off.
func readDump(path string, nd *netDump) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if nd.off == 0 {
		nd.off = 24 // the pcap file header
	}
	if _, err := f.Seek(nd.off, io.SeekStart); err != nil {
		return
	}
	buf, err := io.ReadAll(f)
	if err != nil {
		return
	}
	// records: seconds, microseconds, captured length, frame length (all
	// little-endian uint32: QEMU writes the host's order, and x86 is LE),
	// then the captured bytes; a record still being written waits.
	for len(buf) >= 16 {
		capLen := int64(binary.LittleEndian.Uint32(buf[8:]))
		frameLen := binary.LittleEndian.Uint32(buf[12:])
		if capLen > 1<<16 || int64(len(buf)) < 16+capLen {
			break
		}
		nd.bytes += uint64(frameLen)
		nd.off += 16 + capLen
		buf = buf[16+capLen:]
	}
}

// endNetRun folds the ended process's traffic into the guest's base and
// forgets its dump files.
func (g *guest) endNetRun(ctx context.Context) {
	in, out := g.netCounts(ctx, 0)
	g.BaseNetIn += in
	g.BaseNetOut += out
	g.RotatedNetIn, g.RotatedNetOut, g.dumps, g.missingDumps = 0, 0, nil, nil
	removeDumps(g)
}

func removeDumps(g *guest) {
	files, _ := filepath.Glob(g.path("n*.pcap"))
	for _, f := range files {
		_ = os.Remove(f)
	}
}
