package core

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
)

// maxUserData is EC2's limit on user data, before base64.
const maxUserData = 16 * 1024

// launch is a validated RunInstances request.
type launch struct {
	// fulfils is the open spot request this launch fulfils (the market's).
	fulfils     string
	in          *ec2.RunInstancesInput
	reservation string // the ReservationId of this call
	typ         *configs.InstType
	typeName    string
	imgName     string
	img         *configs.Image
	amiID       string
	key         *keyRecord
	subnet      *netw.Subnet
	zone        string
	groups      []ec2.GroupIdentifier
	groupIDs    []string
	userData    []byte
	tags        []ec2.Tag
	volume      int
	hash        string
	spot        *spotTerms
	// after are driver calls to make once the launch is durable (notices
	// to the spot guests it preempts).
	after []driverCall
}

// RunInstances launches instances. It returns at once with them pending;
// the driver boots them and the event loop marks them running.
func (c *Cloud) RunInstances(ctx context.Context, region string, in *ec2.RunInstancesInput) (*ec2.RunInstancesOutput, error) {
	return c.runInstances(ctx, region, in, "")
}

// runInstances is RunInstances; fulfils names the open spot request the
// launch fulfils (the market's launches), "" for a user's call.
func (c *Cloud) runInstances(ctx context.Context, region string, in *ec2.RunInstancesInput, fulfils string) (*ec2.RunInstancesOutput, error) {
	if in.InstanceMarketOptions != nil && fulfils == "" {
		if err := c.awaitMarket(ctx); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	rs, err := c.region(region)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	// A retry is answered from the token before anything else is checked:
	// the key pair of the first call may be gone by now, and EC2 still
	// returns the original reservation.
	if in.ClientToken != "" {
		if len(in.ClientToken) > 64 {
			c.mu.Unlock()
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The client token must be at most 64 ASCII characters.")
		}
		if tok, ok := rs.tokens[in.ClientToken]; ok {
			defer c.mu.Unlock()
			if tok.Hash != requestHash(in) {
				return nil, ec2.Errorf(ec2.CodeIdempotentParameterMismatch, "The client token '%s' was already used with different parameters.", in.ClientToken)
			}
			return c.reservationLocked(rs, tok), nil
		}
	}
	l, err := c.validateRun(rs, in)
	if l != nil {
		l.fulfils = fulfils
	}
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	if in.DryRun {
		c.mu.Unlock()
		return nil, ec2.Errorf(ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	l.reservation = c.newID("r")
	t, recs, err := c.placeAll(rs, l)
	if err != nil {
		c.mu.Unlock()
		return nil, err
	}
	out := &ec2.RunInstancesOutput{ReservationId: l.reservation, OwnerId: ec2.OwnerID, Groups: l.groups}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.InstanceId
	}
	b := t.batch()
	var tok *tokenRecord
	if in.ClientToken != "" {
		tok = &tokenRecord{Token: in.ClientToken, Hash: l.hash, ReservationId: out.ReservationId, InstanceIds: ids, Created: c.clk.Now()}
		b.Put(store.TokenKey(region, tok.Token), tok)
	}
	if !b.Fits() {
		t.rollback()
		c.mu.Unlock()
		return nil, tooBig(b)
	}
	t.publish()
	for _, r := range recs {
		out.Instances = append(out.Instances, rs.api(c.cfg, r))
	}
	if tok != nil {
		rs.tokens[tok.Token] = tok
	}
	specs := make([]hv.GuestSpec, len(recs))
	for i, r := range recs {
		specs[i] = c.specLocked(rs, r)
	}
	wait := c.commitLocked(ctx, b)
	c.notifyLocked()
	c.mu.Unlock()
	if err := wait(); err != nil {
		return nil, err
	}
	dctx := context.WithoutCancel(ctx)
	for _, call := range l.after {
		_ = call(dctx)
	}
	for i, r := range recs {
		d := c.driverOf(r.Placement.HostId)
		if err := d.Create(dctx, specs[i]); err != nil {
			c.driverFailed(r.InstanceId, "create", err)
			continue
		}
		// The instance was visible before its guest existed: a terminate
		// in that window found no guest and settled it. Do not boot it.
		if !c.isPending(r.Region, r.InstanceId) {
			_ = d.Destroy(dctx, r.InstanceId)
			continue
		}
		if err := d.Start(dctx, r.InstanceId); err != nil {
			c.driverFailed(r.InstanceId, "start", err)
		}
	}
	return out, nil
}

// isPending reports whether an instance is still pending.
func (c *Cloud) isPending(region, id string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r := c.regions[region].instances[id]
	return r != nil && r.State.Name == ec2.StatePending
}

// validateRun checks a request against the catalogue and the region's
// resources, in the order EC2 reports problems.
func (c *Cloud) validateRun(rs *regionState, in *ec2.RunInstancesInput) (*launch, error) {
	l := &launch{in: in}
	normalizeCounts(in)
	if in.MinCount < 1 || in.MaxCount < in.MinCount {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "MinCount (%d) must be at least 1 and at most MaxCount (%d)", in.MinCount, in.MaxCount)
	}
	if in.MaxCount > c.cfg.Limits.MaxCountPerRun {
		return nil, ec2.Errorf(ec2.CodeInstanceLimitExceeded, "You have requested more instances (%d) than your current instance limit of %d allows for one request", in.MaxCount, c.cfg.Limits.MaxCountPerRun)
	}
	l.typeName = in.InstanceType
	if l.typeName == "" {
		l.typeName = "t2.micro"
	}
	l.typ = c.cfg.Types[l.typeName]
	if l.typ == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid value '%s' for InstanceType.", l.typeName)
	}
	if _, offered := l.typ.Price[rs.name]; !offered && len(l.typ.Price) > 0 {
		return nil, ec2.Errorf(ec2.CodeUnsupported, "The instance type '%s' is not supported in %s.", l.typeName, rs.name)
	}
	if in.Driver != "" && c.drivers[in.Driver] == nil {
		names := make([]string, 0, len(c.drivers))
		for n := range c.drivers {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "No host runs the driver '%s' (the config's hosts run %s).", in.Driver, strings.Join(names, ", "))
	}
	var err error
	if l.imgName, l.img, l.amiID, err = c.resolveImage(rs, in.ImageId); err != nil {
		return nil, err
	}
	if !contains(l.typ.Arch, l.img.Arch) {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "The architecture '%s' of the specified instance type does not match the architecture '%s' of the specified AMI.", strings.Join(l.typ.Arch, ","), l.img.Arch)
	}
	if in.KeyName != "" {
		if l.key = rs.keys[in.KeyName]; l.key == nil {
			return nil, ec2.Errorf(ec2.CodeInvalidKeyPairNotFound, "The key pair '%s' does not exist", in.KeyName)
		}
	}
	if err := c.chooseSubnet(rs, in, l); err != nil {
		return nil, err
	}
	if l.groups, l.groupIDs, err = c.resolveGroups(rs, in.SecurityGroupIds, in.SecurityGroups); err != nil {
		return nil, err
	}
	if in.UserData != "" {
		if l.userData, err = base64.StdEncoding.DecodeString(in.UserData); err != nil {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid BASE64 encoding of user data.")
		}
		if len(l.userData) > maxUserData {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to %d bytes", maxUserData)
		}
	}
	for _, ts := range in.TagSpecifications {
		switch ts.ResourceType {
		case "instance":
			l.tags = append(l.tags, ts.Tags...)
		case "volume", "network-interface":
		default:
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
	}
	if l.tags, err = mergeTags(nil, l.tags); err != nil {
		return nil, err
	}
	if w, ok := tagValue(l.tags, ec2.WorkloadTag); ok {
		if err := c.checkWorkload(w); err != nil {
			return nil, err
		}
	}
	l.volume = l.img.RootDeviceGiB
	for _, m := range in.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.VolumeSize != 0 {
			if m.Ebs.VolumeSize < l.img.RootDeviceGiB || m.Ebs.VolumeSize > 16384 {
				return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Volume of size %dGB is smaller than snapshot, expect size >= %dGB (and at most 16384)", m.Ebs.VolumeSize, l.img.RootDeviceGiB)
			}
			l.volume = m.Ebs.VolumeSize
		}
	}
	if in.ClientToken != "" {
		l.hash = requestHash(in)
	}
	if l.spot, err = c.parseSpotTerms(rs.name, l.typeName, in.InstanceMarketOptions); err != nil {
		return nil, err
	}
	return l, nil
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

func (c *Cloud) chooseSubnet(rs *regionState, in *ec2.RunInstancesInput, l *launch) error {
	zone := ""
	if in.Placement != nil && in.Placement.AvailabilityZone != "" {
		zone = in.Placement.AvailabilityZone
		if rs.net.SubnetByZone(zone) == nil {
			return ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid availability zone: [%s]", zone)
		}
	}
	if in.SubnetId != "" {
		sub := rs.net.SubnetByID(in.SubnetId)
		if sub == nil {
			return ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", in.SubnetId)
		}
		if zone != "" && zone != sub.Zone {
			return ec2.Errorf(ec2.CodeInvalidParameterCombination, "The subnet %s is in %s, not in the requested zone %s.", sub.SubnetId, sub.Zone, zone)
		}
		l.subnet, zone = sub, sub.Zone
	}
	l.zone = zone
	return nil
}

// resolveImage accepts an ami- ID or an image name; "" is the region's default.
func (c *Cloud) resolveImage(rs *regionState, ref string) (string, *configs.Image, string, error) {
	if ref == "" {
		ref = rs.cfg.DefaultImage
	}
	if strings.HasPrefix(ref, "ami-") {
		if !amiIDRe.MatchString(ref) {
			return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDMalformed, "Invalid id: \"%s\" (expecting \"ami-...\")", ref)
		}
		for name, img := range c.cfg.Images {
			if img.IDs[rs.name] == ref {
				return name, img, ref, nil
			}
		}
		return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image id '[%s]' does not exist", ref)
	}
	img := c.cfg.Images[ref]
	if img == nil || img.IDs[rs.name] == "" {
		return "", nil, "", ec2.Errorf(ec2.CodeInvalidAMIIDNotFound, "The image '%s' does not exist in %s (see ec2x images)", ref, rs.name)
	}
	return ref, img, img.IDs[rs.name], nil
}

// maxGroupsPerInterface is EC2's default quota.
const maxGroupsPerInterface = 5

// resolveGroups maps group IDs and names to the region's groups; none means
// the VPC's default group.
func (c *Cloud) resolveGroups(rs *regionState, ids, names []string) ([]ec2.GroupIdentifier, []string, error) {
	if len(ids) == 0 && len(names) == 0 {
		return rs.defaultGroupView(), rs.defaultGroupIDs(), nil
	}
	var out []ec2.GroupIdentifier
	var outIDs []string
	seen := map[string]bool{}
	add := func(g *sgRecord) {
		if !seen[g.GroupId] {
			seen[g.GroupId] = true
			out = append(out, ec2.GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
			outIDs = append(outIDs, g.GroupId)
		}
	}
	for _, id := range ids {
		g := rs.sgs[id]
		if g == nil {
			if !sgIDRe.MatchString(id) {
				return nil, nil, ec2.Errorf(ec2.CodeInvalidGroupIdMalformed, "Invalid id: \"%s\" (expecting \"sg-...\")", id)
			}
			return nil, nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", id, rs.net.VpcId)
		}
		add(g)
	}
	for _, n := range names {
		g := rs.groupByName(n)
		if g == nil {
			return nil, nil, ec2.Errorf(ec2.CodeInvalidGroupNotFound, "The security group '%s' does not exist in default VPC '%s'", n, rs.net.VpcId)
		}
		add(g)
	}
	if len(out) > maxGroupsPerInterface {
		return nil, nil, ec2.Errorf(ec2.CodeSecurityGroupsPerInterfaceLimitExceed, "The maximum number of security groups per interface has been reached (%d).", maxGroupsPerInterface)
	}
	return out, outIDs, nil
}

// placeAll places, addresses and builds every instance of a launch, or
// undoes everything and fails when fewer than MinCount fit. A launch that
// names no zone lands in the zone of its first placement; when that zone
// cannot hold MinCount, the other zones are tried in turn, as EC2 picks a
// zone for the whole reservation rather than failing while one has room.
func (c *Cloud) placeAll(rs *regionState, l *launch) (*tx, []*instRecord, error) {
	if l.spot != nil {
		// Spot goes only where the price is at most its maximum, and
		// never takes capacity back from anyone.
		zones, err := c.spotZones(rs, l.typeName, l.zone, l.spot)
		if err != nil {
			return nil, nil, err
		}
		for _, z := range zones {
			if l.zone == "" {
				l.subnet = nil
			}
			if t, recs, err := c.placeIn(rs, l, z); err == nil {
				return t, recs, nil
			}
		}
		return nil, nil, c.capacityError(rs, l.typeName, l.zone)
	}
	t, recs, err := c.placeIn(rs, l, l.zone)
	if err == nil || l.zone != "" || ec2.CodeOf(err) != ec2.CodeInsufficientInstanceCapacity {
		return t, recs, err
	}
	for _, z := range rs.cfg.Zones {
		l.subnet = nil
		if t, recs, zerr := c.placeIn(rs, l, z); zerr == nil {
			return t, recs, nil
		}
	}
	// The user asked for no zone: do not blame one.
	return nil, nil, c.capacityError(rs, l.typeName, "")
}

// placeIn is placeAll within zone ("" for the zone of the first placement).
// Every claim is made in a tx that the caller commits or rolls back.
func (c *Cloud) placeIn(rs *regionState, l *launch, zone string) (*tx, []*instRecord, error) {
	now := c.clk.Now()
	t := c.newTx(rs)
	var recs []*instRecord
	req := sched.Request{Zone: zone, Family: configs.Family(l.typeName), VCPUs: l.typ.VCPUs, MemoryMiB: l.typ.MemoryMiB, Driver: l.in.Driver}
	var failure error
	for i := 0; i < l.in.MaxCount; i++ {
		host, _, ok := c.sched.Place(rs.name, req, false)
		if !ok && l.spot == nil {
			// On-demand demand takes capacity back from spot guests,
			// the lowest-paying first, rather than failing.
			host, ok = c.preempt(t, req, now, &l.after)
		}
		if !ok {
			failure = c.capacityError(rs, l.typeName, req.Zone)
			break
		}
		// One reservation lives in one subnet, hence one zone.
		req.Zone = host.Zone
		if l.subnet == nil {
			l.subnet = rs.net.SubnetByZone(host.Zone)
		}
		sp := t.savepoint()
		priv, err := t.claimPrivate(l.subnet.SubnetId, "")
		if err != nil {
			failure = err
			break
		}
		pub, err := t.claimPublic()
		if err != nil {
			// Keep the instances placed so far (MaxCount may still be met
			// by MinCount), but not this one's private address.
			t.rollbackTo(sp)
			failure = err
			break
		}
		r := c.newInstance(t, l, host, priv, pub.String(), i, now)
		c.claimHost(t, host.ID, r)
		recs = append(recs, r)
	}
	if len(recs) < l.in.MinCount {
		t.rollback()
		return nil, nil, failure
	}
	return t, recs, nil
}

func (c *Cloud) capacityError(rs *regionState, typ, zone string) error {
	if zone == "" {
		return ec2.Errorf(ec2.CodeInsufficientInstanceCapacity, "We currently do not have sufficient %s capacity in %s. Our system will be working on provisioning additional capacity.", typ, rs.name)
	}
	var others []string
	for _, z := range rs.cfg.Zones {
		if z == zone {
			continue
		}
		h, _, ok := c.sched.Place(rs.name, sched.Request{Zone: z, Family: configs.Family(typ), VCPUs: c.cfg.Types[typ].VCPUs, MemoryMiB: c.cfg.Types[typ].MemoryMiB}, false)
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

// newInstance records a launched instance and its primary interface in t.
func (c *Cloud) newInstance(t *tx, l *launch, host *sched.Host, priv, pub string, index int, now time.Time) *instRecord {
	workload, _ := tagValue(l.tags, ec2.WorkloadTag)
	r := &instRecord{
		InstanceId: c.newInstanceID(), Region: t.rs.name, ImageId: l.amiID, InstanceType: l.typeName, KeyName: l.in.KeyName,
		LaunchTime: now, State: ec2.NewState(ec2.StatePending), StateSince: now,
		Placement: ec2.Placement{AvailabilityZone: host.Zone, HostId: host.ID, Tenancy: "default"},
		Tags:      l.tags, Architecture: l.img.Arch, Hypervisor: host.Driver, AmiLaunchIndex: index, ClientToken: l.in.ClientToken,
		UserData: l.userData, VolumeGiB: l.volume, Workload: workload, ReservationId: l.reservation,
	}
	e := &eniRecord{
		NetworkInterfaceId: c.newID("eni"), SubnetId: l.subnet.SubnetId, MacAddress: c.newMAC(),
		Addrs: []eniAddr{{Private: priv, Public: pub}}, Groups: l.groupIDs,
		InstanceId: r.InstanceId, AttachmentId: c.newID("eni-attach"), AttachTime: now, DeleteOnTermination: true,
	}
	r.Enis = []string{e.NetworkInterfaceId}
	t.putIface(e)
	if l.spot != nil {
		c.spotLaunch(t, l, r, now)
	}
	t.putInstance(r)
	return r
}

// newMAC returns a locally administered unicast MAC, as EC2's 0a:... ones.
func (c *Cloud) newMAC() string {
	v := c.rng.Uint64()
	return fmt.Sprintf("0a:%02x:%02x:%02x:%02x:%02x", byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32))
}

func privateDNS(region string, a netip.Addr) string {
	host := "ip-" + strings.ReplaceAll(a.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

func publicDNS(region string, a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	host := "ec2-" + strings.ReplaceAll(a.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

// reservationLocked rebuilds the answer of an earlier RunInstances call.
func (c *Cloud) reservationLocked(rs *regionState, tok *tokenRecord) *ec2.RunInstancesOutput {
	out := &ec2.RunInstancesOutput{ReservationId: tok.ReservationId, OwnerId: ec2.OwnerID}
	for _, id := range tok.InstanceIds {
		if r := rs.instances[id]; r != nil {
			in := rs.api(c.cfg, r)
			out.Instances = append(out.Instances, in)
			out.Groups = in.SecurityGroups
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkWorkload accepts a built-in model or a profile from [workloads].
func (c *Cloud) checkWorkload(name string) error {
	if contains(hv.Workloads, name) || c.cfg.Workloads[name] != nil {
		return nil
	}
	names := append([]string(nil), hv.Workloads...)
	for n := range c.cfg.Workloads {
		names = append(names, n)
	}
	sort.Strings(names)
	return ec2.Errorf(ec2.CodeInvalidParameterValue, "Unknown workload '%s' for tag %s (have %s; add profiles under [workloads] in config.toml)", name, ec2.WorkloadTag, strings.Join(names, ", "))
}

// loadProfile is the driver's form of a configured workload profile.
func (c *Cloud) loadProfile(name string) *hv.LoadProfile {
	w := c.cfg.Workloads[name]
	if w == nil {
		return nil
	}
	return &hv.LoadProfile{MeanPct: w.Mean, DiurnalPct: w.DiurnalAmplitude, NoisePct: w.Noise}
}
