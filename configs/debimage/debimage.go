// Package debimage builds a Debian cloud image from the package
// repository this machine reaches, with Debian's own tools: mmdebstrap
// (or debootstrap) for the root filesystem, mkfs.ext4 -d to make it a
// disk without mounting anything, qemu-img for a sparse qcow2. The image
// boots the distro kernel and initrd with the disk as its root (no boot
// loader to install), runs cloud-init from the NoCloud seed ec2x gives
// every guest (the key pair, user data, hostname) and logs in as
// "admin" with passwordless sudo, as Debian's AMIs do. Builds are cached
// by their inputs.
package debimage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// version changes whenever a build of the same inputs would differ: it is
// part of the cache key.
const version = "2"

// ErrMissingTool says a tool the build needs is not installed.
var ErrMissingTool = errors.New("missing tool")

// Releases are the Debian releases by the names `images build` takes.
var Releases = map[string]string{"debian-11": "bullseye", "debian-12": "bookworm", "debian-13": "trixie"}

// basePackages are what every image holds besides minbase.
var basePackages = []string{
	"linux-image-cloud-amd64", "systemd-sysv", "udev", "dbus", "cloud-init", "openssh-server", "sudo",
	"ifupdown", "isc-dhcp-client", "netbase", "iproute2", "ca-certificates", "procps",
}

// Spec is what to build.
type Spec struct {
	Release  string   // bookworm
	Packages []string // beyond the base
	Mirror   string   // http://deb.debian.org/debian
	SizeGiB  int      // the root disk
}

// Image is a built image's files.
type Image struct {
	Disk, Kernel, Initrd string
	// KernelArgs boot the disk as root.
	KernelArgs string
	Cached     bool
}

// Key is the cache key of a spec: the same key, the same image.
func (s Spec) Key() string {
	pk := append([]string(nil), s.Packages...)
	sort.Strings(pk)
	sum := sha256.Sum256([]byte(strings.Join([]string{version, s.Release, strings.Join(pk, ","), s.Mirror, strconv.Itoa(s.SizeGiB)}, "\n")))
	return hex.EncodeToString(sum[:8])
}

// Mirror is the first Debian repository apt uses on this machine
// (deb.debian.org when none is configured).
func Mirror() string {
	for _, f := range []string{"/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			fs := strings.Fields(line)
			switch {
			case len(fs) >= 2 && fs[0] == "URIs:" && !strings.Contains(fs[1], "security"):
				return fs[1]
			case len(fs) >= 3 && fs[0] == "deb" && !strings.Contains(fs[1], "security"):
				return fs[1]
			}
		}
	}
	return "http://deb.debian.org/debian"
}

// Build returns the image of s from cache/KEY, building it there first
// when it is not (what the tools print goes to log).
func Build(ctx context.Context, s Spec, cache string, log io.Writer) (Image, error) {
	dir := filepath.Join(cache, s.Key())
	img := Image{Disk: filepath.Join(dir, "disk.qcow2"), Kernel: filepath.Join(dir, "vmlinuz"), Initrd: filepath.Join(dir, "initrd.img"),
		KernelArgs: "root=/dev/vda rw"}
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		img.Cached = true
		return img, nil
	}
	strap, err := tools()
	if err != nil {
		return Image{}, err
	}
	if os.Geteuid() != 0 {
		return Image{}, errors.New("building an image needs root (the root filesystem's files belong to root)")
	}
	tmp := dir + ".build"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return Image{}, err
	}
	defer os.RemoveAll(tmp)
	root := filepath.Join(tmp, "root")
	if err := bootstrap(ctx, strap, s, root, log); err != nil {
		return Image{}, err
	}
	if err := configure(root); err != nil {
		return Image{}, err
	}
	for _, f := range [][2]string{{"vmlinuz-*", "vmlinuz"}, {"initrd.img-*", "initrd.img"}} {
		m, _ := filepath.Glob(filepath.Join(root, "boot", f[0]))
		if len(m) == 0 {
			return Image{}, fmt.Errorf("the image has no /boot/%s", f[0])
		}
		if err := copyFile(m[len(m)-1], filepath.Join(tmp, f[1])); err != nil {
			return Image{}, err
		}
	}
	raw := filepath.Join(tmp, "disk.raw")
	if err := run(ctx, log, "mkfs.ext4", "-q", "-F", "-L", "root", "-d", root, raw, strconv.Itoa(s.SizeGiB)+"G"); err != nil {
		return Image{}, err
	}
	if err := run(ctx, log, "qemu-img", "convert", "-O", "qcow2", raw, filepath.Join(tmp, "disk.qcow2")); err != nil {
		return Image{}, err
	}
	_ = os.Remove(raw)
	_ = os.RemoveAll(root)
	if err := os.WriteFile(filepath.Join(tmp, "done"), []byte(s.Key()+"\n"), 0o644); err != nil {
		return Image{}, err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return Image{}, err
	}
	return img, nil
}

// tools checks the build's tools, and picks the bootstrapper: mmdebstrap
// (1.7 times as fast here: one apt run; docs/PERFORMANCE.md) or debootstrap.
func tools() (string, error) {
	for _, t := range []string{"mkfs.ext4", "qemu-img"} {
		if _, err := exec.LookPath(t); err != nil {
			return "", fmt.Errorf("%w: %s (apt-get install e2fsprogs qemu-utils)", ErrMissingTool, t)
		}
	}
	for _, t := range []string{"mmdebstrap", "debootstrap"} {
		if _, err := exec.LookPath(t); err == nil {
			return t, nil
		}
	}
	return "", fmt.Errorf("%w: mmdebstrap or debootstrap (apt-get install mmdebstrap)", ErrMissingTool)
}

// bootstrap makes the root filesystem in root.
func bootstrap(ctx context.Context, strap string, s Spec, root string, log io.Writer) error {
	pkgs := strings.Join(append(append([]string(nil), basePackages...), s.Packages...), ",")
	if strap == "mmdebstrap" {
		return run(ctx, log, "mmdebstrap", "--variant=minbase", "--include="+pkgs, "--aptopt=Acquire::Retries \"3\"",
			"--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-exclude=/usr/share/man/*",
			s.Release, root, s.Mirror)
	}
	return run(ctx, log, "debootstrap", "--variant=minbase", "--include="+pkgs, s.Release, root, s.Mirror)
}

// configure makes the tree a cloud image: cloud-init from the NoCloud
// seed only, the default user admin with passwordless sudo, the disk as
// the root filesystem.
func configure(root string) error {
	files := map[string]string{
		"etc/cloud/cloud.cfg.d/90-ec2x.cfg": `# ec2x: the seed is a NoCloud disk; the default user is Debian's AMIs'
datasource_list: [ NoCloud, None ]
manage_etc_hosts: true
# what an EC2 guest needs at boot, and no more: each module is seconds of
# Python under emulation (locales, apt, packages are left to the user)
cloud_init_modules: [seed_random, bootcmd, write_files, growpart, resizefs, set_hostname, update_hostname, update_etc_hosts, users_groups, ssh]
cloud_config_modules: [runcmd]
cloud_final_modules: [scripts_per_once, scripts_per_boot, scripts_per_instance, scripts_user, ssh_authkey_fingerprints, final_message]
system_info:
  default_user:
    name: admin
    lock_passwd: true
    gecos: Debian
    groups: [adm, sudo]
    sudo: ["ALL=(ALL) NOPASSWD:ALL"]
    shell: /bin/bash
`,
		"etc/fstab":    "LABEL=root / ext4 defaults,errors=remount-ro 0 1\n",
		"etc/hostname": "localhost\n",
	}
	// apt's daily timers would take the dpkg lock while the user's first
	// apt-get runs (they are due at once on a first boot)
	for _, unit := range []string{"apt-daily.timer", "apt-daily-upgrade.timer"} {
		p := filepath.Join(root, "etc/systemd/system", unit)
		_ = os.Remove(p)
		if err := os.Symlink("/dev/null", p); err != nil {
			return err
		}
	}
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// run runs a tool, its output to log; an error carries the last lines.
func run(ctx context.Context, log io.Writer, name string, args ...string) error {
	var tail tailBuf
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = io.MultiWriter(log, &tail), io.MultiWriter(log, &tail)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, tail.String())
	}
	return nil
}

// tailBuf keeps the last 2 KB written to it.
type tailBuf struct{ b []byte }

func (t *tailBuf) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2048 {
		t.b = t.b[len(t.b)-2048:]
	}
	return len(p), nil
}

func (t *tailBuf) String() string { return strings.TrimSpace(string(t.b)) }
