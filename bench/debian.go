package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// debianConfig is one qemu host with room for a Debian guest.
const debianConfig = `[fleet]
builtin_hosts = false

[[hosts]]
zone = "us-east-1a"
count = 1
driver = "qemu"
families = ["t2"]
vcpus = 4
memory_gib = 8
`

// debianFigures prints issue 15's figures for the walkthrough's step 3
// (root: the build bootstraps Debian, and apt reaches the repository
// through the guest network's NAT): ec2x images build debian-12 from an
// empty cache and again cached, a Debian guest from run to SSH ready
// (cloud-init done), and apt-get install nginx-light in it.
func (b *bench) debianFigures() {
	check(os.WriteFile(filepath.Join(b.home, "config.toml"), []byte(debianConfig), 0o600))
	cache, err := os.MkdirTemp("", "ec2x-bench-images-")
	check(err)
	defer os.RemoveAll(cache)
	os.Setenv("EC2X_IMAGE_CACHE", cache)
	b.ec2x("daemon", "stop")
	t0 := time.Now()
	b.ec2x("images", "build", "debian-12", "-q")
	fmt.Printf("ec2x images build debian-12, empty cache   %8.1f s\n", time.Since(t0).Seconds())
	t1 := time.Now()
	b.ec2x("images", "build", "debian-12", "-q")
	fmt.Printf("ec2x images build debian-12, cached         %8.0f ms\n", ms(time.Since(t1)))

	b.ec2x("keypair", "create", "bench", "-q")
	t2 := time.Now()
	id := strings.TrimSpace(b.ec2x("run", "--image", "debian-12", "--type", "t2.medium", "--key", "bench", "--wait", "-q"))
	b.ec2x("ssh", id, "--", "cloud-init status --wait >/dev/null 2>&1; true")
	fmt.Printf("Debian 12 guest: run to SSH ready (TCG)     %8.1f s\n", time.Since(t2).Seconds())
	b.ec2x("ssh", id, "--", "sudo DEBIAN_FRONTEND=noninteractive apt-get -qq update")
	t3 := time.Now()
	b.ec2x("ssh", id, "--", "sudo DEBIAN_FRONTEND=noninteractive apt-get -qq install -y nginx-light >/dev/null")
	fmt.Printf("apt-get install -y nginx-light (TCG)        %8.1f s\n", time.Since(t3).Seconds())
	b.ec2x("terminate", "--wait", "-q", id)
	b.ec2x("daemon", "stop")
}
