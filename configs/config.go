// Package configs holds ec2x's embedded defaults (regions, instance types,
// images, host fleets) and loads them with the user's $EC2X_HOME/config.toml
// laid over the top.
package configs

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

//go:embed *.toml
var embedded embed.FS

// builtinFiles are decoded in this order; later files add to earlier ones.
var builtinFiles = []string{"defaults.toml", "regions.toml", catalogFile, "images.toml", "hosts.toml"}

// FileName is the user's configuration file inside EC2X_HOME.
const FileName = "config.toml"

// Config is the whole configuration: built-in defaults plus the user's file.
type Config struct {
	Region    string               `toml:"region"`
	Output    string               `toml:"output"`
	Sim       Sim                  `toml:"sim"`
	Monitor   Monitor              `toml:"monitor"`
	Limits    Limits               `toml:"limits"`
	Scheduler Scheduler            `toml:"scheduler"`
	Lifecycle Lifecycle            `toml:"lifecycle"`
	Pricing   Pricing              `toml:"pricing"`
	Workloads map[string]*Workload `toml:"workloads"`
	Spot      Spot                 `toml:"spot"`
	API       API                  `toml:"api"`
	Console   Console              `toml:"console"`
	Regions   map[string]*Region   `toml:"regions"`
	Types     map[string]*InstType `toml:"types"`
	// Offers says which built-in types each region's zones offer: region,
	// then type, then the zones' letters ("abd"). A type it does not list
	// (one of the user's own) is offered in every zone.
	Offers map[string]map[string]string `toml:"-"`
	Images map[string]*Image            `toml:"images"`
	Hosts  []HostGroup                  `toml:"hosts"`
	Fleet  Fleet                        `toml:"fleet"`

	// Source names the user's file ("" when there is none), for messages.
	Source string `toml:"-"`
	// CatalogSource says where the built-in type catalogue's figures come
	// from and their date.
	CatalogSource string `toml:"-"`

	catalogued map[string]bool // the types the built-in catalogue offers somewhere
	market     map[string]bool // the built-in types the markets quote
	// userTypes are the types the user's file defines: the only ones the
	// checks read when set, as the generated catalogue is checked by its
	// tests, not on every start (nil: check every type).
	userTypes map[string]bool
	userData  []byte      // the user's file, to place problems found after loading
	hostSrc   []hostEntry // where each of Hosts was written
	// builtinImages names the images ec2x ships (Amazon's, as EC2
	// shows them); the user's own are imported into config.toml.
	builtinImages map[string]bool
}

// Fleet says how the user's [[hosts]] combine with the built-in ones.
type Fleet struct {
	// BuiltinHosts keeps the built-in sim hosts of every region
	// (configs/hosts.toml) with the user's [[hosts]] added to them; false
	// makes the user's [[hosts]] the whole fleet.
	BuiltinHosts bool `toml:"builtin_hosts"`
	// GuestNetwork is how real guests are networked: "auto" (their VPC's
	// private network where this machine allows it: root), "vpc" (that,
	// or the daemon does not start), or "user" (a network of each
	// guest's own, as without root).
	GuestNetwork string `toml:"guest_network"`
}

// hostEntry says where one host group was written: the user's file or the
// built-in hosts.toml, and its entry number there.
type hostEntry struct {
	user bool
	idx  int
}

// hostEntry returns where Hosts[i] was written.
func (c *Config) hostEntry(i int) hostEntry {
	if i < len(c.hostSrc) {
		return c.hostSrc[i]
	}
	return hostEntry{user: c.Source != "", idx: i}
}

// Sim configures the embedded simulated hypervisor.
type Sim struct {
	BootSeconds float64 `toml:"boot_seconds"`
	StopSeconds float64 `toml:"stop_seconds"`
	Seed        int64   `toml:"seed"`
}

// Monitor configures the metric sampler.
type Monitor struct {
	IntervalSeconds float64 `toml:"interval_seconds"`
}

// Limits are per-region service quotas.
type Limits struct {
	ElasticIPsPerRegion int `toml:"elastic_ips_per_region"`
	MaxCountPerRun      int `toml:"max_count_per_run"`
}

// Scheduler chooses the placement strategy.
type Scheduler struct {
	Strategy string `toml:"strategy"`
}

// Lifecycle holds timing rules of the instance state machine.
type Lifecycle struct {
	TerminatedVisibleSeconds float64 `toml:"terminated_visible_seconds"`
}

// Workload is a custom load profile that tag ec2x:workload=NAME selects on
// simulated guests: CPU in percent of the vCPUs.
type Workload struct {
	Mean             float64 `toml:"mean"`
	DiurnalAmplitude float64 `toml:"diurnal_amplitude"`
	Noise            float64 `toml:"noise"`
}

// Spot configures the spot market.
type Spot struct {
	RepriceMinutes float64 `toml:"reprice_minutes"`
	HistoryDays    float64 `toml:"history_days"`
}

// Pricing holds prices that are not per instance type.
type Pricing struct {
	// PublicIPv4Hourly is what every public IPv4 address costs per hour,
	// associated or idle, as AWS charges since February 2024.
	PublicIPv4Hourly string `toml:"public_ipv4_hourly"`
	// SpotModule and ReservedModule name the WebAssembly modules that price
	// spot and reserved capacity (built-in or installed with ec2x plugin).
	SpotModule     string `toml:"spot_module"`
	ReservedModule string `toml:"reserved_module"`
	// WasmMemoryMiB caps each module instance's memory; WasmTimeoutMs is
	// the deadline of one call into a module.
	WasmMemoryMiB int `toml:"wasm_memory_mib"`
	WasmTimeoutMs int `toml:"wasm_timeout_ms"`
	// Regions choose other modules for some regions:
	// [pricing.regions.us-west-2] reserved_module = "mine".
	Regions map[string]*RegionModules `toml:"regions"`
}

// RegionModules replaces [pricing]'s choice of module in one region.
type RegionModules struct {
	SpotModule     string `toml:"spot_module"`
	ReservedModule string `toml:"reserved_module"`
}

// API configures the EC2-compatible endpoint.
type API struct {
	Listen      string       `toml:"listen"`
	Credentials []Credential `toml:"credentials"`
	// AllowAnonymous lets unsigned requests from loopback addresses in.
	AllowAnonymous bool `toml:"allow_anonymous"`
}

// Console configures the web console the daemon serves (off while
// Listen is empty).
type Console struct {
	// Listen is the console's HOST:PORT; loopback unless TLS is set, as
	// its login links and session cookies must not cross a network in
	// the clear.
	Listen string `toml:"listen"`
	// TLSCert and TLSKey are PEM files (relative to EC2X_HOME when not
	// absolute); both or neither.
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`
}

// TLS reports whether the console is configured to serve HTTPS.
func (c Console) TLS() bool { return c.TLSCert != "" && c.TLSKey != "" }

// Credential is one access key accepted by the EC2-compatible endpoint.
type Credential struct {
	AccessKeyID     string `toml:"access_key_id"`
	SecretAccessKey string `toml:"secret_access_key"`
}

// Region describes one region: its zones, default VPC and public pools.
type Region struct {
	Description string   `toml:"description"`
	Zones       []string `toml:"zones"`
	// ZoneIDs are the zones' IDs (use1-az6), in the order of Zones.
	ZoneIDs []string `toml:"zone_ids"`
	// OptIn is the region's opt-in status: opt-in-not-required, opted-in
	// or not-opted-in (DescribeRegions lists it only with AllRegions).
	OptIn      string `toml:"opt_in"`
	PublicPool string `toml:"public_pool"`
	// LocalPool is the public pool when the region has hosts that run real
	// guests on this machine: addresses it can listen on (127.0.0.0/8 on
	// Linux needs no root and no interface of its own).
	LocalPool    string `toml:"local_pool"`
	VpcCidr      string `toml:"vpc_cidr"`
	SubnetPrefix int    `toml:"subnet_prefix"`
	DefaultImage string `toml:"default_image"`
}

// ModuleName is what a pricing module's name must match: it is a file name
// under $EC2X_HOME/plugins and a config value.
var ModuleName = LazyRegexpOf(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Modules names the modules that price spot and reserved capacity in a
// region: the region's own choice, else [pricing]'s.
func (c *Config) Modules(region string) (spot, reserved string) {
	spot, reserved = c.Pricing.SpotModule, c.Pricing.ReservedModule
	if r := c.Pricing.Regions[region]; r != nil {
		if r.SpotModule != "" {
			spot = r.SpotModule
		}
		if r.ReservedModule != "" {
			reserved = r.ReservedModule
		}
	}
	return spot, reserved
}

// InstType is one instance type of the catalogue.
type InstType struct {
	VCPUs           int               `toml:"vcpus"`
	MemoryMiB       int               `toml:"memory_mib"`
	ThreadsPerCore  int               `toml:"threads_per_core"`
	MaxENIs         int               `toml:"max_enis"`
	IPv4PerENI      int               `toml:"ipv4_per_eni"`
	Network         string            `toml:"network"`
	Burstable       bool              `toml:"burstable"`
	CreditMode      string            `toml:"credit_mode"`
	BaselinePercent float64           `toml:"baseline_percent"`
	CreditsPerHour  float64           `toml:"credits_per_hour"`
	Arch            []string          `toml:"arch"`
	Price           map[string]string `toml:"price"`

	// What DescribeInstanceTypes shows besides, as EC2 describes it; the
	// generated catalogue sets them, a type of the user's own may leave
	// them out (the catalogue's TypeInfo gives defaults).
	Cores               int      `toml:"cores"`
	ValidCores          []int    `toml:"valid_cores"`
	ValidThreads        []int    `toml:"valid_threads"`
	Manufacturer        string   `toml:"manufacturer"`
	ClockGHz            float64  `toml:"clock_ghz"`
	Features            []string `toml:"features"`
	IPv6PerENI          int      `toml:"ipv6_per_eni"`
	IPv6                bool     `toml:"ipv6"`
	NetworkCards        int      `toml:"network_cards"`
	ENASupport          string   `toml:"ena_support"`
	EFAInterfaces       int      `toml:"efa_interfaces"`
	EncryptionInTransit bool     `toml:"encryption_in_transit"`
	EBSOptimized        string   `toml:"ebs_optimized"` // unsupported | supported | default
	EBSBaselineMbps     int      `toml:"ebs_baseline_mbps"`
	EBSBaselineIOPS     int      `toml:"ebs_baseline_iops"`
	EBSBaselineMBps     float64  `toml:"ebs_baseline_mbytes"`
	EBSMaxMbps          int      `toml:"ebs_max_mbps"`
	EBSMaxIOPS          int      `toml:"ebs_max_iops"`
	EBSMaxMBps          float64  `toml:"ebs_max_mbytes"`
	EBSEncryption       string   `toml:"ebs_encryption"`
	EBSNVMe             string   `toml:"ebs_nvme"`
	EBSAttachmentLimit  string   `toml:"ebs_attachment_limit"` // shared | dedicated
	MaxEBSAttachments   int      `toml:"max_ebs_attachments"`
	BandwidthWeightings []string `toml:"bandwidth_weightings"`
	FlexibleENAQueues   string   `toml:"flexible_ena_queues"`
	RebootMigration     string   `toml:"reboot_migration"`
	InstanceStorageGB   int      `toml:"instance_storage_gb"`
	DiskCount           int      `toml:"disk_count"`
	DiskSizeGB          int      `toml:"disk_size_gb"`
	DiskType            string   `toml:"disk_type"`
	StorageNVMe         string   `toml:"storage_nvme"`
	StorageEncryption   string   `toml:"storage_encryption"`
	GPUs                int      `toml:"gpus"`
	Hypervisor          string   `toml:"hypervisor"`
	BareMetal           bool     `toml:"bare_metal"`
	PreviousGeneration  bool     `toml:"previous_generation"`
	FreeTier            bool     `toml:"free_tier"`
	Hibernation         bool     `toml:"hibernation"`
	AutoRecovery        bool     `toml:"auto_recovery"`
	DedicatedHosts      bool     `toml:"dedicated_hosts"`
	NitroEnclaves       string   `toml:"nitro_enclaves"`
	NitroTPM            string   `toml:"nitro_tpm"`
	NitroTPMVersions    []string `toml:"nitro_tpm_versions"`
	PlacementStrategies []string `toml:"placement_strategies"`
	VirtualizationTypes []string `toml:"virtualization_types"`
	BootModes           []string `toml:"boot_modes"`
	RootDeviceTypes     []string `toml:"root_device_types"`
	UsageClasses        []string `toml:"usage_classes"`
}

// Family is the part of a type name before the dot ("t3" of "t3.micro").
func Family(typeName string) string {
	if i := strings.IndexByte(typeName, '.'); i > 0 {
		return typeName[:i]
	}
	return typeName
}

// Image is one machine image, with its ami- ID in each region.
type Image struct {
	Description   string            `toml:"description"`
	AmiName       string            `toml:"ami_name"`
	Arch          string            `toml:"arch"`
	User          string            `toml:"user"`
	RootDeviceGiB int               `toml:"root_device_gib"`
	Platform      string            `toml:"platform"`
	IDs           map[string]string `toml:"ids"`
	// Created is when the image was made (RFC 3339), as DescribeImages'
	// CreationDate shows it.
	Created string `toml:"created"`
	// Files the qemu driver boots: a disk image (qcow2 or raw), a kernel
	// with an optional initrd, or both (the kernel boots the disk, with
	// no boot loader). KernelArgs follow console=ttyS0 on the kernel's
	// command line (with a disk and no root= in them: root=/dev/vda1).
	Disk       string `toml:"disk"`
	Kernel     string `toml:"kernel"`
	Initrd     string `toml:"initrd"`
	KernelArgs string `toml:"kernel_args"`
}

// HostGroup adds Count identical hosts to a zone.
type HostGroup struct {
	Zone          string   `toml:"zone"`
	Count         int      `toml:"count"`
	VCPUs         int      `toml:"vcpus"`
	MemoryGiB     int      `toml:"memory_gib"`
	CPUOvercommit float64  `toml:"cpu_overcommit"`
	MemOvercommit float64  `toml:"mem_overcommit"`
	Families      []string `toml:"families"`
	Driver        string   `toml:"driver"`
	// URI is the libvirt URI of the group's host, for driver "libvirt"
	// (and only it): qemu:///system, qemu+tcp://HOST/system,
	// qemu+ssh://USER@HOST/system. Such a group is one host; its vcpus
	// and memory_gib, when left out, are read from the host (libvirt's
	// NodeGetInfo) when the daemon connects.
	URI string `toml:"uri"`
}

// Error is a configuration error that names the file, line and key.
type Error struct {
	File string
	Line int // 0 when unknown
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": key %s", e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Path returns the user's config file path inside home.
func Path(home string) string { return filepath.Join(home, FileName) }

// Default returns the built-in configuration alone.
func Default() (*Config, error) {
	return load(nil, "")
}

// Load returns the built-in configuration with home/config.toml (if any) over it.
func Load(home string) (*Config, error) {
	p := Path(home)
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return load(nil, "")
	}
	if err != nil {
		return nil, &Error{File: p, Msg: err.Error()}
	}
	return load(data, p)
}

// clientFiles are the built-in files a CLI call needs: the top-level
// settings and the regions. The catalogue (types, images, hosts) is the
// daemon's business, and parsing it on every call would cost more than the
// call itself.
var clientFiles = []string{"defaults.toml", "regions.toml"}

// LoadClient is Load for the command line: the user's file is decoded in
// full and strictly (so any unknown key or bad type is reported), but of the
// built-in files only the settings and regions are read, and only the
// settings are checked. Types, Images and Hosts are left empty.
func LoadClient(home string) (*Config, error) {
	c := &Config{}
	for _, f := range clientFiles {
		data, err := embedded.ReadFile(f)
		if err != nil {
			return nil, &Error{File: "configs/" + f, Msg: err.Error()}
		}
		if err := decodeStrict(data, "configs/"+f, c); err != nil {
			return nil, err
		}
	}
	p := Path(home)
	data, err := os.ReadFile(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		data = nil
	case err != nil:
		return nil, &Error{File: p, Msg: err.Error()}
	default:
		clearArrays(data, c)
		if err := decodeStrict(data, p, c); err != nil {
			return nil, err
		}
		c.Source = p
	}
	if prob := c.checkTop(); prob != nil {
		return nil, c.place(prob, data)
	}
	return c, nil
}

// BuiltinImage reports whether the image called name ships with ec2x
// (rather than being imported by the user), even when the user's file
// changes its files.
func (c *Config) BuiltinImage(name string) bool { return c.builtinImages[name] }

// LoadBytes is Load with the user's file given as data (name is for messages).
func LoadBytes(data []byte, name string) (*Config, error) { return load(data, name) }

func load(user []byte, userName string) (*Config, error) {
	c := &Config{}
	for _, f := range builtinFiles {
		if f == catalogFile {
			if err := c.loadCatalog(); err != nil {
				return nil, err
			}
			continue
		}
		data, err := embedded.ReadFile(f)
		if err != nil {
			return nil, &Error{File: "configs/" + f, Msg: err.Error()}
		}
		if err := decodeStrict(data, "configs/"+f, c); err != nil {
			return nil, err
		}
	}
	c.builtinImages = make(map[string]bool, len(c.Images))
	for name := range c.Images {
		c.builtinImages[name] = true
	}
	c.userTypes = map[string]bool{}
	builtin := c.Hosts
	c.hostSrc = make([]hostEntry, len(builtin))
	for i := range builtin {
		c.hostSrc[i] = hostEntry{idx: i}
	}
	if user != nil {
		// A table the user names replaces the built-in table of that name
		// ([[api.credentials]]: all of them); [[hosts]] are added to the
		// built-in fleet unless [fleet] builtin_hosts = false.
		clearArrays(user, c)
		c.userTypes = definedTypes(user)
		c.Hosts = nil
		if err := decodeStrict(user, userName, c); err != nil {
			return nil, err
		}
		c.Source, c.userData = userName, user
		c.mergeHosts(builtin)
	}
	src := c.Source
	if src == "" {
		src = "configs/"
	}
	if err := c.validate(src, user); err != nil {
		return nil, err
	}
	return c, nil
}

// mergeHosts puts the built-in host groups before the user's, when
// [fleet] keeps them. A built-in group in a zone the user's regions no
// longer have is left out: the user did not write it.
func (c *Config) mergeHosts(builtin []HostGroup) {
	mine := c.Hosts
	c.Hosts, c.hostSrc = nil, nil
	if c.Fleet.BuiltinHosts {
		for i, h := range builtin {
			if c.ZoneRegion(h.Zone) != "" {
				c.Hosts = append(c.Hosts, h)
				c.hostSrc = append(c.hostSrc, hostEntry{idx: i})
			}
		}
	}
	for i, h := range mine {
		c.Hosts = append(c.Hosts, h)
		c.hostSrc = append(c.hostSrc, hostEntry{user: true, idx: i})
	}
}
