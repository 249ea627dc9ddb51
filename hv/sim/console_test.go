package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/hvtest"
)

func TestConsoleBoot(t *testing.T) {
	f := newFixture(t, 7, 10*time.Second, 3*time.Second)
	s := hvtest.DefaultSpec("i-0123456789abcdef0", 2)
	s.VCPUs, s.MemoryMiB, s.InstanceType = 4, 8192, "m5.xlarge"
	f.must(f.d.Create(f.ctx, s))
	f.must(f.d.Start(f.ctx, s.ID))

	f.clk.Advance(3 * time.Second)
	out := f.console(s.ID)
	if !strings.Contains(out, "Linux version 6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org)") {
		t.Errorf("no Debian kernel banner mid-boot:\n%s", out)
	}
	if strings.Contains(out, "finished at") {
		t.Errorf("cloud-init finished 3s into a 10s boot:\n%s", out)
	}

	f.clk.Advance(7 * time.Second)
	out = f.console(s.ID)
	for _, want := range []string{
		"Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-cloud-amd64 root=PARTUUID=",
		"smpboot: Allowing 4 CPUs, 0 hotplug CPUs",
		"x86: Booting SMP configuration:",
		"smp: Brought up 1 node, 4 CPUs",
		"DMI: Amazon EC2 m5.xlarge/, BIOS 1.0 10/16/2017",
		"Hostname set to <" + s.Hostname + ">",
		fmt.Sprintf("|  ens5  | True | %s | 255.255.240.0 | global | %s |", s.NICs[0].PrivateIP, s.NICs[0].MAC),
		fmt.Sprintf("|  ens6  | True | %s | 255.255.240.0 | global | %s |", s.NICs[1].PrivateIP, s.NICs[1].MAC),
		"Cloud-init v. 24.1.3 finished at Mon, 02 Dec 2024 10:00:10 +0000. Datasource DataSourceEc2Local.  Up 10.00 seconds",
		s.Hostname + " login: ",
		"Authorized keys from /home/admin/.ssh/authorized_keys for user admin",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q", want)
		}
	}
	// 8192 MiB shows as about 8 GiB of kernel memory.
	if kib := hvtest.BootMemoryKiB(out); kib < 8380000 || kib > 8388608 {
		t.Errorf("Memory total %dK, want just under 8388608K", kib)
	}
	stamp := regexp.MustCompile(`^\[ {0,4}\d+\.\d{6}\] `)
	last := time.Duration(-1)
	for _, line := range strings.Split(out, "\n") {
		if m := stamp.FindString(line); m != "" {
			var sec, usec int64
			fmt.Sscanf(strings.TrimSpace(strings.Trim(m, "[] ")), "%d.%d", &sec, &usec)
			ts := time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond
			if ts < last {
				t.Errorf("kernel timestamps go backwards at %q", line)
			}
			last = ts
		}
	}
	if last != 10*time.Second {
		t.Errorf("last timestamp %v, want the 10s boot time", last)
	}

	// A graceful stop appends a shutdown; the running guest's uptime shows.
	f.clk.Advance(time.Hour)
	f.must(f.d.Stop(f.ctx, s.ID, false))
	f.clk.Advance(3 * time.Second)
	out = f.console(s.ID)
	if !strings.Contains(out, "Stopping ssh.service") || !strings.HasSuffix(out, "] reboot: Power down\n") {
		t.Errorf("stop did not append a shutdown:\n%s", out[len(out)-600:])
	}
	if !strings.Contains(out, "[ 3613.000000] reboot: Power down") {
		t.Errorf("power down not at uptime 3613s:\n%s", out[len(out)-300:])
	}
	// A forced stop prints nothing more.
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	before := f.console(s.ID)
	f.must(f.d.Stop(f.ctx, s.ID, true))
	f.clk.Advance(time.Minute)
	if after := f.console(s.ID); after != before {
		t.Errorf("forced stop changed the console:\n%s", after[len(before):])
	}
}

func TestHostKeysFirstBootOnly(t *testing.T) {
	f := newFixture(t, 7, time.Second, time.Second)
	s := f.create("i-0123456789abcdef0", 1, "")
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	f.must(f.d.Reboot(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	f.must(f.d.Stop(f.ctx, s.ID, false))
	f.clk.Advance(time.Minute)
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	out := f.console(s.ID)
	if n := strings.Count(out, "Linux version "); n != 3 {
		t.Fatalf("%d boots in the console, want 3", n)
	}
	if n := strings.Count(out, "-----BEGIN SSH HOST KEY FINGERPRINTS-----"); n != 1 {
		t.Errorf("%d host key blocks, want 1", n)
	}
	if n := strings.Count(out, "Generating public/private"); n != 3 {
		t.Errorf("%d key generations, want 3 on the first boot", n)
	}
	_, block, _ := strings.Cut(out, "-----BEGIN SSH HOST KEY FINGERPRINTS-----\n")
	block, _, _ = strings.Cut(block, "-----END SSH HOST KEY FINGERPRINTS-----")
	host := s.Hostname
	re := regexp.MustCompile(`^(256|3072) SHA256:[A-Za-z0-9+/]{43} root@` + regexp.QuoteMeta(host) + ` \((ECDSA|ED25519|RSA)\)$`)
	lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("fingerprint block has %d lines: %q", len(lines), block)
	}
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("fingerprint line %q does not look like cloud-init's", l)
		}
	}
	// Each fingerprint is the SHA-256 of the public key printed below it.
	_, keys, _ := strings.Cut(out, "-----BEGIN SSH HOST KEY KEYS-----\n")
	keys, _, _ = strings.Cut(keys, "-----END SSH HOST KEY KEYS-----")
	for i, l := range strings.Split(strings.TrimSuffix(keys, "\n"), "\n") {
		blob, err := base64.StdEncoding.DecodeString(strings.Fields(l)[1])
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(blob)
		if fp := "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]); !strings.Contains(lines[i], fp) {
			t.Errorf("key %d fingerprint %s not in %q", i, fp, lines[i])
		}
	}
}

func TestRebootAndResizeText(t *testing.T) {
	f := newFixture(t, 7, time.Second, time.Second)
	s := f.create("i-0123456789abcdef0", 1, "")
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	f.must(f.d.Reboot(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	out := f.console(s.ID)
	i := strings.Index(out, "reboot: Restarting system")
	if i < 0 || !strings.Contains(out[i:], "Linux version ") {
		t.Fatalf("reboot did not print a restart then a boot:\n%s", out)
	}
	f.must(f.d.Stop(f.ctx, s.ID, true))
	f.must(f.d.Resize(f.ctx, s.ID, 1, 512))
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	out = f.console(s.ID)
	boot := hvtest.LatestBoot(out)
	if !strings.Contains(boot, "smp: Brought up 1 node, 1 CPU\n") || strings.Contains(boot, "x86: Booting SMP") {
		t.Errorf("1-vCPU boot prints SMP bring-up wrong:\n%s", boot)
	}
	if !strings.Contains(out, "smp: Brought up 1 node, 2 CPUs") {
		t.Error("the older boots lost their 2 CPUs after resize")
	}
}

func TestDistros(t *testing.T) {
	for _, c := range []struct{ image, arch, want string }{
		{"ubuntu-24.04", "x86_64", "Linux version 6.8.0-1018-aws"},
		{"al2023-ami", "x86_64", "Linux version 6.1.115-126.197.amzn2023.x86_64"},
		{"debian-12", "arm64", "Linux version 6.1.0-28-cloud-arm64"},
	} {
		f := newFixture(t, 7, 0, 0)
		s := hvtest.DefaultSpec("i-0123456789abcdef0", 1)
		s.Image.Name, s.Image.Arch = c.image, c.arch
		f.must(f.d.Create(f.ctx, s))
		f.must(f.d.Start(f.ctx, s.ID))
		out := f.console(s.ID)
		if !strings.Contains(out, c.want) || hvtest.BootCPUs(out) != 2 || !strings.Contains(out, s.NICs[0].PrivateIP) {
			t.Errorf("%s/%s: want %q, 2 CPUs and the IP in:\n%s", c.image, c.arch, c.want, out)
		}
	}
}

func TestHotPlugHistory(t *testing.T) {
	f := newFixture(t, 7, time.Second, time.Second)
	s := f.create("i-0123456789abcdef0", 1, "")
	extra := hvtest.DefaultSpec(s.ID, 2).NICs[1]
	f.must(f.d.Start(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	f.must(f.d.AttachNIC(f.ctx, s.ID, extra))
	if err := f.d.AttachNIC(f.ctx, s.ID, extra); err == nil {
		t.Error("attaching the same NIC twice succeeded")
	}
	if strings.Contains(f.console(s.ID), extra.PrivateIP) {
		t.Error("a hot-plugged NIC showed up in the boot that already happened")
	}
	f.must(f.d.Reboot(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	if !strings.Contains(hvtest.LatestBoot(f.console(s.ID)), "ens6") {
		t.Error("next boot lacks ens6")
	}
	f.must(f.d.DetachNIC(f.ctx, s.ID, extra.ID))
	f.must(f.d.Reboot(f.ctx, s.ID))
	f.clk.Advance(time.Minute)
	out := f.console(s.ID)
	if strings.Contains(hvtest.LatestBoot(out), extra.PrivateIP) {
		t.Error("a detached NIC still shows at the next boot")
	}
	if strings.Count(out, extra.PrivateIP) != 1 {
		t.Error("the boot that had the NIC no longer shows it")
	}
}

// TestPruneKeepsText checks that dropping old history never changes the
// console: it renders the full history by hand and compares.
func TestPruneKeepsText(t *testing.T) {
	for _, boot := range []time.Duration{0, 30 * time.Second} {
		f := newFixture(t, 7, boot, time.Second)
		s := f.create("i-0123456789abcdef0", 1, "")
		var all []event
		track := func() {
			g := f.d.guests[s.ID]
			all = append(all, g.events[len(g.events)-1])
		}
		f.must(f.d.Start(f.ctx, s.ID))
		track()
		for i := 0; i < 120; i++ {
			f.clk.Advance(time.Duration(i%7) * 10 * time.Second)
			switch i % 5 {
			case 0, 1, 2:
				if f.d.Reboot(f.ctx, s.ID) == nil {
					track()
				}
			case 3:
				f.must(f.d.Stop(f.ctx, s.ID, i%2 == 0))
				track()
				f.clk.Advance(time.Second)
				f.must(f.d.Start(f.ctx, s.ID))
				track()
			}
			got := f.console(s.ID)
			if len(got) > maxConsole {
				t.Fatalf("console %d bytes", len(got))
			}
			if i%6 != 5 { // rendering the whole history is slow; check now and then
				continue
			}
			f.d.mu.Lock()
			v := f.d.view(f.d.guests[s.ID])
			f.d.mu.Unlock()
			v.events = all
			var full []byte
			now := f.clk.Now().UnixNano()
			for j := range all {
				full = v.chunk(full, j, now)
			}
			if want := string(tail(full)); got != want {
				t.Fatalf("boot %v step %d: pruned console differs from the full one (%d vs %d bytes)", boot, i, len(got), len(want))
			}
		}
		if n := len(f.d.guests[s.ID].events); n >= len(all) || n > 64 {
			t.Errorf("boot %v: %d events kept of %d", boot, n, len(all))
		}
	}
}

func TestTail(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n"
	b := []byte(strings.Repeat(line, 1000)) // 100,000 bytes
	got := tail(b)
	if len(got) > maxConsole || len(got)%100 != 0 || got[0] != 'x' {
		t.Errorf("tail: %d bytes starting %q", len(got), got[:10])
	}
	exact := []byte(strings.Repeat(strings.Repeat("y", 1023)+"\n", 65))
	if got := tail(exact); len(got) != maxConsole {
		t.Errorf("tail of lines ending exactly at the window: %d bytes, want %d", len(got), maxConsole)
	}
}

func TestSubnet(t *testing.T) {
	s := subnetOf(hv.NIC{PrivateIP: "10.1.2.3", PrefixLen: 24})
	if s.network != "10.1.2.0" || s.gateway != "10.1.2.1" || s.mask != "255.255.255.0" || !s.ok {
		t.Errorf("subnetOf = %+v", s)
	}
	if s := subnetOf(hv.NIC{PrivateIP: "fd00::1", PrefixLen: 64}); s.ok {
		t.Errorf("IPv6 address gave a v4 subnet: %+v", s)
	}
}
