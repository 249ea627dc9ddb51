package core

import (
	"context"
	"net/netip"

	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
)

// tx collects what one request changes in a region: new versions of
// records, deletions, and how to undo the claims made on the way (hosts,
// addresses). Nothing is visible until publish; rollback undoes the claims
// when the request fails or would not fit one transaction. Call everything
// with c.mu held for writing.
type tx struct {
	c    *Cloud
	rs   *regionState
	inst map[string]*instRecord
	eni  map[string]*eniRecord // nil value: delete
	eip  map[string]*eipRecord // nil value: delete
	sg   map[string]*sgRecord  // nil value: delete
	key  map[string]*keyRecord // by key name
	// order keeps writes in the order made, for a deterministic batch.
	order []txKey
	undo  []func()
	// use overlays the region's open metered stretches (nil: closed here).
	use map[string]int64
	// other are writes of kinds without a map here (spot requests,
	// reservations, usage): each with how to publish it.
	other []otherWrite
}

type otherWrite struct {
	key     []byte
	val     any // nil: delete
	publish func()
}

type txKey struct {
	kind, id string
}

func (c *Cloud) newTx(rs *regionState) *tx {
	return &tx{c: c, rs: rs, inst: map[string]*instRecord{}, eni: map[string]*eniRecord{},
		eip: map[string]*eipRecord{}, sg: map[string]*sgRecord{}, key: map[string]*keyRecord{}}
}

func (t *tx) touch(kind, id string, seen bool) {
	if !seen {
		t.order = append(t.order, txKey{kind, id})
	}
}

// instance returns the current version of an instance (nil if unknown).
func (t *tx) instance(id string) *instRecord {
	if r, ok := t.inst[id]; ok {
		return r
	}
	return t.rs.instances[id]
}

// iface returns the current version of an interface (nil if none).
func (t *tx) iface(id string) *eniRecord {
	if e, ok := t.eni[id]; ok {
		return e
	}
	return t.rs.enis[id]
}

// address returns the current version of an allocation (nil if none).
func (t *tx) address(id string) *eipRecord {
	if e, ok := t.eip[id]; ok {
		return e
	}
	return t.rs.eips[id]
}

// group returns the current version of a security group (nil if none).
func (t *tx) group(id string) *sgRecord {
	if g, ok := t.sg[id]; ok {
		return g
	}
	return t.rs.sgs[id]
}

func (t *tx) putInstance(r *instRecord) {
	t.meterInstance(t.instance(r.InstanceId), r)
	_, seen := t.inst[r.InstanceId]
	t.inst[r.InstanceId] = r
	t.touch(store.KindInstance, r.InstanceId, seen)
}

func (t *tx) putIface(e *eniRecord) {
	_, seen := t.eni[e.NetworkInterfaceId]
	t.eni[e.NetworkInterfaceId] = e
	t.touch(store.KindENI, e.NetworkInterfaceId, seen)
}

func (t *tx) deleteIface(id string) {
	_, seen := t.eni[id]
	t.eni[id] = nil
	t.touch(store.KindENI, id, seen)
}

func (t *tx) putAddress(e *eipRecord) {
	_, seen := t.eip[e.AllocationId]
	t.eip[e.AllocationId] = e
	t.touch(store.KindEIP, e.AllocationId, seen)
}

func (t *tx) deleteAddress(id string) {
	_, seen := t.eip[id]
	t.eip[id] = nil
	t.touch(store.KindEIP, id, seen)
}

func (t *tx) putGroup(g *sgRecord) {
	_, seen := t.sg[g.GroupId]
	t.sg[g.GroupId] = g
	t.touch(store.KindGroup, g.GroupId, seen)
}

func (t *tx) deleteGroup(id string) {
	_, seen := t.sg[id]
	t.sg[id] = nil
	t.touch(store.KindGroup, id, seen)
}

func (t *tx) putKey(k *keyRecord) {
	_, seen := t.key[k.KeyName]
	t.key[k.KeyName] = k
	t.touch(store.KindKeyPair, k.KeyName, seen)
}

// putOther adds a write of another kind of record; publish makes it
// visible in memory once the change is committed.
func (t *tx) putOther(key []byte, val any, publish func()) {
	t.other = append(t.other, otherWrite{key, val, publish})
}

// onRollback registers how to undo a claim.
func (t *tx) onRollback(f func()) { t.undo = append(t.undo, f) }

// claimPublic takes a public IP from the pool, undone on rollback.
func (t *tx) claimPublic() (netip.Addr, error) {
	a, err := t.rs.net.Public().Allocate(t.c.rng)
	if err != nil {
		return a, ec2.Errorf(ec2.CodeInsufficientAddressCapacity, "The public IPv4 pool of %s is exhausted", t.rs.name)
	}
	t.onRollback(func() { t.rs.net.Public().Release(a) })
	// Every public address is billed from the pool to its return.
	t.openUse(billing.Segment{Kind: billing.KindIPv4, Key: a.String(), Start: t.c.clk.Now()})
	return a, nil
}

// freePublic returns a public IP to the pool, undone on rollback.
func (t *tx) freePublic(s string) {
	a := mustAddr(s)
	t.rs.net.Public().Release(a)
	t.onRollback(func() { _ = t.rs.net.Public().Reserve(a) })
	t.closeUse(billing.Segment{Kind: billing.KindIPv4, Key: s}, t.c.clk.Now())
}

// claimPrivate takes a private IP in a subnet (a given one, or any free one).
func (t *tx) claimPrivate(subnetID, want string) (string, error) {
	sub := t.rs.net.SubnetByID(subnetID)
	if sub == nil {
		return "", ec2.Errorf(ec2.CodeInvalidSubnetIDNotFound, "The subnet ID '%s' does not exist", subnetID)
	}
	var a netip.Addr
	if want == "" {
		var err error
		if a, err = sub.Allocate(t.c.rng); err != nil {
			return "", ec2.Errorf(ec2.CodeInsufficientFreeAddressesInSubnet, "The specified subnet %s does not have enough free addresses to satisfy the request.", subnetID)
		}
	} else {
		p, err := netip.ParseAddr(want)
		if err != nil || !p.Is4() {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Invalid IPv4 address: %s", want)
		}
		if !sub.Cidr.Contains(p) {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Address %s does not fall within the subnet's address range (%s)", want, sub.Cidr)
		}
		if !sub.Usable(p) {
			return "", ec2.Errorf(ec2.CodeInvalidParameterValue, "Address %s is reserved by the subnet", want)
		}
		if err := sub.Reserve(p); err != nil {
			return "", ec2.Errorf(ec2.CodeInvalidIPAddressInUse, "Address %s is in use.", want)
		}
		a = p
	}
	t.onRollback(func() { sub.Release(a) })
	return a.String(), nil
}

// freePrivate returns a private IP to its subnet, undone on rollback.
func (t *tx) freePrivate(subnetID, s string) {
	sub := t.rs.net.SubnetByID(subnetID)
	if sub == nil {
		return
	}
	a := mustAddr(s)
	sub.Release(a)
	t.onRollback(func() { _ = sub.Reserve(a) })
}

// batch is the transaction that makes every change durable.
func (t *tx) batch() *store.Batch {
	b := store.NewBatch()
	region := t.rs.name
	for _, k := range t.order {
		switch k.kind {
		case store.KindInstance:
			b.Put(store.InstanceKey(region, k.id), t.inst[k.id])
		case store.KindENI:
			if e := t.eni[k.id]; e != nil {
				b.Put(store.ENIKey(region, k.id), e)
			} else {
				b.Delete(store.ENIKey(region, k.id))
			}
		case store.KindEIP:
			if e := t.eip[k.id]; e != nil {
				b.Put(store.EIPKey(region, k.id), e)
			} else {
				b.Delete(store.EIPKey(region, k.id))
			}
		case store.KindKeyPair:
			b.Put(store.KeyPairKey(region, k.id), t.key[k.id])
		case store.KindGroup:
			if g := t.sg[k.id]; g != nil {
				b.Put(store.GroupKey(region, k.id), g)
			} else {
				b.Delete(store.GroupKey(region, k.id))
			}
		}
	}
	for _, w := range t.other {
		if w.val == nil {
			b.Delete(w.key)
		} else {
			b.Put(w.key, w.val)
		}
	}
	return b
}

// empty reports whether nothing changed.
func (t *tx) empty() bool { return len(t.order) == 0 && len(t.other) == 0 }

// publish makes the changes visible in memory.
func (t *tx) publish() {
	for id, r := range t.inst {
		t.rs.instances[id] = r
		t.c.where[id] = t.rs
	}
	for id, e := range t.eni {
		if e == nil {
			delete(t.rs.enis, id)
		} else {
			t.rs.enis[id] = e
		}
	}
	for id, e := range t.eip {
		if e == nil {
			delete(t.rs.eips, id)
		} else {
			t.rs.eips[id] = e
		}
	}
	for name, k := range t.key {
		t.rs.keys[name] = k
	}
	for _, w := range t.other {
		if w.publish != nil {
			w.publish()
		}
	}
	for id, g := range t.sg {
		if g == nil {
			delete(t.rs.sgs, id)
		} else {
			t.rs.sgs[id] = g
		}
	}
}

// savepoint marks the claims made so far, for rollbackTo.
func (t *tx) savepoint() int { return len(t.undo) }

// rollbackTo undoes the claims made since the savepoint (records put since
// must not be kept either: the caller drops them).
func (t *tx) rollbackTo(sp int) {
	for i := len(t.undo) - 1; i >= sp; i-- {
		t.undo[i]()
	}
	t.undo = t.undo[:sp]
}

// rollback undoes every claim, newest first.
func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// commitTx checks the change fits one transaction, publishes it and
// queues it; the returned func waits until it is durable. On error nothing
// changed. Call with c.mu held for writing.
func (c *Cloud) commitTx(ctx context.Context, t *tx) (func() error, error) {
	b := t.batch()
	if !b.Fits() {
		t.rollback()
		return nil, tooBig(b)
	}
	t.publish()
	return c.commitLocked(ctx, b), nil
}
