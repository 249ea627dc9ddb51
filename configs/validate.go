package configs

import (
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

var amiRe = LazyRegexpOf(`^ami-[0-9a-f]{8,17}$`)

// problem is a validation failure before it is placed in a file.
type problem struct {
	key []string
	idx int // the entry of an array of tables ([[hosts]]) key is in; -1 if none
	msg string
}

func bad(msg string, key ...string) *problem { return &problem{key: key, idx: -1, msg: msg} }

// badAt is bad for a key of entry idx of an array of tables.
func badAt(idx int, msg string, key ...string) *problem {
	return &problem{key: key, idx: idx, msg: msg}
}

// validate checks meaning (not syntax) and names the file and line that set
// the offending key: the user's file when it sets it, else the built-in one.
func (c *Config) validate(_ string, user []byte) error {
	p := c.check()
	if p == nil {
		return nil
	}
	return c.place(p, user)
}

// place turns a problem into an Error naming the file and line that set it.
func (c *Config) place(p *problem, user []byte) error {
	k := toml.Key(p.key)
	idx, builtinToo := p.idx, true
	if idx >= 0 && len(p.key) > 0 && p.key[0] == "hosts" {
		// Hosts holds the built-in groups and the user's: look in the file
		// the group came from, at its entry there.
		e := c.hostEntry(idx)
		idx = e.idx
		if !e.user {
			user = nil
		} else {
			builtinToo = false
		}
	}
	if user != nil {
		if line := keyLine(user, k, idx); line > 0 {
			return &Error{File: c.Source, Line: line, Key: k.String(), Msg: p.msg}
		}
	}
	for _, f := range builtinFiles {
		if !builtinToo {
			break
		}
		data, _ := embedded.ReadFile(f)
		if line := keyLine(data, k, idx); line > 0 {
			return &Error{File: "configs/" + f, Line: line, Key: k.String(), Msg: p.msg}
		}
	}
	file := c.Source
	if file == "" {
		file = "configs/"
	}
	return &Error{File: file, Key: k.String(), Msg: p.msg}
}

func (c *Config) check() *problem {
	c.fillDefaults()
	catalogNumbers := func() *problem { return checkNumbers(c.catalogNumbers()) }
	for _, check := range []func() *problem{c.checkTop, catalogNumbers, c.checkRegions, c.checkTypes, c.checkImages, c.checkHosts} {
		if p := check(); p != nil {
			return p
		}
	}
	return nil
}

// checkTop checks the settings outside regions, types, images and hosts.
// The first problem found is reported, so the order of the checks is the
// order of the messages users see.
func (c *Config) checkTop() *problem {
	topNumbers := func() *problem { return checkNumbers(c.topNumbers()) }
	for _, check := range []func() *problem{
		topNumbers, c.checkOutput, c.checkGuestNetwork, c.checkWorkloads, c.checkPricing, c.checkServer, c.checkDefaultRegion,
	} {
		if p := check(); p != nil {
			return p
		}
	}
	return nil
}

// checkOutput checks the default output format.
func (c *Config) checkOutput() *problem {
	switch c.Output {
	case "table", "json", "text":
		return nil
	}
	return bad(fmt.Sprintf("output must be table, json or text, not %q", c.Output), "output")
}

// checkGuestNetwork checks how real guests are networked.
func (c *Config) checkGuestNetwork() *problem {
	switch c.Fleet.GuestNetwork {
	case "", "auto", "vpc", "user":
		return nil
	}
	return bad(fmt.Sprintf("guest_network must be auto, vpc or user, not %q", c.Fleet.GuestNetwork), "fleet", "guest_network")
}

// checkWorkloads checks the user's custom workload profiles.
func (c *Config) checkWorkloads() *problem {
	for name, w := range c.Workloads {
		switch {
		case name == "idle" || name == "web" || name == "batch" || name == "cpu-burn":
			return bad(fmt.Sprintf("%q is a built-in workload; choose another name", name), "workloads", name)
		case w.DiurnalAmplitude+w.Noise > 100:
			return bad("diurnal_amplitude and noise are percentages, together at most 100", "workloads", name, "diurnal_amplitude")
		}
	}
	return nil
}

// checkServer checks the scheduler strategy and the API's address and
// credentials.
func (c *Config) checkServer() *problem {
	switch c.Scheduler.Strategy {
	case "binpack", "spread":
	default:
		return bad(fmt.Sprintf("strategy must be binpack or spread, not %q", c.Scheduler.Strategy), "scheduler", "strategy")
	}
	if c.API.Listen != "" {
		if _, err := netip.ParseAddrPort(c.API.Listen); err != nil {
			return bad(fmt.Sprintf("listen must be HOST:PORT with an IP address: %v", err), "api", "listen")
		}
		if !Loopback(c.API.Listen) && c.API.UsesExampleKey() {
			return bad(ExposedExampleKey(c.API.Listen), "api", "listen")
		}
	}
	if p := c.Console.check(); p != nil {
		return p
	}
	for i, cr := range c.API.Credentials {
		if cr.AccessKeyID == "" || cr.SecretAccessKey == "" {
			return badAt(i, fmt.Sprintf("api.credentials[%d]: every credential needs access_key_id and secret_access_key", i), "api", "credentials")
		}
	}
	return nil
}

// checkDefaultRegion checks that there are regions and that the default
// region is one of them.
func (c *Config) checkDefaultRegion() *problem {
	if len(c.Regions) == 0 {
		return bad("at least one region is required", "regions")
	}
	if _, ok := c.Regions[c.Region]; !ok {
		return bad(fmt.Sprintf("region %q is not a configured region (%s)", c.Region, strings.Join(c.RegionNames(), ", ")), "region")
	}
	return nil
}

func (c *Config) checkRegions() *problem {
	var pools []netip.Prefix
	var poolOwners []string
	for _, name := range c.RegionNames() {
		r := c.Regions[name]
		if r == nil {
			return bad("empty region", "regions", name)
		}
		if len(r.Zones) == 0 {
			return bad("a region needs at least one zone", "regions", name, "zones")
		}
		seen := map[string]bool{}
		for _, z := range r.Zones {
			if !strings.HasPrefix(z, name) || len(z) != len(name)+1 || z[len(name)] < 'a' || z[len(name)] > 'z' {
				return bad(fmt.Sprintf("zone %q must be the region name plus one letter (e.g. %sa)", z, name), "regions", name, "zones")
			}
			if seen[z] {
				return bad(fmt.Sprintf("zone %q is listed twice", z), "regions", name, "zones")
			}
			seen[z] = true
		}
		for _, k := range []struct{ key, cidr string }{{"public_pool", r.PublicPool}, {"local_pool", r.LocalPool}} {
			if k.key == "local_pool" && k.cidr == "" {
				continue // optional
			}
			pool, err := netip.ParsePrefix(k.cidr)
			if err != nil || !pool.Addr().Is4() {
				return bad(fmt.Sprintf("%s must be an IPv4 CIDR, not %q", k.key, k.cidr), "regions", name, k.key)
			}
			if pool.Masked() != pool {
				return bad(fmt.Sprintf("%s %s has host bits set (did you mean %s?)", k.key, pool, pool.Masked()), "regions", name, k.key)
			}
			for i, o := range pools {
				if o.Overlaps(pool) {
					return bad(fmt.Sprintf("%s %s overlaps the %s", k.key, pool, poolOwners[i]), "regions", name, k.key)
				}
			}
			pools = append(pools, pool)
			poolOwners = append(poolOwners, strings.ReplaceAll(k.key, "_", " ")+" of "+name)
		}
		vpc, err := netip.ParsePrefix(r.VpcCidr)
		if err != nil || !vpc.Addr().Is4() || vpc.Masked() != vpc {
			return bad(fmt.Sprintf("vpc_cidr must be an IPv4 network CIDR, not %q", r.VpcCidr), "regions", name, "vpc_cidr")
		}
		if vpc.Bits() < 8 || vpc.Bits() > 28 {
			return bad("vpc_cidr must be between /8 and /28", "regions", name, "vpc_cidr")
		}
		if r.SubnetPrefix < vpc.Bits() || r.SubnetPrefix > 28 {
			return bad(fmt.Sprintf("subnet_prefix must be between %d and 28", vpc.Bits()), "regions", name, "subnet_prefix")
		}
		if n := 1 << (r.SubnetPrefix - vpc.Bits()); n < len(r.Zones) {
			return bad(fmt.Sprintf("vpc_cidr %s holds only %d /%d subnets for %d zones", vpc, n, r.SubnetPrefix, len(r.Zones)), "regions", name, "subnet_prefix")
		}
		if r.DefaultImage != "" {
			img, ok := c.Images[r.DefaultImage]
			if !ok {
				return bad(fmt.Sprintf("default_image %q is not a configured image", r.DefaultImage), "regions", name, "default_image")
			}
			if img.IDs[name] == "" {
				return bad(fmt.Sprintf("image %q has no ID in this region", r.DefaultImage), "regions", name, "default_image")
			}
		}
	}
	return nil
}

var typeNameRe = LazyRegexpOf(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`)

func (c *Config) checkTypes() *problem {
	if len(c.Types) == 0 {
		return bad("at least one instance type is required", "types")
	}
	for _, name := range c.TypeNames() {
		t := c.Types[name]
		if !c.checksType(name) {
			continue
		}
		k := func(f string) []string { return []string{"types", name, f} }
		switch {
		case !typeNameRe.MatchString(name):
			return bad("a type name is FAMILY.SIZE, e.g. t3.micro", "types", name)
		case len(t.Arch) == 0:
			return bad("list at least one architecture", k("arch")...)
		}
		if t.VCPUs%t.ThreadsPerCore != 0 {
			return bad("must divide vcpus", k("threads_per_core")...)
		}
		if t.Burstable {
			switch t.CreditMode {
			case "standard", "unlimited":
			default:
				return bad("credit_mode must be standard or unlimited for a burstable type", k("credit_mode")...)
			}
			if t.BaselinePercent <= 0 {
				return bad("must be in (0, 100] for a burstable type", k("baseline_percent")...)
			}
			if t.CreditsPerHour <= 0 {
				return bad("must be positive", k("credits_per_hour")...)
			}
		}
		for _, region := range sortedKeys(t.Price) {
			if _, ok := c.Regions[region]; !ok {
				return bad(fmt.Sprintf("price for unknown region %q", region), k("price")...)
			}
		}
	}
	return nil
}

func (c *Config) checkImages() *problem {
	if len(c.Images) == 0 {
		return bad("at least one image is required", "images")
	}
	for name, img := range c.Images {
		k := func(f string) []string { return []string{"images", name, f} }
		switch {
		case img.Arch != "x86_64" && img.Arch != "arm64":
			return bad(fmt.Sprintf("arch must be x86_64 or arm64, not %q", img.Arch), k("arch")...)
		case img.User == "":
			return bad("the image's default SSH user is required", k("user")...)
		case len(img.IDs) == 0:
			return bad("an image needs an ami- ID in at least one region", k("ids")...)
		case img.Created != "" && !validTime(img.Created):
			return bad(fmt.Sprintf("created must be a time like 2026-11-01T06:12:40Z, not %q", img.Created), k("created")...)
		}
		for region, id := range img.IDs {
			if _, ok := c.Regions[region]; !ok {
				return bad(fmt.Sprintf("ID for unknown region %q", region), k("ids")...)
			}
			if !amiRe.MatchString(id) {
				return bad(fmt.Sprintf("%q is not an ami- ID", id), k("ids")...)
			}
		}
	}
	return nil
}

// validTime reports whether s is an RFC 3339 time.
func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func (c *Config) checkHosts() *problem {
	if len(c.Hosts) == 0 {
		return bad("no hosts: with builtin_hosts = false, the [[hosts]] of the config are the whole fleet; add some", "fleet", "builtin_hosts")
	}
	fams := map[string]bool{}
	for n := range c.Types {
		fams[Family(n)] = true
	}
	for i := range c.Hosts {
		h := &c.Hosts[i]
		// at names key f of this entry, so the error points at its line.
		at := func(f, format string, args ...any) *problem {
			return badAt(i, fmt.Sprintf("hosts[%d]: ", c.hostEntry(i).idx)+fmt.Sprintf(format, args...), "hosts", f)
		}
		if c.ZoneRegion(h.Zone) == "" {
			return at("zone", "zone %q is not a zone of any configured region", h.Zone)
		}
		if p := c.checkHostURI(i, at); p != nil {
			return p
		}
		for _, f := range h.Families {
			if !fams[f] {
				return at("families", "family %q has no instance types", f)
			}
		}
	}
	return nil
}

// libvirtSchemes are the URI schemes of libvirt's QEMU driver that the
// libvirt driver's client speaks (local socket, TCP, TLS, SSH).
var libvirtSchemes = map[string]bool{"qemu": true, "qemu+unix": true, "qemu+tcp": true, "qemu+tls": true,
	"qemu+ssh": true, "qemu+libssh": true, "qemu+libssh2": true}

// checkHostURI checks hosts[i]'s uri: a libvirt host needs one (the host
// it is), no other driver takes one, and no two groups name one host (its
// capacity would be counted twice).
func (c *Config) checkHostURI(i int, at func(f, format string, args ...any) *problem) *problem {
	h := &c.Hosts[i]
	if h.Driver != "libvirt" {
		if h.URI != "" {
			return at("uri", "uri is for driver \"libvirt\" only, and this host's driver is %q", h.Driver)
		}
		return nil
	}
	if h.URI == "" {
		return at("uri", "a libvirt host needs uri, the libvirt URI of its host (qemu:///system, qemu+tcp://HOST/system, qemu+ssh://USER@HOST/system)")
	}
	u, err := url.Parse(h.URI)
	if err != nil || !libvirtSchemes[u.Scheme] || (u.Path != "/system" && u.Path != "/session") {
		return at("uri", "uri %q is not a libvirt URI of QEMU: qemu[+unix|+tcp|+tls|+ssh]://[HOST]/system (or /session)", h.URI)
	}
	if h.Count != 1 {
		return at("count", "a libvirt host group is the one host its uri names: count must be 1, not %d", h.Count)
	}
	for j := range i {
		if o := c.Hosts[j]; o.Driver == "libvirt" && o.URI == h.URI {
			return at("uri", "hosts[%d] names the same host (%s): each libvirt host is one [[hosts]] entry", c.hostEntry(j).idx, h.URI)
		}
	}
	return nil
}

// fillDefaults gives what the catalogue leaves out its default value, so
// that the checks see the values the daemon will use.
func (c *Config) fillDefaults() {
	for _, t := range c.Types {
		if t != nil && t.ThreadsPerCore == 0 {
			t.ThreadsPerCore = 1
		}
	}
	for name, img := range c.Images {
		if img == nil {
			continue
		}
		c.copyImage(name, img)
		if img.RootDeviceGiB == 0 {
			img.RootDeviceGiB = 8
		}
		if img.Platform == "" {
			img.Platform = "Linux/UNIX"
		}
	}
	for i := range c.Hosts {
		h := &c.Hosts[i]
		// A qemu host is this machine: unless told otherwise, the scheduler
		// counts its real cores and memory.
		if h.Driver == "qemu" && h.VCPUs == 0 {
			h.VCPUs = runtime.NumCPU()
		}
		if h.Driver == "qemu" && h.MemoryGiB == 0 {
			h.MemoryGiB = machineMemoryGiB()
		}
		if h.CPUOvercommit == 0 {
			h.CPUOvercommit = 1
		}
		if h.MemOvercommit == 0 {
			h.MemOvercommit = 1
		}
		if h.Driver == "" {
			h.Driver = "sim"
		}
	}
}

// sortedKeys lists a map's keys in order, for repeatable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// machineMemoryGiB is this machine's memory in whole GiB, from
// /proc/meminfo (0 where it cannot be read, which validation reports).
func machineMemoryGiB() int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb >> 20
		}
	}
	return 0
}

// check refuses a console address that is not HOST:PORT, half a TLS
// pair, and a listen beyond loopback without TLS: the login link and the
// session cookie would cross the network in the clear.
func (c Console) check() *problem {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		// name the one that is set: that is the line to point at
		key := "tls_cert"
		if c.TLSCert == "" {
			key = "tls_key"
		}
		return bad("tls_cert and tls_key go together: set both or neither", "console", key)
	}
	if c.Listen == "" {
		return nil
	}
	if _, err := netip.ParseAddrPort(c.Listen); err != nil {
		return bad(fmt.Sprintf("listen must be HOST:PORT with an IP address: %v", err), "console", "listen")
	}
	if !Loopback(c.Listen) && !c.TLS() {
		return bad(fmt.Sprintf("listen %s is reachable from other machines: set tls_cert and tls_key, or listen on 127.0.0.1", c.Listen), "console", "listen")
	}
	return nil
}
