package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// distro is what differs between the images sim knows how to print.
type distro struct {
	release string // uname -r
	build   string // the rest of the "Linux version" line
	cmdline string // kernel command line, %s is the root UUID
	welcome string // systemd's "Welcome to ..." name
	systemd string // systemd's version banner
	banner  string // getty's lines above the login prompt, {host} is the hostname
}

// distroFor picks the distro an image name suggests; Debian by default.
func distroFor(image, arch string) distro {
	arm := arch == "arm64" || arch == "aarch64"
	name := strings.ToLower(image)
	switch {
	case strings.Contains(name, "ubuntu"):
		return distro{
			release: "6.8.0-1018-aws",
			build:   "(buildd@lcy02-amd64-048) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #19-Ubuntu SMP Wed Oct  2 17:24:47 UTC 2024 (Ubuntu 6.8.0-1018.19-aws 6.8.12)",
			cmdline: "BOOT_IMAGE=/vmlinuz-6.8.0-1018-aws root=PARTUUID=%s ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295 panic=-1",
			welcome: "Ubuntu 24.04.1 LTS",
			systemd: "systemd 255.4-1ubuntu8.4 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)",
			banner:  "Ubuntu 24.04.1 LTS {host} ttyS0",
		}
	case strings.Contains(name, "amzn") || strings.Contains(name, "amazon") || strings.Contains(name, "al2023"):
		m := "x86_64"
		if arm {
			m = "aarch64"
		}
		return distro{
			release: "6.1.115-126.197.amzn2023." + m,
			build:   "(mockbuild@ip-10-0-47-199) (gcc (GCC) 11.4.1 20230605 (Red Hat 11.4.1-2), GNU ld version 2.39-6.amzn2023.0.10) #1 SMP PREEMPT_DYNAMIC Tue Nov  5 00:36:08 UTC 2024",
			cmdline: "BOOT_IMAGE=(hd0,gpt1)/boot/vmlinuz-6.1.115-126.197.amzn2023." + m + " root=UUID=%s ro console=tty0 console=ttyS0,115200n8 nvme_core.io_timeout=4294967295 rd.emergency=poweroff rd.shell=0 selinux=1 security=selinux",
			welcome: "Amazon Linux 2023.6.20241121",
			systemd: "systemd 252.23-2.amzn2023 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR +IMA +SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN -IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 +PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK +XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)",
			banner:  "Amazon Linux 2023.6.20241121\nKernel 6.1.115-126.197.amzn2023." + m + " on an " + m + " (-)",
		}
	}
	k := "amd64"
	if arm {
		k = "arm64"
	}
	return distro{
		release: "6.1.0-28-cloud-" + k,
		build:   "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)",
		cmdline: "BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-cloud-" + k + " root=PARTUUID=%s ro console=tty0 console=ttyS0,115200 earlyprintk=ttyS0,115200 consoleblank=0",
		welcome: "Debian GNU/Linux 12 (bookworm)",
		systemd: "systemd 252.31-1~deb12u1 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)",
		banner:  "Debian GNU/Linux 12 {host} ttyS0",
	}
}

// cpuModel is a processor EC2 instances report.
type cpuModel struct {
	name                string
	family, model, step int
	mhz                 float64
}

// cpuFor picks the processor: AMD for "a" families (m6a, t3a), else one of
// two Intel generations, fixed per guest.
func cpuFor(itype string, r *rng) cpuModel {
	family, _, _ := strings.Cut(itype, ".")
	if i := strings.IndexAny(family, "0123456789"); i >= 0 && strings.Contains(family[i:], "a") {
		return cpuModel{"AMD EPYC 7R13 Processor", 0x19, 0x1, 0x1, 2650.000}
	}
	if r.intn(2) == 0 {
		return cpuModel{"Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", 0x6, 0x55, 0x7, 2499.998}
	}
	return cpuModel{"Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 0x6, 0x6a, 0x6, 2899.964}
}

// bootLog is one boot being printed. Its methods print the boot's stages in
// order; they must run in that order, as each draws from the same streams.
type bootLog struct {
	v     *view
	w     writer
	r     rng // per boot: timings and PIDs
	gr    rng // per guest: the same on every boot
	ev    event
	first bool // the first boot, which generates host keys
	arm   bool
	n     int // vCPUs
	nics  []nicRec
	host  string
	ds    distro
	cpu   cpuModel
	keys  []hostKey // generated on the first boot, printed at its end
	pid   int       // the running cloud-init stage's PID
}

// bootPhases are the natural ends of a boot's phases, before scaling.
type bootPhases struct {
	kernel, systemd, local, init, config, total time.Duration
}

// bootTimes draws the phase ends; the first boot is longer, as it
// generates host keys.
func bootTimes(r *rng, first bool) bootPhases {
	var p bootPhases
	p.kernel = r.between(900*time.Millisecond, 1500*time.Millisecond)
	p.systemd = p.kernel + r.between(900*time.Millisecond, 1600*time.Millisecond)
	p.local = p.systemd + r.between(600*time.Millisecond, 1200*time.Millisecond)
	p.init = p.local + r.between(700*time.Millisecond, 1400*time.Millisecond)
	if first { // host key generation
		p.init += r.between(1500*time.Millisecond, 3000*time.Millisecond)
	}
	p.config = p.init + r.between(600*time.Millisecond, 1500*time.Millisecond)
	p.total = p.config + r.between(400*time.Millisecond, 900*time.Millisecond)
	return p
}

// boot appends the text of boot ev, as much of it as was printed by end.
func (v *view) boot(b []byte, ev event, end int64) []byte {
	l := &bootLog{
		v:     v,
		gr:    newRNG(v.seed, v.id, "guest", 0),
		r:     newRNG(v.seed, v.id, "boot", uint64(ev.boot)),
		ev:    ev,
		first: ev.boot == 0,
		arm:   v.arch == "arm64" || v.arch == "aarch64",
		n:     int(ev.vcpus),
		ds:    distroFor(v.image, v.arch),
	}
	l.nics = v.nicsAt(ev.boot)
	l.host = v.host(l.nics)
	l.cpu = cpuFor(v.itype, &l.gr)
	partUUID := l.gr.uuid()

	// Natural phase ends; the whole is scaled to the configured boot time.
	p := bootTimes(&l.r, l.first)
	l.w = writer{b: b, at: ev.at, limit: time.Duration(end - ev.at)}
	w := &l.w
	if v.bootDur > 0 {
		w.num, w.den = v.bootDur, p.total
	}

	w.phase(0, p.kernel)
	l.kernelStart(fmt.Sprintf(l.ds.cmdline, partUUID))
	l.kernelCPUs()
	l.kernelDevices()

	w.phase(p.kernel, p.systemd)
	l.systemdStart()

	l.pid = 400 + l.r.intn(200)
	w.phase(p.systemd, p.local)
	l.cloudInitLocal()

	l.pid += 20 + l.r.intn(60)
	w.phase(p.local, p.init)
	l.cloudInit()

	l.pid += 20 + l.r.intn(60)
	w.phase(p.init, p.config)
	l.cloudConfig()

	l.pid += 20 + l.r.intn(60)
	w.phase(p.config, p.total)
	l.cloudFinal()

	w.phase(p.total, p.total)
	l.finished()
	return w.b
}

// kernelStart prints the kernel's banner, firmware and memory lines.
func (l *bootLog) kernelStart(cmdline string) {
	w, v, ev := &l.w, l.v, l.ev
	if l.arm {
		w.kern("Booting Linux on physical CPU 0x0000000000 [0x413fd0c1]")
	}
	w.kern("Linux version %s %s", l.ds.release, l.ds.build)
	if !l.arm {
		w.kern("Command line: %s", cmdline)
		w.kern("BIOS-provided physical RAM map:")
		for _, line := range e820(uint64(ev.mem) << 20) {
			w.kern("BIOS-e820: %s", line)
		}
		w.kern("NX (Execute Disable) protection: active")
		w.kern("SMBIOS 2.7 present.")
	}
	w.kern("DMI: Amazon EC2 %s/, BIOS 1.0 10/16/2017", v.itype)
	if !l.arm {
		w.kern("Hypervisor detected: KVM")
		w.kern("tsc: Detected %.3f MHz processor", l.cpu.mhz)
	}
	w.kern("ACPI: Early table checksum verification disabled")
	w.kern("smpboot: Allowing %d CPUs, 0 hotplug CPUs", l.n)
	w.kern("Kernel command line: %s", cmdline)
	totalK := uint64(ev.mem)*1024 - 456 - 4*uint64(l.gr.intn(8))
	reservedK := min(totalK/64+60000+4*uint64(l.gr.intn(2000)), totalK/4)
	w.kern("Memory: %dK/%dK available (16384K kernel code, 2850K rwdata, 6116K rodata, 2796K init, 2316K bss, %dK reserved, 0K cma-reserved)",
		totalK-reservedK, totalK, reservedK)
	w.kern("SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=%d, Nodes=1", l.n)
}

// kernelCPUs prints RCU setup and the bring-up of the secondary CPUs.
func (l *bootLog) kernelCPUs() {
	w, r, n, cpu := &l.w, &l.r, l.n, l.cpu
	w.step(r.between(2*time.Millisecond, 6*time.Millisecond))
	w.kern("rcu: Hierarchical RCU implementation.")
	w.kern("rcu: \tRCU restricting CPUs from NR_CPUS=8192 to nr_cpu_ids=%d.", n)
	w.kern("printk: console [ttyS0] enabled")
	w.step(r.between(50*time.Millisecond, 150*time.Millisecond))
	bogo := cpu.mhz * 2
	if !l.arm {
		w.kern("Calibrating delay loop (skipped) preset value.. %.2f BogoMIPS (lpj=%d)", bogo, int(cpu.mhz*4000))
		w.kern("smpboot: CPU0: %s (family: 0x%x, model: 0x%x, stepping: 0x%x)", cpu.name, cpu.family, cpu.model, cpu.step)
	}
	w.kern("rcu: Hierarchical SRCU implementation.")
	w.kern("smp: Bringing up secondary CPUs ...")
	w.step(r.between(time.Millisecond, 5*time.Millisecond))
	if l.arm {
		for i := 1; i < n; i++ {
			w.kern("CPU%d: Booted secondary processor 0x%010x [0x413fd0c1]", i, i)
		}
	} else if n > 1 {
		w.kern("x86: Booting SMP configuration:")
		var cpus strings.Builder
		for i := 1; i < n; i++ {
			fmt.Fprintf(&cpus, " %4s", fmt.Sprintf("#%d", i))
		}
		w.kern(".... node  #0, CPUs:    %s", cpus.String())
	}
	w.step(time.Duration(n) * r.between(500*time.Microsecond, 2*time.Millisecond))
	w.kern("smp: Brought up 1 node, %d CPU%s", n, plural(n))
	if l.arm {
		w.kern("SMP: Total of %d processors activated.", n)
	} else {
		w.kern("smpboot: Max logical packages: 1")
		w.kern("smpboot: Total of %d processors activated (%.2f BogoMIPS)", n, bogo*float64(n))
	}
}

// kernelDevices prints the rest of the kernel's boot: init, the disk and
// the network adapters, up to mounting the root filesystem.
func (l *bootLog) kernelDevices() {
	w, r, v := &l.w, &l.r, l.v
	w.step(r.between(20*time.Millisecond, 80*time.Millisecond))
	w.kern("devtmpfs: initialized")
	w.kern("clocksource: Switched to clocksource kvm-clock")
	w.kern("NET: Registered PF_INET protocol family")
	w.step(r.between(100*time.Millisecond, 300*time.Millisecond))
	w.kern("Freeing unused kernel image (initmem) memory: 2796K")
	w.kern("Run /init as init process")
	w.step(r.between(100*time.Millisecond, 250*time.Millisecond))
	w.kern("nvme nvme0: pci function 0000:00:04.0")
	for _, nic := range l.nics {
		slot := fmt.Sprintf("0000:00:%02x.0", 5+nic.DeviceIndex)
		w.kern("ena %s: ENA device version: 0.10", slot)
		w.kern("ena %s: Elastic Network Adapter (ENA) found at mem febf%d000, mac addr %s", slot, 4+nic.DeviceIndex%6, nic.MAC)
	}
	w.step(r.between(5*time.Millisecond, 20*time.Millisecond))
	w.kern("nvme nvme0: 2/0/0 default/read/poll queues")
	if v.volGiB > 0 {
		blocks := uint64(v.volGiB) << 21
		w.kern("nvme0n1: %d 512-byte logical blocks: (%.1f GB/%d GiB)", blocks, float64(blocks)*512/1e9, v.volGiB)
	}
	w.kern(" nvme0n1: p1 p14 p15")
	for i, nic := range l.nics {
		w.kern("ena 0000:00:%02x.0 %s: renamed from eth%d", 5+nic.DeviceIndex, ifName(nic.DeviceIndex), i)
	}
	w.step(r.between(100*time.Millisecond, 300*time.Millisecond))
	w.kern("EXT4-fs (nvme0n1p1): mounted filesystem %s ro with ordered data mode. Quota mode: none.", v.rootUUID())
}

// systemdStart prints systemd's banner and its early units.
func (l *bootLog) systemdStart() {
	w, r := &l.w, &l.r
	w.kern("systemd[1]: %s", l.ds.systemd)
	w.kern("systemd[1]: Detected virtualization amazon.")
	if l.arm {
		w.kern("systemd[1]: Detected architecture arm64.")
	} else {
		w.kern("systemd[1]: Detected architecture x86-64.")
	}
	w.plain("")
	w.plain("Welcome to " + l.ds.welcome + "!")
	w.plain("")
	w.step(r.between(20*time.Millisecond, 60*time.Millisecond))
	w.kern("systemd[1]: Hostname set to <%s>.", l.host)
	w.step(r.between(100*time.Millisecond, 300*time.Millisecond))
	w.unit(true, "Created slice", "system-getty.slice", "Slice /system/getty")
	w.unit(true, "Started", "systemd-journald.service", "Journal Service")
	w.kern("EXT4-fs (nvme0n1p1): re-mounted %s r/w. Quota mode: none.", l.v.rootUUID())
	w.unit(true, "Finished", "systemd-remount-fs.service", "Remount Root and Kernel File Systems")
	w.step(r.between(100*time.Millisecond, 300*time.Millisecond))
	w.unit(true, "Started", "systemd-udevd.service", "Rule-based Manager for Device Events and Files")
	w.unit(true, "Found device", "dev-ttyS0.device", "/dev/ttyS0")
	w.unit(true, "Reached target", "network-pre.target", "Preparation for Network")
}

// cloudInitLocal prints cloud-init's pre-networking stage.
func (l *bootLog) cloudInitLocal() {
	w, r := &l.w, &l.r
	w.unit(false, "Starting", "cloud-init-local.service", "Initial cloud-init job (pre-networking)")
	w.step(r.between(300*time.Millisecond, 500*time.Millisecond))
	w.kern("cloud-init[%d]: Cloud-init v. 24.1.3 running 'init-local' at %s. Up %s seconds.", l.pid, w.wall(), w.uptime())
	w.step(r.between(100*time.Millisecond, 300*time.Millisecond))
	w.unit(true, "Finished", "cloud-init-local.service", "Initial cloud-init job (pre-networking)")
	w.unit(true, "Reached target", "network.target", "Network")
}

// cloudInit prints cloud-init's network stage: the network tables, host key
// generation on the first boot, then ssh and the multi-user target.
func (l *bootLog) cloudInit() {
	w, r, pid := &l.w, &l.r, l.pid
	w.unit(false, "Starting", "cloud-init.service", "Initial cloud-init job (metadata service crawler)")
	w.step(r.between(200*time.Millisecond, 400*time.Millisecond))
	w.kern("cloud-init[%d]: Cloud-init v. 24.1.3 running 'init' at %s. Up %s seconds.", pid, w.wall(), w.uptime())
	for _, line := range netTables(l.nics) {
		w.kern("cloud-init[%d]: ci-info: %s", pid, line)
	}
	if l.first {
		l.generateHostKeys()
	}
	w.unit(true, "Finished", "cloud-init.service", "Initial cloud-init job (metadata service crawler)")
	w.unit(true, "Reached target", "cloud-config.target", "Cloud-config availability")
	w.unit(false, "Starting", "ssh.service", "OpenBSD Secure Shell server")
	w.step(r.between(50*time.Millisecond, 150*time.Millisecond))
	w.unit(true, "Started", "ssh.service", "OpenBSD Secure Shell server")
	w.unit(true, "Reached target", "multi-user.target", "Multi-User System")
}

// generateHostKeys prints ssh-keygen's output for each host key and keeps
// the keys for the fingerprint blocks at the end of the boot.
func (l *bootLog) generateHostKeys() {
	w, pid := &l.w, l.pid
	l.keys = hostKeys(l.v.seed, l.v.id)
	for _, k := range l.keys {
		w.step(l.r.between(300*time.Millisecond, 900*time.Millisecond))
		kind := strings.ToLower(k.kind)
		w.kern("cloud-init[%d]: Generating public/private %s key pair.", pid, kind)
		w.kern("cloud-init[%d]: Your identification has been saved in /etc/ssh/ssh_host_%s_key", pid, kind)
		w.kern("cloud-init[%d]: Your public key has been saved in /etc/ssh/ssh_host_%s_key.pub", pid, kind)
		w.kern("cloud-init[%d]: The key fingerprint is:", pid)
		w.kern("cloud-init[%d]: %s root@%s", pid, k.fingerprint, l.host)
	}
}

// cloudConfig prints cloud-init's config stage.
func (l *bootLog) cloudConfig() {
	w := &l.w
	w.unit(false, "Starting", "cloud-config.service", "Apply the settings specified in cloud-config")
	w.step(l.r.between(200*time.Millisecond, 400*time.Millisecond))
	w.kern("cloud-init[%d]: Cloud-init v. 24.1.3 running 'modules:config' at %s. Up %s seconds.", l.pid, w.wall(), w.uptime())
	w.unit(true, "Finished", "cloud-config.service", "Apply the settings specified in cloud-config")
	w.unit(false, "Starting", "cloud-final.service", "Execute cloud user/final scripts")
}

// cloudFinal prints cloud-init's final stage; on the first boot that
// includes the authorized keys table and the host key blocks.
func (l *bootLog) cloudFinal() {
	w := &l.w
	w.step(l.r.between(100*time.Millisecond, 200*time.Millisecond))
	w.kern("cloud-init[%d]: Cloud-init v. 24.1.3 running 'modules:final' at %s. Up %s seconds.", l.pid, w.wall(), w.uptime())
	if !l.first {
		return
	}
	l.authorizedKeys()
	l.hostKeyBlocks()
}

// authorizedKeys prints cloud-init's table of the user's SSH key, if the
// guest has one that parses.
func (l *bootLog) authorizedKeys() {
	fp, algo, comment, ok := authorizedKey(l.v.sshKey)
	if !ok {
		return
	}
	user := l.v.user
	if user == "" {
		user = "admin"
	}
	title := fmt.Sprintf("Authorized keys from /home/%s/.ssh/authorized_keys for user %s", user, user)
	for _, line := range table(title, []string{"Keytype", "Fingerprint (sha256)", "Options", "Comment"},
		[][]string{{algo, fp, "-", comment}}) {
		l.w.kern("cloud-init[%d]: ci-info: %s", l.pid, line)
	}
}

// hostKeyBlocks prints the host key fingerprints and public keys the way
// cloud-init writes them to the console for tools to scrape.
func (l *bootLog) hostKeyBlocks() {
	w, host := &l.w, l.host
	w.plain("#############################################################")
	w.plain("-----BEGIN SSH HOST KEY FINGERPRINTS-----")
	for _, k := range l.keys {
		w.plain(fmt.Sprintf("%d %s root@%s (%s)", k.bits, k.fingerprint, host, k.kind))
	}
	w.plain("-----END SSH HOST KEY FINGERPRINTS-----")
	w.plain("#############################################################")
	w.plain("-----BEGIN SSH HOST KEY KEYS-----")
	for _, k := range l.keys {
		w.plain(k.algo + " " + base64.StdEncoding.EncodeToString(k.blob) + " root@" + host)
	}
	w.plain("-----END SSH HOST KEY KEYS-----")
}

// finished prints the end of the boot: cloud-init's summary and the login
// prompt.
func (l *bootLog) finished() {
	w := &l.w
	w.kern("cloud-init[%d]: Cloud-init v. 24.1.3 finished at %s. Datasource DataSourceEc2Local.  Up %s seconds", l.pid, w.wall(), w.uptime())
	w.unit(true, "Finished", "cloud-final.service", "Execute cloud user/final scripts")
	w.unit(true, "Reached target", "cloud-init.target", "Cloud-init target")
	w.plain("")
	w.plain(strings.ReplaceAll(l.ds.banner, "{host}", l.host))
	w.plain("")
	w.plain(l.host + " login: ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// e820 is the firmware memory map of a guest with mem bytes: low memory,
// the legacy hole, RAM up to 3 GiB, the PCI hole, and the rest above 4 GiB.
func e820(mem uint64) []string {
	const gib3, gib4 = 3 << 30, 4 << 30
	low := min(mem, gib3)
	lines := []string{
		"[mem 0x0000000000000000-0x000000000009dfff] usable",
		"[mem 0x000000000009e000-0x000000000009ffff] reserved",
		"[mem 0x00000000000e0000-0x00000000000fffff] reserved",
		fmt.Sprintf("[mem 0x0000000000100000-0x%016x] usable", low-0x10001),
		fmt.Sprintf("[mem 0x%016x-0x%016x] ACPI data", low-0x10000, low-1),
		"[mem 0x00000000e0000000-0x00000000e03fffff] reserved",
		"[mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
	}
	if mem > gib3 {
		lines = append(lines, fmt.Sprintf("[mem 0x%016x-0x%016x] usable", uint64(gib4), gib4+mem-gib3-1))
	}
	return lines
}

// netTables are cloud-init's "Net device info" and "Route IPv4 info" tables.
func netTables(nics []nicRec) []string {
	var devs, routes [][]string
	for i, nic := range nics {
		s := subnetOf(nic.NIC)
		name := ifName(nic.DeviceIndex)
		devs = append(devs, []string{name, "True", s.ip, s.mask, "global", nic.MAC})
		if !s.ok {
			continue
		}
		if i == 0 {
			routes = append(routes, []string{"", "0.0.0.0", s.gateway, "0.0.0.0", name, "UG"})
		}
		routes = append(routes, []string{"", s.network, "0.0.0.0", s.mask, name, "U"})
		if i == 0 {
			routes = append(routes, []string{"", s.dns, s.gateway, "255.255.255.255", name, "UGH"})
		}
	}
	devs = append(devs, []string{"lo", "True", "127.0.0.1", "255.0.0.0", "host", "."})
	for i := range routes {
		routes[i][0] = fmt.Sprint(i)
	}
	out := table("Net device info", []string{"Device", "Up", "Address", "Mask", "Scope", "Hw-Address"}, devs)
	if len(routes) > 0 {
		out = append(out, table("Route IPv4 info", []string{"Route", "Destination", "Gateway", "Genmask", "Interface", "Flags"}, routes)...)
	}
	return out
}

// authorizedKey parses an authorized_keys line into what cloud-init's
// table shows: a colon-separated hex SHA-256 of the key, type and comment.
func authorizedKey(line string) (fp, algo, comment string, ok bool) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", "", "", false
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return "", "", "", false
	}
	comment = "-"
	if len(f) > 2 {
		comment = strings.Join(f[2:], " ")
	}
	return fingerprintHex(blob), f[0], comment, true
}

func fingerprintHex(blob []byte) string {
	sum := sha256.Sum256(blob)
	parts := make([]string, len(sum))
	for i, c := range sum {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}
