package main

import (
	"context"

	"github.com/ec2x/ec2x/hv/vpcnet"

	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// vpcFigures prints issue 14's figures: TCP throughput and round-trip
// time between two real guests of one VPC (through its namespace, its
// nftables rules and the guests' taps), against the same two programs
// over the host's loopback, in one run. Needs root (the VPC network),
// QEMU and the test image in img; the guests run under TCG here.
func (b *bench) vpcFigures(img string) {
	const mib = 64
	check(os.WriteFile(filepath.Join(b.home, "config.toml"), []byte(strings.ReplaceAll(qemuConfig, "IMG", img)), 0o600))
	b.ec2x("daemon", "stop")
	b.ec2x("keypair", "create", "bench", "-q")
	vpc := strings.TrimSpace(b.ec2x("vpc", "create", "10.60.0.0/16", "-q"))
	sub := strings.TrimSpace(b.ec2x("subnet", "create", "--vpc", vpc, "--cidr", "10.60.1.0/24", "--az", "us-east-1a", "-q"))
	sg := strings.TrimSpace(b.ec2x("sg", "create", "bench", "--vpc", vpc, "-q"))
	b.ec2x("sg", "allow", sg, "--proto", "all", "--cidr", "10.60.0.0/16")
	run := func(ip string) string {
		return strings.TrimSpace(b.ec2x("run", "--image", "ec2x-test", "--key", "bench", "--subnet", sub, "--sg", sg,
			"--private-ip", ip, "--driver", "qemu", "--wait", "-q"))
	}
	one, two := run("10.60.1.10"), run("10.60.1.20")
	defer func() {
		b.ec2x("terminate", "--wait", "-q", one, two)
		b.ec2x("daemon", "stop")
		_ = vpcnet.RemoveNamespaces(context.Background(), b.home)
	}()
	b.ec2x("ssh", one, "--", "true")
	b.ec2x("ssh", two, "--", "true")

	// the same programs on both sides: OpenBSD netcat and busybox ping
	send := func(host string) string {
		return `dd if=/dev/zero bs=64k count=` + strconv.Itoa(mib*16) + ` 2>/dev/null | nc.openbsd -N ` + host + ` 5001`
	}
	// a transfer's time is the SSH call's less an empty SSH call's
	timed := func(f func()) time.Duration { t0 := time.Now(); f(); return time.Since(t0) }
	sshFloor := b.medianN(3, func() { b.ec2x("ssh", one, "--", "true") })
	recv := "nc.openbsd -l 5001 >/dev/null"
	b.ec2x("ssh", two, "--", recv+" </dev/null >/dev/null 2>&1 &")
	guest := timed(func() { b.ec2x("ssh", one, "--", send("10.60.1.20")) }) - sshFloor
	guestRTT := pingAvg(b.ec2x("ssh", "--user", "root", one, "--", "ping -c 20 -i 0.2 10.60.1.20"))

	srv := exec.Command("sh", "-c", recv)
	check(srv.Start())
	host := timed(func() { shell(send("127.0.0.1")) })
	_ = srv.Wait()
	hostRTT := pingAvg(shell("busybox ping -c 20 -i 0.2 127.0.0.1"))

	fmt.Printf("TCP, %d MiB one way, guest to guest in a VPC  %8.1f MiB/s\n", mib, float64(mib)/guest.Seconds())
	fmt.Printf("TCP, %d MiB one way, host loopback            %8.1f MiB/s\n", mib, float64(mib)/host.Seconds())
	fmt.Printf("ping round trip, guest to guest in a VPC       %8.3f ms\n", guestRTT)
	fmt.Printf("ping round trip, host loopback                 %8.3f ms\n", hostRTT)
}

func shell(script string) string {
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	check(err)
	return string(out)
}

var rttRe = regexp.MustCompile(`min/avg/max = [0-9.]+/([0-9.]+)/`)

// pingAvg is the average round trip busybox's ping prints.
func pingAvg(out string) float64 {
	m := rttRe.FindStringSubmatch(out)
	if m == nil {
		check(fmt.Errorf("no round trip in %q", out))
	}
	v, err := strconv.ParseFloat(m[1], 64)
	check(err)
	return v
}
