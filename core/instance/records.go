package instance

import (
	"encoding/json"
	"net/netip"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
)

// Record is an instance as the service keeps it: the state EC2 holds,
// without what can be derived (DNS names, CPU options, the primary network
// interface's nesting), so that a fleet of 100,000 fits in a small daemon.
// The API shape is built from it on the way out. Copy on write.
type Record struct {
	InstanceId string `json:"InstanceId"`
	// Region is the record's region, which its key says: stored only by
	// records from before MarshalJSON left it out.
	Region       string            `json:"Region,omitempty"`
	ImageId      string            `json:"ImageId"`
	InstanceType string            `json:"InstanceType"`
	KeyName      string            `json:"KeyName,omitempty"`
	LaunchTime   time.Time         `json:"LaunchTime"`
	State        ec2.InstanceState `json:"State"`
	// StateSince is stored only when it is not LaunchTime (MarshalJSON).
	StateSince            time.Time        `json:"StateSince,omitzero"`
	StateReason           *ec2.StateReason `json:"StateReason,omitempty"`
	StateTransitionReason string           `json:"StateTransitionReason,omitempty"`
	Placement             Where            `json:"Placement"`
	Tags                  []ec2.Tag        `json:"Tags,omitempty"`
	Architecture          string           `json:"Architecture"`
	Hypervisor            string           `json:"Hypervisor"`
	AmiLaunchIndex        int32            `json:"AmiLaunchIndex,omitempty"`
	VolumeGiB             int32            `json:"VolumeGiB"`
	ClientToken           string           `json:"ClientToken,omitempty"`
	// ReservationId is the launch (RunInstances call) it came from.
	ReservationId string `json:"ReservationId,omitempty"`
	// Enis are the attached interfaces by device index, [0] the primary.
	Enis []string `json:"Enis,omitempty"`
	// SpotSide is the spot side of a spot instance (nil for the others).
	*SpotSide
	UserData []byte `json:"UserData,omitempty"`
	Workload string `json:"Workload,omitempty"`
	// Rare is what few instances have (nil for the others).
	*Rare

	// CpuCredits is a burstable instance's credit option (standard or
	// unlimited); "" for other types and records from before it was kept.
	CpuCredits string `json:"CpuCredits,omitempty"`
	// Attrs: protections, shutdown behaviour, metadata options, monitoring;
	// LaunchOpts: RunInstances' other options (launchopts.go). Both are nil
	// while empty, as they are for most of a fleet: embedded as values they
	// were 400 of an instance's 1,080 bytes in memory. Embedded so that the
	// stored JSON stays flat; read them through Attr and Opts (a promoted
	// field read through nil panics) and change them through editAttrs and
	// editOpts (records are copy on write and clones share these).
	*Attrs
	*LaunchOpts
}

// MarshalJSON stores the record without what is known without it: the
// region (the key's) and a StateSince that is the launch time. A launch of
// 1,000 is one transaction, which Badger bounds by its memtable's size;
// this keeps it within a memtable of 8 MiB (see docs/PERFORMANCE.md).
// Load gives both back (loaded).
func (r *Record) MarshalJSON() ([]byte, error) {
	type plain Record // without this method
	p := plain(*r)
	p.Region = ""
	if p.StateSince.Equal(p.LaunchTime) {
		p.StateSince = time.Time{}
	}
	return json.Marshal(&p)
}

// loaded completes a record read from region's store: what MarshalJSON
// left out, and no empty attributes, options or spot side.
func (r *Record) loaded(region string) {
	r.Region = region
	if r.StateSince.IsZero() {
		r.StateSince = r.LaunchTime
	}
	r.compact()
}

// Attr is the instance's attributes (zero when none was set).
func (r *Record) Attr() Attrs {
	if r.Attrs == nil {
		return Attrs{}
	}
	return *r.Attrs
}

// Opts is the instance's launch options (zero when none was set).
func (r *Record) Opts() LaunchOpts {
	if r.LaunchOpts == nil {
		return LaunchOpts{}
	}
	return *r.LaunchOpts
}

// editAttrs gives r attributes of its own to change: a copy, since a
// clone shares them with the record it was made from.
func (r *Record) editAttrs() *Attrs {
	a := r.Attr()
	r.Attrs = &a
	return &a
}

// SpotOf is the instance's spot side (zero for other instances).
func (r *Record) SpotOf() SpotSide {
	if r.SpotSide == nil {
		return SpotSide{}
	}
	return *r.SpotSide
}

// editSpot is editAttrs for the spot side.
func (r *Record) editSpot() *SpotSide {
	sp := r.SpotOf()
	r.SpotSide = &sp
	return &sp
}

// RareOf is what few instances have (zero for the others).
func (r *Record) RareOf() Rare {
	if r.Rare == nil {
		return Rare{}
	}
	return *r.Rare
}

// editRare is editAttrs for what few instances have.
func (r *Record) editRare() *Rare {
	x := r.RareOf()
	r.Rare = &x
	return &x
}

// editOpts is editAttrs for the launch options.
func (r *Record) editOpts() *LaunchOpts {
	o := r.Opts()
	r.LaunchOpts = &o
	return &o
}

// compact drops attributes and options left empty, so an instance that
// has none holds no memory for them.
func (r *Record) compact() {
	if r.Attrs != nil && *r.Attrs == (Attrs{}) {
		r.Attrs = nil
	}
	if r.LaunchOpts != nil && r.LaunchOpts.empty() {
		r.LaunchOpts = nil
	}
	if r.SpotSide != nil && *r.SpotSide == (SpotSide{}) {
		r.SpotSide = nil
	}
	if r.Rare != nil && len(r.Rare.RootTags)+len(r.Rare.Disks)+len(r.Rare.Events) == 0 && r.Rare.Root == "" && r.Rare.RootAt.IsZero() {
		r.Rare = nil
	}
}

// Where is an instance's placement as its record keeps it: the parts of
// ec2.Placement an ec2x instance can have (it has no placement groups and
// no Dedicated Hosts), in 64 bytes instead of 152. The stored JSON is
// ec2.Placement's.
type Where struct {
	AvailabilityZone string `json:"AvailabilityZone"`
	HostId           string `json:"HostId,omitempty"`
	Tenancy          string `json:"Tenancy"`
	SpreadDomain     string `json:"SpreadDomain,omitempty"`
}

// View is the placement as EC2 shows it.
func (w Where) View() ec2.Placement {
	return ec2.Placement{AvailabilityZone: w.AvailabilityZone, HostId: w.HostId, Tenancy: w.Tenancy, SpreadDomain: w.SpreadDomain}
}

// Rare is what few instances have: tags on the root volume, volumes
// besides it, scheduled events.
type Rare struct {
	// RootTags are the attached root volume's tags (it has no record).
	RootTags []ec2.Tag `json:"RootTags,omitempty"`
	// Disks are the EBS volumes attached besides the root volume (volumes.go).
	Disks []Disk `json:"Disks,omitempty"`
	// Root is the root volume's ID once it is not the one the instance
	// was launched with (derived from its ID): noRoot while a stopped
	// instance has none.
	Root string `json:"Root,omitempty"`
	// RootAt is when the root volume was attached, if not at launch.
	RootAt time.Time `json:"RootAt,omitempty"`
	// Events are its scheduled events (host maintenance), ended ones kept
	// for a week (schedevents.go).
	Events []SchedEvent `json:"Events,omitempty"`
}

// SpotSide is what a spot instance keeps besides what every instance does:
// the request it came from, its maximum price, what an interruption does
// to it, and the notice once one is given.
type SpotSide struct {
	InstanceLifecycle     string              `json:"InstanceLifecycle,omitempty"`
	SpotInstanceRequestId string              `json:"SpotInstanceRequestId,omitempty"`
	SpotMaxPrice          float64             `json:"SpotMaxPrice,omitempty"`
	Interruption          string              `json:"Interruption,omitempty"`
	Notice                *ec2.InstanceAction `json:"Notice,omitempty"`
	NoticeCause           string              `json:"NoticeCause,omitempty"` // price or capacity
}

// tokenRecord remembers a RunInstances ClientToken.
type tokenRecord struct {
	Token         string    `json:"ClientToken"`
	Hash          string    `json:"RequestHash"`
	ReservationId string    `json:"ReservationId"`
	InstanceIds   []string  `json:"InstanceIds"`
	Created       time.Time `json:"Created"`
}

// The instance family's tables: inst/<region>/<i-id>,
// tok/<region>/<client-token>, sir/<region>/<sir-id>.
var (
	Instances    = state.Table[Record]{Kind: "inst", ID: func(r *Record) string { return r.InstanceId }}
	tokens       = state.Table[tokenRecord]{Kind: "tok", ID: func(t *tokenRecord) string { return t.Token }}
	SpotRequests = state.Table[ec2.SpotInstanceRequest]{Kind: "sir", ID: func(r *ec2.SpotInstanceRequest) string { return r.SpotInstanceRequestId }}
)

// Changed is emitted whenever an instance record changes (Old is nil for
// a new instance): the billing meter follows running time with it.
type Changed struct {
	Old, New *Record
}

// clone returns a copy that may be changed without touching r. Slices that
// are only ever replaced whole (tags, interfaces, user data) are shared.
func (r *Record) clone() *Record {
	n := *r
	return &n
}

// Tag returns the value of tag key and whether it is set.
func (r *Record) Tag(key string) (string, bool) { return tagging.Value(r.Tags, key) }

// Spot reports whether the instance is a spot instance.
func (r *Record) Spot() bool { return r.SpotOf().InstanceLifecycle == "spot" }

// reservation is the instance's reservation ID; records from before
// reservations were stored get one derived from the instance ID.
func (r *Record) reservation() string {
	if r.ReservationId != "" {
		return r.ReservationId
	}
	return "r-" + r.InstanceId[len("i-"):]
}

// get returns the current version of an instance (nil if unknown).
func get(rd state.Reader, id string) *Record { return state.Get(rd, Instances, id) }

// put writes a new version of an instance in tx and tells the observers.
func (s *Service) put(tx *state.Tx, r *Record) {
	old := get(tx, r.InstanceId)
	r.compact()
	state.Put(tx, Instances, r)
	if old == nil {
		region, id := tx.Region().Name, r.InstanceId
		tx.OnPublish(func() { s.setWhere(id, region) })
	}
	tx.Emit(Changed{Old: old, New: r})
}

// HoldsHost reports whether an instance uses host capacity in its state.
func HoldsHost(state string) bool {
	switch state {
	case ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateShuttingDown:
		return true
	}
	return false
}

// primary returns the instance's device-0 interface, or nil (terminated).
func primary(rd state.Reader, r *Record) *network.ENI {
	if len(r.Enis) == 0 {
		return nil
	}
	return network.Interface(rd, r.Enis[0])
}

// addresses returns the instance's primary private and public IPs.
func addresses(rd state.Reader, r *Record) (private, public string) {
	if e := primary(rd, r); e != nil && len(e.Addrs) > 0 {
		return e.Addrs[0].Private, e.Addrs[0].Public
	}
	return "", ""
}

// view builds the instance as DescribeInstances shows it. The JSON cache
// (json.go) keeps its encoding while the records read here are the same:
// a view that reads another record must add it to encoded.current.
func (s *Service) view(rd state.Reader, r *Record) *ec2.Instance {
	in := &ec2.Instance{
		InstanceId: r.InstanceId, ImageId: r.ImageId, InstanceType: r.InstanceType, KeyName: r.KeyName,
		LaunchTime: r.LaunchTime, State: r.State, StateReason: r.StateReason, StateTransitionReason: r.StateTransitionReason,
		Placement: r.Placement.View(), Tags: r.Tags,
		Architecture: r.Architecture, VirtualizationType: "hvm", Hypervisor: r.Hypervisor,
		RootDeviceType: "ebs", RootDeviceName: "/dev/xvda", AmiLaunchIndex: int(r.AmiLaunchIndex), ClientToken: r.ClientToken,
		NetworkInterfaces: []ec2.InstanceNetworkInterface{}, SecurityGroups: []ec2.GroupIdentifier{},
		InstanceLifecycle: r.SpotOf().InstanceLifecycle, SpotInstanceRequestId: r.SpotOf().SpotInstanceRequestId, SpotInstanceAction: r.SpotOf().Notice,
		RootVolumeSize: int(r.VolumeGiB),
	}
	viewAttrs(in, r)
	if t := s.cfg.Types[r.InstanceType]; t != nil {
		threads := max(t.ThreadsPerCore, 1)
		in.CpuOptions = ec2.CpuOptions{CoreCount: t.VCPUs / threads, ThreadsPerCore: threads}
	}
	viewLaunchOpts(in, r)
	for i, id := range r.Enis {
		e := network.Interface(rd, id)
		if e == nil {
			continue
		}
		ni := s.net.InstanceInterface(rd, e)
		in.NetworkInterfaces = append(in.NetworkInterfaces, ni)
		if i == 0 {
			in.SubnetId, in.VpcId, in.SecurityGroups = ni.SubnetId, ni.VpcId, ni.Groups
			in.PrivateIpAddress = ni.PrivateIpAddress
			if priv, err := netip.ParseAddr(ni.PrivateIpAddress); err == nil {
				in.PrivateDnsName = PrivateDNS(r.Region, priv)
			}
			if ni.Association != nil {
				in.PublicIpAddress = ni.Association.PublicIp
				in.PublicDnsName = PublicDNS(r.Region, netip.MustParseAddr(in.PublicIpAddress))
			}
		}
	}
	return in
}

// PrivateDNS is the private DNS name EC2 gives an address in a region.
func PrivateDNS(region string, a netip.Addr) string {
	host := "ip-" + strings.ReplaceAll(a.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

// PublicDNS is the public DNS name EC2 gives an address in a region.
func PublicDNS(region string, a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	host := "ec2-" + strings.ReplaceAll(a.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

func setState(n *Record, st string, now time.Time) {
	n.State = ec2.NewState(st)
	n.StateSince = now
}

// userReason is how EC2 words a user-initiated transition.
func userReason(now time.Time) string {
	return "User initiated (" + now.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstOr(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}
