package core

import (
	"net/netip"
	"slices"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/netw"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/hv"
)

// regionState is a region's records and address books as the invariant
// checks read them: the families' published tables, seen under the
// region's read lock (view takes it).
type regionState struct {
	name      string
	cfg       *configs.Region
	net       *netw.Region
	instances map[string]*instance.Record
	enis      map[string]*network.ENI
	eips      map[string]*network.Address
	sgs       map[string]*network.Group
	spotReqs  map[string]*ec2.SpotInstanceRequest
}

// view read-locks a region and returns its records; call unlock when done.
func (e *env) view(region string) (rs *regionState, unlock func()) {
	e.t.Helper()
	r, err := e.c.Runtime().Region(region)
	if err != nil {
		e.t.Fatal(err)
	}
	r.RLock()
	return &regionState{name: r.Name, cfg: r.Cfg, net: e.c.AddressBook(r),
		instances: state.Published(r, instance.Instances), enis: state.Published(r, network.Interfaces),
		eips: state.Published(r, network.Addresses), sgs: state.Published(r, network.Groups),
		spotReqs: state.Published(r, instance.SpotRequests)}, r.RUnlock
}

// net is a region's address plane (its subnets are fixed: read without a lock).
func (e *env) net(region string) *netw.Region {
	rs, unlock := e.view(region)
	defer unlock()
	return rs.net
}

func (rs *regionState) zoneOf(subnetID string) string {
	if s := rs.net.SubnetByID(subnetID); s != nil {
		return s.Zone
	}
	return ""
}

// driverOf is the driver a host runs.
func (e *env) driverOf(hostID string) hv.Driver { return e.c.HostDriver(hostID) }

// driverFailed reports a guest lost to a driver failure, as the instance
// family does when a driver call fails.
func (e *env) driverFailed(id, op string, err error) {
	e.c.Push(hv.Event{ID: id, State: hv.StateDestroyed, At: e.clk.Now(), Reason: op + " failed: " + err.Error()})
}

// spotNow is the current spot price of a type in a zone.
func (e *env) spotNow(region, zone, typ string) float64 {
	r, err := e.c.Runtime().Region(region)
	if err != nil {
		e.t.Fatal(err)
	}
	r.RLock()
	defer r.RUnlock()
	return e.c.SpotPrice(r, zone, typ)
}

// Reservation terms in seconds, as EC2 gives them.
const (
	year1 = 31536000
	year3 = 94608000
)

func firstOr(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
