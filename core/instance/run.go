package instance

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/keypair"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/tagging"
	"github.com/ec2x/ec2x/hv"
)

// maxUserData is EC2's limit on user data, before base64.
const maxUserData = 16 * 1024

// WorkloadTag picks a simulated guest's workload model.
const WorkloadTag = ec2.WorkloadTag

// launch is a validated RunInstances request.
type launch struct {
	in *ec2.RunInstancesInput
	// fulfils is the open spot request this launch fulfils (the market's).
	fulfils     string
	reservation string // the ReservationId of this call
	typ         *configs.InstType
	typeName    string
	imgName     string
	img         *configs.Image
	amiID       string
	subnet      *netw.Subnet
	zone        string
	groups      []ec2.GroupIdentifier
	groupIDs    []string
	userData    []byte
	tags        []ec2.Tag
	volumeTags  []ec2.Tag // TagSpecification volume: every volume the launch makes
	eniTags     []ec2.Tag // network-interface: every interface the launch makes
	spotTags    []ec2.Tag // spot-instances-request: the request a spot launch makes
	volume      int
	hash        string
	spot        *spotTerms
	attrs       Attrs // protections, shutdown, metadata, monitoring (attrs.go)
	opts        LaunchOpts
	nics        []*nicPlan // each instance's interfaces (launchnet.go)
	disks       []diskPlan // each instance's volumes (volumes.go)
	keys        volumeKeys // how the region encrypts new volumes (ebsdefaults.go)
}

// RunInstances launches instances. It returns at once with them pending;
// the driver boots them and the event loop marks them running.
func (s *Service) RunInstances(ctx context.Context, region string, in *ec2.RunInstancesInput) (*ec2.RunInstancesOutput, error) {
	return s.runInstances(ctx, region, in, "")
}

// runInstances is RunInstances; fulfils names the open spot request the
// launch fulfils (the market's launches), "" for a user's call.
func (s *Service) runInstances(ctx context.Context, region string, in *ec2.RunInstancesInput, fulfils string) (*ec2.RunInstancesOutput, error) {
	req := in // as sent: a ClientToken retry is matched on it
	in, terr := s.fromTemplate(region, in)
	if terr != nil {
		return nil, terr
	}
	if in.InstanceMarketOptions != nil && fulfils == "" {
		if err := s.mkt.AwaitPrices(ctx); err != nil {
			return nil, err
		}
	}
	if len(in.ClientToken) > 64 {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
	}
	var out *ec2.RunInstancesOutput
	err := s.rt.Update(ctx, region, func(tx *state.Tx) error {
		// A retry is answered from the token before anything else is
		// checked: the key pair of the first call may be gone by now, and
		// EC2 still returns the original reservation.
		if in.ClientToken != "" {
			if tok := state.Get(tx, tokens, in.ClientToken); tok != nil {
				if tok.Hash != requestHash(req) {
					return ec2.Errorf(ec2.CodeIdempotentParameterMismatch, "The client token '%s' was already used with different parameters.", in.ClientToken)
				}
				out = s.replay(tx, tok)
				return nil
			}
		}
		in, err := s.templateIn(tx, req, in)
		if err != nil {
			return err
		}
		l, err := s.validateRun(tx, in)
		if err != nil {
			return err
		}
		if in.ClientToken != "" {
			l.hash = requestHash(req)
		}
		if in.DryRun {
			return state.DryRun()
		}
		l.fulfils = fulfils
		l.reservation = tx.Region().NewID("r")
		recs, err := s.placeAll(tx, l)
		if err != nil {
			return err
		}
		out = &ec2.RunInstancesOutput{ReservationId: l.reservation, OwnerId: ec2.OwnerID, Groups: l.groups}
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.InstanceId
			out.Instances = append(out.Instances, s.view(tx, r))
		}
		if in.ClientToken != "" {
			state.Put(tx, tokens, &tokenRecord{Token: in.ClientToken, Hash: l.hash, ReservationId: out.ReservationId, InstanceIds: ids, Created: s.clk.Now()})
		}
		specs, vols := make([]hv.GuestSpec, len(recs)), make([][]volData, len(recs))
		for i, r := range recs {
			specs[i], vols[i] = s.spec(tx, r), s.guestVolumes(tx, r)
		}
		tx.After(func(ctx context.Context) { s.boot(ctx, region, recs, specs, vols) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// boot creates and starts a launch's guests once the launch is durable.
func (s *Service) boot(ctx context.Context, region string, recs []*Record, specs []hv.GuestSpec, vols [][]volData) {
	for i, r := range recs {
		d := s.driverOf(r.Placement.HostId)
		if err := s.createGuest(ctx, d, specs[i], vols[i]); err != nil {
			s.driverFailed(r.InstanceId, "create", err)
			continue
		}
		// The instance was visible before its guest existed: a terminate
		// in that window found no guest and settled it. Do not boot it.
		if !s.isPending(region, r.InstanceId) {
			_ = d.Destroy(ctx, r.InstanceId)
			continue
		}
		if err := d.Start(ctx, r.InstanceId); err != nil {
			s.driverFailed(r.InstanceId, "start", err)
		}
	}
}

// isPending reports whether an instance is still pending.
func (s *Service) isPending(region, id string) bool {
	r, err := s.rt.Region(region)
	if err != nil {
		return false
	}
	r.RLock()
	defer r.RUnlock()
	rec := get(r, id)
	return rec != nil && rec.State.Name == ec2.StatePending
}

// validateRun checks a request against the catalogue and the region's
// resources, in the order EC2 reports problems.
func (s *Service) validateRun(tx *state.Tx, in *ec2.RunInstancesInput) (*launch, error) {
	region := tx.Region().Name
	l := &launch{in: in, keys: volumeKeysOf(tx)}
	normalizeCounts(in)
	if in.MinCount < 1 || in.MaxCount < in.MinCount {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "MinCount (%d) must be at least 1 and at most MaxCount (%d)", in.MinCount, in.MaxCount)
	}
	if in.MaxCount > s.cfg.Limits.MaxCountPerRun {
		return nil, ec2.Errorf(ec2.CodeInstanceLimitExceeded, "You have requested more instances (%d) than your current instance limit of %d allows for one request", in.MaxCount, s.cfg.Limits.MaxCountPerRun)
	}
	l.typeName = in.InstanceType
	if l.typeName == "" {
		l.typeName = "t2.micro"
	}
	l.typ = s.cfg.Types[l.typeName]
	if l.typ == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", l.typeName)
	}
	if _, offered := l.typ.Price[region]; !offered && len(l.typ.Price) > 0 {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The instance type '%s' is not supported in %s.", l.typeName, region)
	}
	if err := checkStrategy(in.Strategy); err != nil {
		return nil, err
	}
	if names := s.driverNames(); in.Driver != "" && !contains(names, in.Driver) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "No host runs the driver '%s' (the config's hosts run %s).", in.Driver, strings.Join(names, ", "))
	}
	var err error
	if l.imgName, l.img, l.amiID, err = s.cat.ResolveImage(tx, in.ImageId); err != nil {
		return nil, err
	}
	if a := catalog.FindAMI(tx, l.amiID); a != nil && !a.RunsOn(l.typeName) {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The image %s does not run on %s (its instance type specification).", l.amiID, l.typeName)
	}
	if !contains(l.typ.Arch, l.img.Arch) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The architecture '%s' of the specified instance type does not match the architecture '%s' of the specified AMI.", strings.Join(l.typ.Arch, ","), l.img.Arch)
	}
	if in.KeyName != "" && keypair.Get(tx, in.KeyName) == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", in.KeyName)
	}
	if err := nicCombination(in); err != nil {
		return nil, err
	}
	if err := s.checkPlacement(tx, in); err != nil {
		return nil, err
	}
	if err := s.chooseSubnet(tx, in, l); err != nil {
		return nil, err
	}
	if l.groups, l.groupIDs, err = s.net.ResolveGroups(tx, in.SecurityGroupIds, in.SecurityGroups); err != nil {
		return nil, err
	}
	if len(in.NetworkInterfaces) == 0 {
		given := len(in.SecurityGroupIds)+len(in.SecurityGroups) > 0
		if l.groupIDs, err = s.net.GroupsForSubnet(tx, l.subnet, given, l.groupIDs); err != nil {
			return nil, err
		}
		l.groups = network.GroupView(tx, l.groupIDs)
	}
	if err := s.planNetwork(tx, in, l); err != nil {
		return nil, err
	}
	if err := s.validateLaunchData(tx, l, in); err != nil {
		return nil, err
	}
	if l.attrs, err = launchAttrs(in); err != nil {
		return nil, err
	}
	l.attrs.Metadata = l.attrs.Metadata.withDefaults(settingsOf(tx).MetadataDflts)
	if l.opts, err = s.launchOpts(l, in); err != nil {
		return nil, err
	}
	if l.spot, err = s.parseSpotTerms(region, l.typeName, in.InstanceMarketOptions); err != nil {
		return nil, err
	}
	if err := checkLaunchCredits(l.typeName, l.typ, in.CreditSpecification); err != nil {
		return nil, err
	}
	return l, nil
}

// validateLaunchData checks what a launch gives its instances: user data,
// tags (and the workload tag), the root volume's size, the client token.
func (s *Service) validateLaunchData(rd state.Reader, l *launch, in *ec2.RunInstancesInput) error {
	var err error
	if in.UserData != "" {
		if l.userData, err = base64.StdEncoding.DecodeString(in.UserData); err != nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid BASE64 encoding of user data.")
		}
		if len(l.userData) > maxUserData {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to %d bytes", maxUserData)
		}
	}
	for _, ts := range in.TagSpecifications {
		switch ts.ResourceType {
		case "instance":
			l.tags = append(l.tags, ts.Tags...)
		case "volume":
			l.volumeTags = append(l.volumeTags, ts.Tags...)
		case "network-interface":
			l.eniTags = append(l.eniTags, ts.Tags...)
		case "spot-instances-request":
			// Applied when the launch is a spot one (as EC2 documents it
			// for RunInstances), else there is no request to tag.
			l.spotTags = append(l.spotTags, ts.Tags...)
		default:
			return tagging.NotTaggableHere(ts.ResourceType)
		}
	}
	for _, t := range []*[]ec2.Tag{&l.tags, &l.volumeTags, &l.eniTags, &l.spotTags} {
		if *t, err = tagging.Merge(nil, *t); err != nil {
			return err
		}
	}
	l.tags = withSystemTags(l.tags, in.SystemTags)
	if w, ok := tagging.Value(l.tags, WorkloadTag); ok {
		if err := s.checkWorkload(w); err != nil {
			return err
		}
	}
	l.volume = l.img.RootDeviceGiB
	for _, m := range in.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.VolumeSize != 0 && isRoot(m) {
			if err := bootable(m.Ebs.VolumeType); err != nil {
				return err
			}
			if m.Ebs.VolumeSize < l.img.RootDeviceGiB {
				return ec2.Errorf(ec2.CodeInvalidParameterValue, "Volume of size %dGB is smaller than snapshot, expect size >= %dGB", m.Ebs.VolumeSize, l.img.RootDeviceGiB)
			}
			if err := checkSize(m.Ebs.VolumeType, m.Ebs.VolumeSize); err != nil {
				return err
			}
			l.volume = m.Ebs.VolumeSize
		}
	}
	if l.disks, err = planDisks(rd, l, imageDevices(rd, l.amiID, in.BlockDeviceMappings), s.clk.Now()); err != nil {
		return err
	}
	if in.ClientToken != "" {
		l.hash = requestHash(in)
	}
	return nil
}

// requestHash identifies a RunInstances request's parameters, for
// ClientToken retries: the same parameters give the same hash.
func requestHash(in *ec2.RunInstancesInput) string {
	cp := *in
	normalizeCounts(&cp)
	cp.ClientToken, cp.DryRun = "", false
	sum, _ := json.Marshal(cp)
	h := sha256.Sum256(sum)
	return hex.EncodeToString(h[:])
}

// normalizeCounts fills MinCount and MaxCount as EC2 does when one is missing.
func normalizeCounts(in *ec2.RunInstancesInput) {
	if in.MinCount == 0 && in.MaxCount == 0 {
		in.MinCount, in.MaxCount = 1, 1
	}
	if in.MaxCount == 0 {
		in.MaxCount = in.MinCount
	}
	if in.MinCount == 0 {
		in.MinCount = in.MaxCount
	}
}

func (s *Service) chooseSubnet(rd state.Reader, in *ec2.RunInstancesInput, l *launch) error {
	zone := ""
	if in.Placement != nil && in.Placement.AvailabilityZone != "" {
		zone = in.Placement.AvailabilityZone
		if s.net.SubnetByZone(rd, zone) == nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", zone)
		}
	}
	if in.SubnetId != "" {
		sub := s.net.SubnetByID(rd, in.SubnetId)
		if sub == nil {
			return network.SubnetNotFound(in.SubnetId)
		}
		if zone != "" && zone != sub.Zone {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The subnet %s is in %s, not in the requested zone %s.", sub.SubnetId, sub.Zone, zone)
		}
		l.subnet, zone = sub, sub.Zone
	}
	l.zone = zone
	return nil
}

// request is what an instance of a type asks of the scheduler.
func (s *Service) request(typ, zone, driver string) sched.Request {
	t := s.cfg.Types[typ]
	return sched.Request{Zone: zone, Family: configs.Family(typ), VCPUs: t.VCPUs, MemoryMiB: t.MemoryMiB, Driver: driver}
}

// placeAll places, addresses and builds every instance of a launch, or
// fails when fewer than MinCount fit (the Tx then undoes every claim). A
// launch that names no zone lands in the zone of its first placement; when
// that zone cannot hold MinCount, the other zones are tried in turn, as EC2
// picks a zone for the whole reservation rather than failing while one has
// room.
func (s *Service) placeAll(tx *state.Tx, l *launch) ([]*Record, error) {
	r := tx.Region()
	if l.spot != nil {
		// Spot goes only where the price is at most its maximum, and
		// never takes capacity back from anyone.
		zones, err := s.spotZones(tx, l.typeName, l.zone, l.spot)
		if err != nil {
			return nil, err
		}
		for _, z := range zones {
			if l.zone == "" {
				l.subnet = nil
			}
			if recs, err := s.placeIn(tx, l, z); err == nil {
				return recs, nil
			}
		}
		return nil, s.capacityError(r, l.typeName, l.zone)
	}
	recs, err := s.placeIn(tx, l, l.zone)
	if err == nil || l.zone != "" || ec2.CodeOf(err) != ec2.CodeInsufficientInstanceCapacity {
		return recs, err
	}
	for _, z := range r.Cfg.Zones {
		l.subnet = nil
		if recs, zerr := s.placeIn(tx, l, z); zerr == nil {
			return recs, nil
		}
	}
	// The user asked for no zone: do not blame one.
	return nil, s.capacityError(r, l.typeName, "")
}

// placeIn is placeAll within zone ("" for the zone of the first
// placement). A placement that fails leaves the Tx as it found it.
func (s *Service) placeIn(tx *state.Tx, l *launch, zone string) ([]*Record, error) {
	now := s.clk.Now()
	start := tx.Savepoint()
	req := s.request(l.typeName, zone, l.in.Driver)
	req.Strategy = l.in.Strategy
	type placed struct {
		host *sched.Host
		nics []nicClaim
	}
	var got []placed
	var preempted []*Record
	var failure error
	for i := 0; i < l.in.MaxCount; i++ {
		host, _, ok := s.sched.Place(tx.Region().Name, req, false)
		if !ok && l.spot == nil {
			// On-demand demand takes capacity back from spot guests,
			// the lowest-paying first, rather than failing.
			var victims []*Record
			host, victims, ok = s.preempt(tx, req, preempted)
			preempted = append(preempted, victims...)
		}
		if !ok {
			failure = s.capacityError(tx.Region(), l.typeName, req.Zone)
			break
		}
		// One reservation lives in one subnet, hence one zone.
		req.Zone = host.Zone
		if l.subnet == nil {
			l.subnet = s.net.SubnetByZone(tx, host.Zone)
		}
		sp := tx.Savepoint()
		nics, err := s.claimNICs(tx, l, host.Zone)
		if err != nil {
			// Keep the instances placed so far (MaxCount may still be met
			// by MinCount), but not this one's addresses.
			tx.RollbackTo(sp)
			failure = err
			break
		}
		s.claimTx(tx, host.ID, s.hostShare(l))
		got = append(got, placed{host, nics})
	}
	if len(got) < l.in.MinCount {
		tx.RollbackTo(start)
		return nil, failure
	}
	for _, v := range preempted {
		s.after(tx, s.notice(tx, v, now, "capacity")...)
	}
	recs := make([]*Record, len(got))
	for i, p := range got {
		recs[i] = s.newInstance(tx, l, p.host, p.nics, i, now)
	}
	return recs, nil
}

// checkStrategy checks a launch's scheduling strategy.
func checkStrategy(s string) error {
	if s != "" && s != sched.Spread && s != sched.Binpack {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for Strategy: spread or binpack.", s)
	}
	return nil
}

// hostShare is what a launch's instances claim of a host: their type, spot
// or not.
func (s *Service) hostShare(l *launch) *Record {
	r := &Record{InstanceType: l.typeName}
	if l.spot != nil {
		r.editSpot().InstanceLifecycle = "spot"
	}
	return r
}

func (s *Service) capacityError(r *state.Region, typ, zone string) error {
	if zone == "" {
		return ec2.Errorf(ec2.CodeInsufficientInstanceCapacity, "We currently do not have sufficient %s capacity in %s. Our system will be working on provisioning additional capacity.", typ, r.Name)
	}
	var others []string
	for _, z := range r.Cfg.Zones {
		if z == zone {
			continue
		}
		h, _, ok := s.sched.Place(r.Name, s.request(typ, z, ""), false)
		if ok && h != nil {
			others = append(others, z)
		}
	}
	msg := fmt.Sprintf("We currently do not have sufficient %s capacity in the Availability Zone you requested (%s). Our system will be working on provisioning additional capacity.", typ, zone)
	if len(others) > 0 {
		msg += fmt.Sprintf(" You can currently get %s capacity by not specifying an Availability Zone in your request or choosing %s.", typ, strings.Join(others, ", "))
	}
	return &ec2.Error{Code: ec2.CodeInsufficientInstanceCapacity, Message: msg}
}

// newInstance records a launched instance and its primary interface in tx.
func (s *Service) newInstance(tx *state.Tx, l *launch, host *sched.Host, nics []nicClaim, index int, now time.Time) *Record {
	workload, _ := tagging.Value(l.tags, WorkloadTag)
	r := &Record{
		InstanceId: s.newInstanceID(tx.Region()), Region: tx.Region().Name, ImageId: l.amiID, InstanceType: l.typeName, KeyName: l.in.KeyName,
		LaunchTime: now, State: ec2.NewState(ec2.StatePending), StateSince: now,
		Placement: Where{AvailabilityZone: host.Zone, HostId: host.ID, Tenancy: "default"},
		Tags:      l.tags, Architecture: l.img.Arch, Hypervisor: host.Driver, AmiLaunchIndex: int32(index), ClientToken: l.in.ClientToken,
		UserData: l.userData, VolumeGiB: int32(l.volume), Workload: workload, ReservationId: l.reservation,
	}
	a, o := l.attrs, l.opts
	r.Attrs, r.LaunchOpts = &a, &o
	if len(l.volumeTags) > 0 {
		r.Rare = &Rare{RootTags: l.volumeTags}
	}
	if r.Opts().IamProfile != "" {
		o := r.editOpts()
		o.IamAssoc, o.IamSince = newAssocID(r.InstanceId, now), now.UTC()
	}
	if p := l.in.Placement; p != nil && p.Tenancy != "" {
		r.Placement.Tenancy = p.Tenancy
	}
	r.Enis = s.attachNICs(tx, r, nics, l.eniTags, now)
	s.launchPlacement(l, r)
	s.makeDisks(tx, l, r, now)
	s.rootLater(tx, r.InstanceId)
	r.CpuCredits = s.launchCredits(tx, l)
	if l.spot != nil {
		s.spotLaunch(tx, l, r, now)
	}
	s.put(tx, r)
	return r
}

// replay rebuilds the answer of an earlier RunInstances call.
func (s *Service) replay(rd state.Reader, tok *tokenRecord) *ec2.RunInstancesOutput {
	out := &ec2.RunInstancesOutput{ReservationId: tok.ReservationId, OwnerId: ec2.OwnerID}
	for _, id := range tok.InstanceIds {
		if r := get(rd, id); r != nil {
			in := s.view(rd, r)
			out.Instances = append(out.Instances, in)
			out.Groups = in.SecurityGroups
		}
	}
	return out
}

// checkWorkload accepts a built-in model or a profile from [workloads].
func (s *Service) checkWorkload(name string) error {
	if contains(hv.Workloads, name) || s.cfg.Workloads[name] != nil {
		return nil
	}
	names := append([]string(nil), hv.Workloads...)
	for n := range s.cfg.Workloads {
		names = append(names, n)
	}
	sort.Strings(names)
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "Unknown workload '%s' for tag %s (have %s; add profiles under [workloads] in config.toml)", name, WorkloadTag, strings.Join(names, ", "))
}

// loadProfile is the driver's form of a configured workload profile.
func (s *Service) loadProfile(name string) *hv.LoadProfile {
	w := s.cfg.Workloads[name]
	if w == nil {
		return nil
	}
	return &hv.LoadProfile{MeanPct: w.Mean, DiurnalPct: w.DiurnalAmplitude, NoisePct: w.Noise}
}
