package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Type is one entry of catalog.json; its fields are configs.InstType's.
type Type struct {
	VCPUs               int               `json:"VCPUs"`
	Cores               int               `json:"Cores,omitempty"`
	ThreadsPerCore      int               `json:"ThreadsPerCore"`
	ValidCores          []int             `json:"ValidCores,omitempty"`
	ValidThreads        []int             `json:"ValidThreads,omitempty"`
	MemoryMiB           int               `json:"MemoryMiB"`
	Arch                []string          `json:"Arch"`
	Manufacturer        string            `json:"Manufacturer,omitempty"`
	ClockGHz            float64           `json:"ClockGHz,omitempty"`
	Features            []string          `json:"Features,omitempty"`
	Network             string            `json:"Network"`
	MaxENIs             int               `json:"MaxENIs"`
	IPv4PerENI          int               `json:"IPv4PerENI"`
	IPv6PerENI          int               `json:"IPv6PerENI,omitempty"`
	IPv6                bool              `json:"IPv6,omitempty"`
	NetworkCards        int               `json:"NetworkCards,omitempty"`
	ENASupport          string            `json:"ENASupport,omitempty"`
	EFAInterfaces       int               `json:"EFAInterfaces,omitempty"`
	EncryptionInTransit bool              `json:"EncryptionInTransit,omitempty"`
	EBSOptimized        string            `json:"EBSOptimized,omitempty"`
	EBSBaselineMbps     int               `json:"EBSBaselineMbps,omitempty"`
	EBSBaselineIOPS     int               `json:"EBSBaselineIOPS,omitempty"`
	EBSBaselineMBps     float64           `json:"EBSBaselineMBps,omitempty"`
	EBSMaxMbps          int               `json:"EBSMaxMbps,omitempty"`
	EBSMaxIOPS          int               `json:"EBSMaxIOPS,omitempty"`
	EBSMaxMBps          float64           `json:"EBSMaxMBps,omitempty"`
	EBSEncryption       string            `json:"EBSEncryption,omitempty"`
	EBSNVMe             string            `json:"EBSNVMe,omitempty"`
	EBSAttachmentLimit  string            `json:"EBSAttachmentLimit,omitempty"`
	MaxEBSAttachments   int               `json:"MaxEBSAttachments,omitempty"`
	BandwidthWeightings []string          `json:"BandwidthWeightings,omitempty"`
	FlexibleENAQueues   string            `json:"FlexibleENAQueues,omitempty"`
	RebootMigration     string            `json:"RebootMigration,omitempty"`
	InstanceStorageGB   int               `json:"InstanceStorageGB,omitempty"`
	DiskCount           int               `json:"DiskCount,omitempty"`
	DiskSizeGB          int               `json:"DiskSizeGB,omitempty"`
	DiskType            string            `json:"DiskType,omitempty"`
	StorageNVMe         string            `json:"StorageNVMe,omitempty"`
	StorageEncryption   string            `json:"StorageEncryption,omitempty"`
	GPUs                int               `json:"GPUs,omitempty"`
	Hypervisor          string            `json:"Hypervisor,omitempty"`
	BareMetal           bool              `json:"BareMetal,omitempty"`
	PreviousGeneration  bool              `json:"PreviousGeneration,omitempty"`
	FreeTier            bool              `json:"FreeTier,omitempty"`
	Hibernation         bool              `json:"Hibernation,omitempty"`
	AutoRecovery        bool              `json:"AutoRecovery,omitempty"`
	DedicatedHosts      bool              `json:"DedicatedHosts,omitempty"`
	NitroEnclaves       string            `json:"NitroEnclaves,omitempty"`
	NitroTPM            string            `json:"NitroTPM,omitempty"`
	NitroTPMVersions    []string          `json:"NitroTPMVersions,omitempty"`
	PlacementStrategies []string          `json:"PlacementStrategies,omitempty"`
	VirtualizationTypes []string          `json:"VirtualizationTypes,omitempty"`
	BootModes           []string          `json:"BootModes,omitempty"`
	RootDeviceTypes     []string          `json:"RootDeviceTypes,omitempty"`
	UsageClasses        []string          `json:"UsageClasses,omitempty"`
	Burstable           bool              `json:"Burstable,omitempty"`
	CreditMode          string            `json:"CreditMode,omitempty"`
	BaselinePercent     float64           `json:"BaselinePercent,omitempty"`
	CreditsPerHour      float64           `json:"CreditsPerHour,omitempty"`
	Price               map[string]string `json:"Price,omitempty"`
}

// described is the part of EC2's InstanceTypeInfo that ec2x keeps.
type described struct {
	InstanceType                  string
	CurrentGeneration             bool
	FreeTierEligible              bool
	HibernationSupported          bool
	AutoRecoverySupported         bool
	DedicatedHostsSupported       bool
	BareMetal                     bool
	BurstablePerformanceSupported bool
	Hypervisor                    string
	NitroEnclavesSupport          string
	NitroTpmSupport               string
	RebootMigrationSupport        string
	NitroTpmInfo                  struct{ SupportedVersions []string }
	SupportedUsageClasses         []string
	SupportedRootDeviceTypes      []string
	SupportedVirtualizationTypes  []string
	SupportedBootModes            []string
	PlacementGroupInfo            struct{ SupportedStrategies []string }
	VCpuInfo                      struct {
		DefaultVCpus, DefaultCores, DefaultThreadsPerCore int
		ValidCores, ValidThreadsPerCore                   []int
	}
	MemoryInfo    struct{ SizeInMiB int }
	ProcessorInfo struct {
		Manufacturer             string
		SupportedArchitectures   []string
		SupportedFeatures        []string
		SustainedClockSpeedInGhz float64
	}
	NetworkInfo struct {
		NetworkPerformance           string
		MaximumNetworkInterfaces     int
		MaximumNetworkCards          int
		Ipv4AddressesPerInterface    int
		Ipv6AddressesPerInterface    int
		Ipv6Supported                bool
		EnaSupport                   string
		FlexibleEnaQueuesSupport     string
		BandwidthWeightings          []string
		EncryptionInTransitSupported bool
		EfaInfo                      *struct{ MaximumEfaInterfaces int }
	}
	EbsInfo struct {
		EbsOptimizedSupport, EncryptionSupport, NvmeSupport string
		AttachmentLimitType                                 string
		MaximumEbsAttachments                               int
		EbsOptimizedInfo                                    *struct {
			BaselineBandwidthInMbps, BaselineIops, MaximumBandwidthInMbps, MaximumIops int
			BaselineThroughputInMBps, MaximumThroughputInMBps                          float64
		}
	}
	InstanceStorageInfo *struct {
		TotalSizeInGB                  int
		NvmeSupport, EncryptionSupport string
		Disks                          []struct {
			Count, SizeInGB int
			Type            string
		}
	}
	GpuInfo *struct{ Gpus []struct{ Count int } }
}

// types reads EC2's description of every type.
func (g *gen) types() (map[string]*Type, error) {
	data, err := g.moto.read(motoTypes)
	if err != nil {
		return nil, err
	}
	var all map[string]described
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", motoTypes, err)
	}
	if len(all) < 500 {
		return nil, fmt.Errorf("%s: only %d types", motoTypes, len(all))
	}
	out := map[string]*Type{}
	for name, d := range all {
		if strings.HasPrefix(name, "mac") {
			continue // Mac instances run only on dedicated hosts ec2x does not sell
		}
		out[name] = convert(d)
	}
	return out, nil
}

func convert(d described) *Type {
	v, n := d.VCpuInfo, d.NetworkInfo
	t := &Type{
		VCPUs: v.DefaultVCpus, Cores: v.DefaultCores, ThreadsPerCore: max(v.DefaultThreadsPerCore, 1),
		ValidCores: v.ValidCores, ValidThreads: v.ValidThreadsPerCore,
		MemoryMiB: d.MemoryInfo.SizeInMiB, Arch: d.ProcessorInfo.SupportedArchitectures,
		Manufacturer: d.ProcessorInfo.Manufacturer, ClockGHz: d.ProcessorInfo.SustainedClockSpeedInGhz,
		Features: d.ProcessorInfo.SupportedFeatures,
		Network:  n.NetworkPerformance, MaxENIs: n.MaximumNetworkInterfaces, IPv4PerENI: n.Ipv4AddressesPerInterface,
		IPv6PerENI: n.Ipv6AddressesPerInterface, IPv6: n.Ipv6Supported, NetworkCards: n.MaximumNetworkCards,
		ENASupport: n.EnaSupport, EncryptionInTransit: n.EncryptionInTransitSupported,
		EBSOptimized: d.EbsInfo.EbsOptimizedSupport, EBSEncryption: d.EbsInfo.EncryptionSupport, EBSNVMe: d.EbsInfo.NvmeSupport,
		Hypervisor: d.Hypervisor, BareMetal: d.BareMetal, PreviousGeneration: !d.CurrentGeneration,
		FreeTier: d.FreeTierEligible, Hibernation: d.HibernationSupported, AutoRecovery: d.AutoRecoverySupported,
		DedicatedHosts: d.DedicatedHostsSupported, NitroEnclaves: d.NitroEnclavesSupport, NitroTPM: d.NitroTpmSupport,
		NitroTPMVersions: d.NitroTpmInfo.SupportedVersions, PlacementStrategies: d.PlacementGroupInfo.SupportedStrategies,
		VirtualizationTypes: d.SupportedVirtualizationTypes, BootModes: d.SupportedBootModes,
		RootDeviceTypes: d.SupportedRootDeviceTypes, UsageClasses: d.SupportedUsageClasses,
		Burstable:          d.BurstablePerformanceSupported,
		EBSAttachmentLimit: d.EbsInfo.AttachmentLimitType, MaxEBSAttachments: d.EbsInfo.MaximumEbsAttachments,
		BandwidthWeightings: n.BandwidthWeightings, FlexibleENAQueues: n.FlexibleEnaQueuesSupport,
		RebootMigration: d.RebootMigrationSupport,
	}
	if n.EfaInfo != nil {
		t.EFAInterfaces = n.EfaInfo.MaximumEfaInterfaces
	}
	if e := d.EbsInfo.EbsOptimizedInfo; e != nil {
		t.EBSBaselineMbps, t.EBSBaselineIOPS, t.EBSBaselineMBps = e.BaselineBandwidthInMbps, e.BaselineIops, e.BaselineThroughputInMBps
		t.EBSMaxMbps, t.EBSMaxIOPS, t.EBSMaxMBps = e.MaximumBandwidthInMbps, e.MaximumIops, e.MaximumThroughputInMBps
	}
	if s := d.InstanceStorageInfo; s != nil {
		t.InstanceStorageGB, t.StorageNVMe, t.StorageEncryption = s.TotalSizeInGB, s.NvmeSupport, s.EncryptionSupport
		if len(s.Disks) > 0 {
			t.DiskCount, t.DiskSizeGB, t.DiskType = s.Disks[0].Count, s.Disks[0].SizeInGB, s.Disks[0].Type
		}
	}
	if d.GpuInfo != nil {
		for _, g := range d.GpuInfo.Gpus {
			t.GPUs += g.Count
		}
	}
	if t.Burstable {
		burstCredits(d.InstanceType, t)
	}
	return t
}

// burstCredits gives a burstable type EC2's published credit model
// (CPU credits earned per hour, baseline percent per vCPU; "Burstable
// performance instances" in the EC2 user guide): t3, t3a and t4g by size,
// in unlimited mode by default. t2's are hand-tuned (handtuned.toml).
func burstCredits(name string, t *Type) {
	fam, size, _ := strings.Cut(name, ".")
	model := map[string][2]float64{
		"nano": {6, 5}, "micro": {12, 10}, "small": {24, 20}, "medium": {24, 20},
		"large": {36, 30}, "xlarge": {96, 40}, "2xlarge": {192, 40},
	}
	c, ok := model[size]
	if !ok || fam == "t2" {
		return
	}
	t.CreditMode, t.CreditsPerHour, t.BaselinePercent = "unlimited", c[0], c[1]
}
