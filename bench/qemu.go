package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// qemuConfig puts one qemu host in us-east-1a and registers the test image
// built by hv/qemu/testimage/build.sh in IMG.
const qemuConfig = `[fleet]
builtin_hosts = false  # the qemu host is the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 4
memory_gib = 8
driver = "qemu"
families = ["t2"]

[images.ec2x-test]
description = "ec2x's test image"
ami_name = "ec2x-test"
arch = "x86_64"
user = "ec2-user"
root_device_gib = 1
kernel = "IMG/vmlinuz"
initrd = "IMG/initrd.img"
ids = { us-east-1 = "ami-0000000000000e2e1" }
`

// qemuFigures prints the issue-6 figures: ec2x run to SSH-ready against a
// bare QEMU boot of the same image to SSH-ready, and the daemon's cost per
// guest. runs is the number of boots of each kind (medians).
func (b *bench) qemuFigures(img string, runs int) {
	bare := b.medianN(runs, func() { bareBoot(img) })
	fmt.Printf("bare qemu-system-x86_64 (TCG) to SSH banner %8.0f ms\n", ms(bare))
	check(os.WriteFile(filepath.Join(b.home, "config.toml"), []byte(strings.ReplaceAll(qemuConfig, "IMG", img)), 0o600))
	b.ec2x("daemon", "stop")
	b.ec2x("keypair", "create", "bench", "-q")
	run := func() string {
		return strings.TrimSpace(b.ec2x("run", "--image", "ec2x-test", "--type", "t2.micro", "--key", "bench", "--wait", "-q"))
	}
	// One guest at a time, as the bare boot: TCG guests share the CPUs.
	// Each is terminated outside the timing; the first run warms up.
	var ds, downs []time.Duration
	for i := 0; i <= runs; i++ {
		t0 := time.Now()
		id := run()
		b.ec2x("ssh", id, "--", "true")
		d := time.Since(t0)
		t1 := time.Now()
		b.ec2x("terminate", "--wait", "-q", id)
		if i > 0 {
			ds, downs = append(ds, d), append(downs, time.Since(t1))
		}
	}
	slices.Sort(ds)
	slices.Sort(downs)
	viaEC2X := ds[len(ds)/2]
	fmt.Printf("ec2x run --wait + ec2x ssh -- true          %8.0f ms\n", ms(viaEC2X))
	fmt.Printf("ec2x terminate --wait (ACPI power-off)      %8.0f ms\n", ms(downs[len(downs)/2]))
	pid := b.pid()
	rss0, cpu00 := rssMiB(pid), procTicks(pid)
	time.Sleep(10 * time.Second)
	fmt.Printf("daemon with no guests: RSS %.1f MiB, %.2f %% of a core idle\n", rss0, float64(procTicks(pid)-cpu00)/10)
	var ids []string
	for i := 0; i < 3; i++ {
		id := run()
		b.ec2x("ssh", id, "--", "true")
		ids = append(ids, id)
	}
	rss := rssMiB(pid)
	cpu0 := procTicks(pid)
	time.Sleep(10 * time.Second)
	cpu := float64(procTicks(pid)-cpu0) / 10 // ticks of 10 ms over 10 s, in percent
	fmt.Printf("daemon with %d guests running: RSS %.1f MiB, %.2f %% of a core idle\n", len(ids), rss, cpu)
	b.ec2x(append([]string{"terminate", "--wait"}, ids...)...)
	b.ec2x("daemon", "stop")
}

// bareBoot starts QEMU on the image with SSH forwarded and waits for the
// guest's SSH banner: the floor ec2x's figure is compared with.
func bareBoot(img string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-smp", "1", "-m", "1024",
		"-nodefaults", "-display", "none", "-monitor", "none", "-serial", "null",
		"-kernel", filepath.Join(img, "vmlinuz"), "-initrd", filepath.Join(img, "initrd.img"), "-append", "console=ttyS0",
		"-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:"+strconv.Itoa(port)+"-:22", "-device", "virtio-net-pci,netdev=n0")
	check(cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-") {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	check(fmt.Errorf("bare boot: no SSH banner within 2 minutes"))
}

func procTicks(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	check(err)
	f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return ut + st
}
