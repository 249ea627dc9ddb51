package ec2

// Host is a host server and what it has given out.
type Host struct {
	ID     string `json:"HostId"`
	Region string `json:"Region"`
	Zone   string `json:"AvailabilityZone"`
	Driver string `json:"Driver"`
	// URI is the libvirt URI of a libvirt host ("" for other drivers).
	URI string `json:"Uri,omitempty"`
	// Draining says the host takes no new guests and its running guests
	// are moving to other hosts (`ec2x hosts drain`).
	Draining bool `json:"Draining"`
	// Unreachable says the host's engine did not answer its last check:
	// it takes no new guests, and its guests' system status is impaired.
	Unreachable   bool     `json:"Unreachable"`
	VCPUs         int      `json:"VCpus"`
	MemoryMiB     int      `json:"MemoryMiB"`
	CPUOvercommit float64  `json:"CpuOvercommit"`
	MemOvercommit float64  `json:"MemoryOvercommit"`
	Families      []string `json:"Families"`
	UsedVCPUs     int      `json:"UsedVCpus"`
	UsedMemoryMiB int      `json:"UsedMemoryMiB"`
	Guests        int      `json:"Guests"`
	// SpotVCPUs and SpotMemoryMiB are the part of the use that spot guests
	// hold: on-demand demand may take it back.
	SpotVCPUs     int `json:"SpotVCpus"`
	SpotMemoryMiB int `json:"SpotMemoryMiB"`
}

// PlacementResult is one host's outcome in a placement: rejected with a reason, or scored.
type PlacementResult struct {
	HostID    string  `json:"HostId"`
	Zone      string  `json:"AvailabilityZone"`
	Rejected  string  `json:"Rejected,omitempty"`
	Detail    string  `json:"Detail,omitempty"`
	Score     float64 `json:"Score"`
	Chosen    bool    `json:"Chosen"`
	FreeVCPUs int     `json:"FreeVCpus"`
	FreeMiB   int     `json:"FreeMemoryMiB"`
}
