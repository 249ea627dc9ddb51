// Package instance is EC2's instances: launching (RunInstances, with its
// client tokens and placement through the scheduler), the state machine
// and what drives it (driver events, reconciliation after a restart, the
// janitor), changing an instance while stopped, its console and metadata,
// spot instances (requests, interruptions and their notices) and the host
// view. It owns inst/, tok/ and sir/ in the store, and it is the only
// family that talks to the hypervisor drivers.
package instance

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// Options configure the instance family.
type Options struct {
	Catalog *catalog.Catalog
	Network *network.Service
	Market  *market.Service
	Sched   *sched.Scheduler
	// Drivers are the open hypervisor drivers by sched.Host.DriverKey:
	// the driver's name, with its host's URI for libvirt.
	Drivers map[string]hv.Driver
	// EBSDir is where volumes and snapshots of real disks keep their
	// files ("": nowhere, every volume simulated).
	EBSDir string
}

// Service serves the instance actions and drives the instances' guests.
type Service struct {
	rt      *state.Runtime
	cfg     *configs.Config
	clk     clock.Clock
	log     zerolog.Logger
	cat     *catalog.Catalog
	net     *network.Service
	mkt     *market.Service
	sched   *sched.Scheduler
	drivers map[string]hv.Driver
	ebsDir  string
	// templates resolves RunInstances' LaunchTemplate (SetTemplates).
	templates Templates
	// events are each region's queue of driver events (fixed at New).
	events map[string]*eventQueue

	// where is each instance's region, for driver events (which name only
	// the instance); its own lock, held for a map access at a time.
	whereMu sync.RWMutex
	where   map[string]string

	metadata metadataHook
	json     jsonCache // DescribeInstances' JSON, by instance

	mu          sync.Mutex // guards closed, janitor and healthTimer
	closed      bool
	janitor     clock.Timer
	healthTimer clock.Timer
	wg          sync.WaitGroup

	// moveMu makes guests' moves between hosts one at a time (hostmove.go).
	moveMu sync.Mutex
	// downSince is when each host that does not answer stopped answering.
	healthMu  sync.Mutex
	downSince map[string]time.Time
}

var _ network.Instances = (*Service)(nil)

// New returns the instance family; Load reads its records, Start runs it.
func New(rt *state.Runtime, o Options) *Service {
	s := &Service{rt: rt, cfg: rt.Config(), clk: rt.Clock(), log: *rt.Logger(), cat: o.Catalog, net: o.Network,
		mkt: o.Market, sched: o.Sched, drivers: o.Drivers, ebsDir: o.EBSDir, events: map[string]*eventQueue{}, where: map[string]string{}, downSince: map[string]time.Time{}}
	rt.Observe(s.removeFiles)
	for _, r := range rt.Regions() {
		s.events[r.Name] = newEventQueue()
	}
	o.Network.SetInstances(s)
	o.Market.SetHooks(market.Hooks{PricedOut: s.pricedOut, Repriced: s.fulfilSpot})
	return s
}

// Actions are the instance family's actions: EC2's, and ec2x's own
// (listings for the CLI, waits, hosts, SSH, metadata endpoints).
func (s *Service) Actions() []actions.Def {
	return []actions.Def{
		actions.New("RunInstances", actions.Public, s.RunInstances),
		actions.WithJSON(actions.New("DescribeInstances", actions.Public, s.DescribeInstances), s.DescribeInstancesJSON),
		actions.New("StartInstances", actions.Public, s.StartInstances),
		actions.New("StopInstances", actions.Public, s.StopInstances),
		actions.New("RebootInstances", actions.Public, s.RebootInstances),
		actions.New("TerminateInstances", actions.Public, s.TerminateInstances),
		actions.New("ModifyInstanceAttribute", actions.Public, s.ModifyInstanceAttribute),
		actions.New("DescribeInstanceAttribute", actions.Public, s.DescribeInstanceAttribute),
		actions.New("ResetInstanceAttribute", actions.Public, s.ResetInstanceAttribute),
		actions.New("ModifyInstanceMetadataOptions", actions.Public, s.ModifyInstanceMetadataOptions),
		actions.New("MonitorInstances", actions.Public, s.MonitorInstances),
		actions.New("UnmonitorInstances", actions.Public, s.UnmonitorInstances),
		actions.New("GetConsoleOutput", actions.Public, s.GetConsoleOutput),
		actions.New("RegisterInstanceEventNotificationAttributes", actions.Public, s.RegisterInstanceEventNotificationAttributes),
		actions.New("DeregisterInstanceEventNotificationAttributes", actions.Public, s.DeregisterInstanceEventNotificationAttributes),
		actions.New("DescribeInstanceEventNotificationAttributes", actions.Public, s.DescribeInstanceEventNotificationAttributes),
		actions.New("GetInstanceMetadataDefaults", actions.Public, s.GetInstanceMetadataDefaults),
		actions.New("EnableEbsEncryptionByDefault", actions.Public, s.EnableEbsEncryptionByDefault),
		actions.New("DisableEbsEncryptionByDefault", actions.Public, s.DisableEbsEncryptionByDefault),
		actions.New("GetEbsEncryptionByDefault", actions.Public, s.GetEbsEncryptionByDefault),
		actions.New("GetEbsDefaultKmsKeyId", actions.Public, s.GetEbsDefaultKmsKeyId),
		actions.New("ModifyEbsDefaultKmsKeyId", actions.Public, s.ModifyEbsDefaultKmsKeyId),
		actions.New("ResetEbsDefaultKmsKeyId", actions.Public, s.ResetEbsDefaultKmsKeyId),
		actions.New("EnableSnapshotBlockPublicAccess", actions.Public, s.EnableSnapshotBlockPublicAccess),
		actions.New("DisableSnapshotBlockPublicAccess", actions.Public, s.DisableSnapshotBlockPublicAccess),
		actions.New("GetSnapshotBlockPublicAccessState", actions.Public, s.GetSnapshotBlockPublicAccessState),
		actions.New("ModifyInstanceMetadataDefaults", actions.Public, s.ModifyInstanceMetadataDefaults),
		actions.New("ReportInstanceStatus", actions.Public, s.ReportInstanceStatus),
		actions.New("GetInstanceUefiData", actions.Public, s.GetInstanceUefiData),
		actions.New("GetInstanceTpmEkPub", actions.Public, s.GetInstanceTpmEkPub),
		actions.New("SendDiagnosticInterrupt", actions.Public, s.SendDiagnosticInterrupt),
		actions.New("DescribeVolumes", actions.Public, s.DescribeVolumes),
		actions.New("CreateVolume", actions.Public, s.CreateVolume),
		actions.New("DeleteVolume", actions.Public, s.DeleteVolume),
		actions.New("AttachVolume", actions.Public, s.AttachVolume),
		actions.New("DetachVolume", actions.Public, s.DetachVolume),
		actions.New("ModifyVolume", actions.Public, s.ModifyVolume),
		actions.New("DescribeVolumesModifications", actions.Public, s.DescribeVolumesModifications),
		actions.New("DescribeVolumeStatus", actions.Public, s.DescribeVolumeStatus),
		actions.New("DescribeVolumeAttribute", actions.Public, s.DescribeVolumeAttribute),
		actions.New("ModifyVolumeAttribute", actions.Public, s.ModifyVolumeAttribute),
		actions.New("EnableVolumeIO", actions.Public, s.EnableVolumeIO),
		actions.New("CreateSnapshot", actions.Public, s.CreateSnapshot),
		actions.New("CreateSnapshots", actions.Public, s.CreateSnapshots),
		actions.New("DeleteSnapshot", actions.Public, s.DeleteSnapshot),
		actions.New("DescribeSnapshots", actions.Public, s.DescribeSnapshots),
		actions.New("CopySnapshot", actions.Public, s.CopySnapshot),
		actions.New("DescribeSnapshotAttribute", actions.Public, s.DescribeSnapshotAttribute),
		actions.New("ModifySnapshotAttribute", actions.Public, s.ModifySnapshotAttribute),
		actions.New("ResetSnapshotAttribute", actions.Public, s.ResetSnapshotAttribute),
		actions.New("LockSnapshot", actions.Public, s.LockSnapshot),
		actions.New("UnlockSnapshot", actions.Public, s.UnlockSnapshot),
		actions.New("DescribeLockedSnapshots", actions.Public, s.DescribeLockedSnapshots),
		actions.New("ModifySnapshotTier", actions.Public, s.ModifySnapshotTier),
		actions.New("RestoreSnapshotTier", actions.Public, s.RestoreSnapshotTier),
		actions.New("DescribeSnapshotTierStatus", actions.Public, s.DescribeSnapshotTierStatus),
		actions.New("EnableFastSnapshotRestores", actions.Public, s.EnableFastSnapshotRestores),
		actions.New("DisableFastSnapshotRestores", actions.Public, s.DisableFastSnapshotRestores),
		actions.New("DescribeFastSnapshotRestores", actions.Public, s.DescribeFastSnapshotRestores),
		actions.New("CopyVolumes", actions.Public, s.CopyVolumes),
		actions.New("CreateReplaceRootVolumeTask", actions.Public, s.CreateReplaceRootVolumeTask),
		actions.New("DescribeReplaceRootVolumeTasks", actions.Public, s.DescribeReplaceRootVolumeTasks),
		actions.New("CreateImage", actions.Public, s.CreateImage),
		actions.New("RegisterImage", actions.Public, s.RegisterImage),
		actions.New("CopyImage", actions.Public, s.CopyImage),
		actions.New("DeregisterImage", actions.Public, s.DeregisterImage),
		actions.New("DescribeImageAttribute", actions.Public, s.DescribeImageAttribute),
		actions.New("ModifyImageAttribute", actions.Public, s.ModifyImageAttribute),
		actions.New("ResetImageAttribute", actions.Public, s.ResetImageAttribute),
		actions.New("DisableImage", actions.Public, s.DisableImage),
		actions.New("EnableImage", actions.Public, s.EnableImage),
		actions.New("EnableImageDeprecation", actions.Public, s.EnableImageDeprecation),
		actions.New("DisableImageDeprecation", actions.Public, s.DisableImageDeprecation),
		actions.New("EnableImageDeregistrationProtection", actions.Public, s.EnableImageDeregistrationProtection),
		actions.New("DisableImageDeregistrationProtection", actions.Public, s.DisableImageDeregistrationProtection),
		actions.New("CancelImageLaunchPermission", actions.Public, s.CancelImageLaunchPermission),
		actions.New("AttachImageWatermark", actions.Public, s.AttachImageWatermark),
		actions.New("DetachImageWatermark", actions.Public, s.DetachImageWatermark),
		actions.New("ReplaceImageInstanceTypeSpecification", actions.Public, s.ReplaceImageInstanceTypeSpecification),
		actions.New("GetImageAncestry", actions.Public, s.GetImageAncestry),
		actions.New("DescribeImageReferences", actions.Public, s.DescribeImageReferences),
		actions.New("DescribeInstanceImageMetadata", actions.Public, s.DescribeInstanceImageMetadata),
		actions.New("DescribeFastLaunchImages", actions.Public, s.DescribeFastLaunchImages),
		actions.New("EnableFastLaunch", actions.Public, s.EnableFastLaunch),
		actions.New("DisableFastLaunch", actions.Public, s.DisableFastLaunch),
		actions.New("GetImageFindings", actions.Public, s.GetImageFindings),
		actions.New("ModifyInstanceCpuOptions", actions.Public, s.ModifyInstanceCpuOptions),
		actions.New("ModifyInstanceMaintenanceOptions", actions.Public, s.ModifyInstanceMaintenanceOptions),
		actions.New("ModifyInstanceNetworkPerformanceOptions", actions.Public, s.ModifyInstanceNetworkPerformanceOptions),
		actions.New("ModifyPrivateDnsNameOptions", actions.Public, s.ModifyPrivateDnsNameOptions),
		actions.New("ModifyInstancePlacement", actions.Public, s.ModifyInstancePlacement),
		actions.New("AssociateIamInstanceProfile", actions.Public, s.AssociateIamInstanceProfile),
		actions.New("ReplaceIamInstanceProfileAssociation", actions.Public, s.ReplaceIamInstanceProfileAssociation),
		actions.New("DisassociateIamInstanceProfile", actions.Public, s.DisassociateIamInstanceProfile),
		actions.New("DescribeIamInstanceProfileAssociations", actions.Public, s.DescribeIamInstanceProfileAssociations),
		actions.New("DescribeInstanceStatus", actions.Public, s.DescribeInstanceStatus),
		actions.New("ModifyInstanceEventStartTime", actions.Public, s.ModifyInstanceEventStartTime),
		actions.New("DescribeInstanceTopology", actions.Public, s.DescribeInstanceTopology),
		actions.New("DescribeInstanceCreditSpecifications", actions.Public, s.DescribeInstanceCreditSpecifications),
		actions.New("ModifyInstanceCreditSpecification", actions.Public, s.ModifyInstanceCreditSpecification),
		actions.New("GetDefaultCreditSpecification", actions.Public, s.GetDefaultCreditSpecification),
		actions.New("ModifyDefaultCreditSpecification", actions.Public, s.ModifyDefaultCreditSpecification),
		actions.New("GetConsoleScreenshot", actions.Public, s.GetConsoleScreenshot),
		actions.New("GetPasswordData", actions.Public, s.GetPasswordData),
		actions.New("RequestSpotInstances", actions.Public, s.RequestSpotInstances),
		actions.New("DescribeSpotInstanceRequests", actions.Public, s.DescribeSpotInstanceRequests),
		actions.New("CancelSpotInstanceRequests", actions.Public, s.CancelSpotInstanceRequests),
		actions.New("DescribeInstanceRows", actions.Local, s.DescribeInstanceRows),
		actions.New("WaitInstances", actions.Local, s.WaitInstances),
		actions.New("DescribeHosts", actions.Local, s.DescribeHosts),
		actions.New("MaintainHost", actions.Local, s.MaintainHost),
		actions.New("DrainHost", actions.Local, s.DrainHost),
		actions.New("EvacuateHost", actions.Local, s.EvacuateHost),
		actions.New("ExplainPlacement", actions.Local, s.ExplainPlacement),
		actions.New("DescribeSSHTarget", actions.Local, s.DescribeSSHTarget),
		actions.New("DescribeInstanceMetadata", actions.Local, s.DescribeInstanceMetadata),
		actions.New("OpenInstanceMetadataEndpoint", actions.Local, s.OpenInstanceMetadataEndpoint),
	}
}

// Load reads every region's instances, client tokens and spot requests,
// and gives each instance that holds a host its share of it.
func (s *Service) Load(ctx context.Context) error {
	fresh := store.NewBatch()
	for _, r := range s.rt.Regions() {
		err := state.Load(ctx, r, Instances, func(rec *Record) error {
			rec.loaded(r.Name)
			s.where[rec.InstanceId] = r.Name
			if HoldsHost(rec.State.Name) && rec.Placement.HostId != "" && s.cfg.Types[rec.InstanceType] != nil {
				s.claim(rec.Placement.HostId, rec)
			}
			return nil
		})
		if err == nil {
			err = state.Load(ctx, r, tokens, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, SpotRequests, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, settingsTable, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, creditDefaults, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, Volumes, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, Snapshots, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, rootTasks, nil)
		}
		if err == nil {
			err = state.Load(ctx, r, hostStates, func(h *hostState) error {
				s.sched.SetDraining(h.HostId, h.Draining)
				return nil
			})
		}
		if err != nil {
			return err
		}
		ensureRoots(r, fresh.Put)
	}
	if err := s.rt.Store().Commit(ctx, fresh); err != nil {
		return fmt.Errorf("save root volumes: %w", err)
	}
	return nil
}

// Start makes the drivers agree with the store, then starts the event
// loop, the janitor and the spot notices given before a restart.
func (s *Service) Start(ctx context.Context) error {
	for region, q := range s.events {
		s.wg.Add(1)
		go s.eventLoop(region, q)
	}
	s.inspectHosts(ctx)
	if err := s.reconcile(ctx); err != nil {
		return err
	}
	if s.reportsHealth() {
		// only engines of other hosts say whether they answer: a sim or
		// qemu fleet has no timer ticking through a fake clock's days
		s.checkHealth(ctx)
		s.watchHealth()
	}
	s.scheduleJanitor()
	s.rearmNotices()
	s.rearmEvents()
	s.rearmVolumes()
	s.rearmSnapshots()
	s.rearmTasks()
	return nil
}

// Close stops the loops; the drivers are the assembly's to close.
func (s *Service) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.janitor != nil {
		s.janitor.Stop()
	}
	if s.healthTimer != nil {
		s.healthTimer.Stop()
	}
	s.mu.Unlock()
	for _, q := range s.events {
		q.close()
	}
	s.wg.Wait()
}

// regionOfInstance is the region an instance lives in, or "".
func (s *Service) regionOfInstance(id string) string {
	s.whereMu.RLock()
	defer s.whereMu.RUnlock()
	return s.where[id]
}

func (s *Service) setWhere(id, region string) {
	s.whereMu.Lock()
	s.where[id] = region
	s.whereMu.Unlock()
}

func (s *Service) forget(id string) {
	s.whereMu.Lock()
	delete(s.where, id)
	s.whereMu.Unlock()
}

// newInstanceID returns an instance ID not used in this store, in any region.
func (s *Service) newInstanceID(r *state.Region) string {
	for {
		id := r.NewID("i")
		if s.regionOfInstance(id) == "" {
			return id
		}
	}
}

// driverOf returns the driver of a host (the first driver when unknown).
func (s *Service) driverOf(hostID string) hv.Driver {
	_, d := s.driverFor(hostID)
	return d
}

// driverFor is driverOf with the driver's key in Options.Drivers.
func (s *Service) driverFor(hostID string) (string, hv.Driver) {
	if h := s.sched.Host(hostID); h != nil {
		if d := s.drivers[h.DriverKey()]; d != nil {
			return h.DriverKey(), d
		}
	}
	keys := make([]string, 0, len(s.drivers))
	for k := range s.drivers {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return "", nil
	}
	sort.Strings(keys) // the same one every time
	return keys[0], s.drivers[keys[0]]
}

// driverNames are the names of the drivers the hosts run, sorted.
func (s *Service) driverNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, d := range s.drivers {
		if !seen[d.Name()] {
			seen[d.Name()] = true
			names = append(names, d.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Driver is the driver an instance's host runs (for the monitor).
func (s *Service) Driver(r *Record) hv.Driver { return s.driverOf(r.Placement.HostId) }

// hidden reports whether a terminated instance is past its hour of visibility.
func (s *Service) hidden(r *Record) bool {
	return r.State.Name == ec2.StateTerminated &&
		s.clk.Now().Sub(r.StateSince) >= seconds(s.cfg.Lifecycle.TerminatedVisibleSeconds)
}

func seconds(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

// lookup finds every ID or fails as EC2 does: malformed IDs first, then
// every missing ID in one message.
func (s *Service) lookup(rd state.Reader, ids []string) ([]*Record, error) {
	for _, id := range ids {
		if !ec2.ValidInstanceID(id) {
			return nil, ec2.MalformedID(ec2.CodeInvalidInstanceIDMalformed, "i", id)
		}
	}
	recs := make([]*Record, 0, len(ids))
	var missing []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := get(rd, id)
		if r == nil || s.hidden(r) {
			missing = append(missing, id)
			continue
		}
		recs = append(recs, r)
	}
	if len(missing) > 0 {
		return nil, notFound(missing)
	}
	return recs, nil
}

// gather is what a Describe* over instances starts from: the instances
// ids names (lookup's rules), else every visible one that keep accepts
// (nil: all of them).
func (s *Service) gather(r *state.Region, ids []string, keep func(*Record) bool) ([]*Record, error) {
	if len(ids) > 0 {
		return s.lookup(r, ids)
	}
	var out []*Record
	for _, rec := range state.Published(r, Instances) {
		if !s.hidden(rec) && (keep == nil || keep(rec)) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// one finds one instance, as lookup does.
func (s *Service) one(rd state.Reader, id string) (*Record, error) {
	recs, err := s.lookup(rd, []string{id})
	if err != nil {
		return nil, err
	}
	return recs[0], nil
}

// readOne finds one instance and its host's driver under the region's
// read lock (for calls that then talk to the driver without it).
func (s *Service) readOne(region, id string) (*Record, hv.Driver, error) {
	var rec *Record
	err := s.viewOne(region, id, func(_ state.Reader, r *Record) error { rec = r; return nil })
	if err != nil {
		return nil, nil, err
	}
	return rec, s.driverOf(rec.Placement.HostId), nil
}

// viewOne finds one instance and runs f with it under the region's read
// lock, failing as EC2 does for a bad ID.
func (s *Service) viewOne(region, id string, f func(rd state.Reader, r *Record) error) error {
	rg, err := s.rt.Region(region)
	if err != nil {
		return err
	}
	rg.RLock()
	defer rg.RUnlock()
	r, err := s.one(rg, id)
	if err != nil {
		return err
	}
	return f(rg, r)
}

func notFound(ids []string) error {
	if len(ids) == 1 {
		return ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound, "The instance ID '%s' does not exist", ids[0])
	}
	return ec2.Errorf(ec2.CodeInvalidInstanceIDNotFound, "The instance IDs '%s' do not exist", joinIDs(ids))
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ", "
		}
		out += id
	}
	return out
}

func incorrectState(r *Record, verb string) error {
	return ec2.Errorf(ec2.CodeIncorrectInstanceState, "The instance '%s' is not in a state from which it can be %s (it is %s).", r.InstanceId, verb, r.State.Name)
}

// Instance implements network.Instances.
func (s *Service) Instance(rd state.Reader, id string) (network.Instance, error) {
	r, err := s.one(rd, id)
	if err != nil {
		return network.Instance{}, err
	}
	return network.Instance{ID: r.InstanceId, State: r.State.Name, Type: r.InstanceType, Zone: r.Placement.AvailabilityZone, ENIs: r.Enis}, nil
}

// SetInterfaces implements network.Instances.
func (s *Service) SetInterfaces(tx *state.Tx, id string, enis []string) {
	if r := get(tx, id); r != nil {
		n := r.clone()
		n.Enis = enis
		s.put(tx, n)
	}
}

// Hotplug implements network.Instances: the guest gets the NIC (or loses
// it) once the change is durable. A stopped guest is told too: starting it
// again on the same driver does not create it afresh from the records, so
// only the driver can make its next boot see the change.
func (s *Service) Hotplug(tx *state.Tx, id string, nic hv.NIC, attach bool) {
	r := get(tx, id)
	if r == nil {
		return
	}
	switch r.State.Name {
	case ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped:
	default:
		return
	}
	d := s.driverOf(r.Placement.HostId)
	hp, ok := d.(hv.NICHotPlugger)
	if !ok || !d.Capabilities().HotPlugNIC {
		return
	}
	tx.After(func(ctx context.Context) {
		var err error
		if attach {
			err = hp.AttachNIC(ctx, id, nic)
		} else {
			err = hp.DetachNIC(ctx, id, nic.ID)
		}
		if err != nil {
			s.log.Error().Err(err).Str("instance", id).Msg("driver call failed")
		}
	})
}

// driverCall is a driver request to make once a change is durable.
type driverCall func(ctx context.Context) error

// after runs driver calls once tx is durable, logging failures.
func (s *Service) after(tx *state.Tx, calls ...driverCall) {
	for _, call := range calls {
		tx.After(func(ctx context.Context) {
			if err := call(ctx); err != nil {
				s.log.Error().Err(err).Msg("driver call failed")
			}
		})
	}
}

// driverFailed turns a driver error into the instance's end, as EC2 does
// when a launch fails inside the service.
func (s *Service) driverFailed(id, op string, err error) {
	s.log.Error().Err(err).Str("instance", id).Str("op", op).Msg("driver failed")
	s.Push(hv.Event{ID: id, State: hv.StateDestroyed, At: s.clk.Now(), Reason: fmt.Sprintf("%s failed: %v", op, err)})
}

func (s *Service) scheduleJanitor() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.janitor = s.clk.AfterFunc(time.Minute, func() {
		s.purgeTerminated(context.Background())
		s.scheduleJanitor()
	})
}

// HostDriver is the driver a host runs (the first driver for a host it
// does not know).
func (s *Service) HostDriver(hostID string) hv.Driver { return s.driverOf(hostID) }
