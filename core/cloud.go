// Package core assembles ec2x's EC2 service from its families: one state
// runtime (every region's records, a lock per region), the families that
// own them (catalog, keypair, network, market, instance, billing,
// monitor, tagging), the hypervisor drivers, and the one action table
// every front end serves. The daemon (core/daemon) adds the listeners.
package core

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/billing"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/keypair"
	"github.com/ec2x/ec2x/core/market"
	"github.com/ec2x/ec2x/core/monitor"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/sched"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/core/tagging"
	"github.com/ec2x/ec2x/core/template"
	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/vpcnet"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/ec2x/ec2x/plugins"
	pricingwasm "github.com/ec2x/ec2x/pricing-wasm"
	"github.com/rs/zerolog"
)

// Options configure a Cloud.
type Options struct {
	Config *configs.Config
	Store  *store.Store
	Clock  clock.Clock
	Logger zerolog.Logger
	// DriverDir is where drivers may keep files (qemu disks, sockets).
	DriverDir string
	// Fatal is called when a commit fails after memory changed; the daemon
	// exits and restarts from the store. Defaults to panic.
	Fatal func(error)
	// Seed fixes ID and address randomness (tests); 0 means random.
	Seed uint64
	// Pricer prices spot and reserved capacity; nil leaves them off.
	Pricer market.Pricer
	// Plugins and PricingHost, when set, serve the plugin actions (install,
	// list, remove, test) and reload modules the configuration uses.
	Plugins     *plugins.Manager
	PricingHost *pricingwasm.Host
	// Fabric is the private network of real guests (nil: none, and
	// GuestNetwork says why); the drivers plug their guests into it.
	Fabric       *vpcnet.Fabric
	GuestNetwork string
}

// The families' services under names of their own, so that Cloud can
// embed them all (an embedded field is named after its type).
type (
	catalogs  = catalog.Catalog
	keypairs  = keypair.Service
	networks  = network.Service
	markets   = market.Service
	instances = instance.Service
	billings  = billing.Service
	monitors  = monitor.Service
	taggings  = tagging.Service
	templates = template.Service
)

// Cloud is the EC2 service: the families, assembled. Their actions are
// its methods (through embedding) and its action table.
type Cloud struct {
	*catalogs
	*keypairs
	*networks
	*markets
	*instances
	*billings
	*monitors
	*taggings
	*templates

	rt      *state.Runtime
	sched   *sched.Scheduler
	drivers map[string]hv.Driver
	table   *actions.Table
}

// Open loads every record from the store, reconciles the drivers with it
// and starts the background loops.
func Open(ctx context.Context, o Options) (*Cloud, error) {
	seed := o.Seed
	if seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	rt := state.New(state.Options{Config: o.Config, Store: o.Store, Clock: o.Clock, Logger: o.Logger, Seed: seed, Fatal: o.Fatal})
	c := &Cloud{rt: rt, sched: sched.New(o.Config), drivers: map[string]hv.Driver{}}
	cat := catalog.New(o.Config, rt)
	keys := keypair.New(rt)
	net := network.New(rt)
	mkt := market.New(rt, market.Options{Catalog: cat, Sched: c.sched, Pricer: o.Pricer, Plugins: o.Plugins, PricingHost: o.PricingHost})
	var ebsDir string
	if o.DriverDir != "" {
		ebsDir = filepath.Join(o.DriverDir, "ebs")
	}
	inst := instance.New(rt, instance.Options{Catalog: cat, Network: net, Market: mkt, Sched: c.sched, Drivers: c.drivers, EBSDir: ebsDir})
	bill := billing.New(rt, cat, inst, mkt)
	mon := monitor.NewService(rt, inst)
	lt := template.New(rt, template.Options{Catalog: cat})
	inst.SetTemplates(lt)
	kinds := append(append(append(net.Tags(), inst.Tags()...), cat.Tags()...), keys.Tags(), lt.Tags(), mkt.Tags())
	tags := tagging.New(rt, kinds...)
	c.catalogs, c.keypairs, c.networks, c.markets = cat, keys, net, mkt
	c.instances, c.billings, c.monitors, c.taggings, c.templates = inst, bill, mon, tags, lt
	c.table = table(cat, keys, net, mkt, inst, bill, mon, tags, lt)

	// Load in dependency order: the address books before the interfaces
	// and instances that hold addresses.
	for _, load := range []func(context.Context) error{cat.Load, net.Load, keys.Load, mkt.Load, inst.Load, bill.Load, lt.Load} {
		if err := load(ctx); err != nil {
			return nil, err
		}
	}
	if err := c.openDrivers(ctx, o, inst.Push); err != nil {
		return nil, err
	}
	if err := inst.Start(ctx); err != nil {
		_ = c.Close(ctx)
		return nil, err
	}
	mon.Start(ctx)
	mkt.Start()
	return c, nil
}

func (c *Cloud) openDrivers(ctx context.Context, o Options, notify func(hv.Event)) error {
	cfg := o.Config
	for _, h := range cfg.Hosts {
		key := sched.DriverKey(h.Driver, h.URI)
		if c.drivers[key] != nil {
			continue
		}
		d, err := hv.Open(ctx, h.Driver, hv.Options{
			Clock: c.rt.Clock(), Seed: cfg.Sim.Seed,
			Boot:   seconds(cfg.Sim.BootSeconds),
			Stop:   seconds(cfg.Sim.StopSeconds),
			Dir:    o.DriverDir,
			Logger: o.Logger.With().Str("driver", h.Driver).Logger(),
			Notify: notify,
			Fabric: o.Fabric, GuestNetwork: o.GuestNetwork,
			// one driver per name, and per host for libvirt
			URI: h.URI,
		})
		if err != nil {
			return fmt.Errorf("open driver %s: %w", h.Driver, err)
		}
		c.drivers[key] = d
	}
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// table is the one list of every family's actions.
func table(cat *catalogs, keys *keypairs, net *networks, mkt *markets, inst *instances, bill *billings, mon *monitors, tags *taggings, lt *templates) *actions.Table {
	return actions.NewTable(cat.Actions(), keys.Actions(), net.Actions(), mkt.Actions(), inst.Actions(), bill.Actions(), mon.Actions(), tags.Actions(), lt.Actions())
}

// ActionTable is every action, bound to no service: for tools that read
// the table's names, types and exposure (the EC2 name generator, the
// exposure test). Calling one of its actions panics.
func ActionTable() *actions.Table { return table(nil, nil, nil, nil, nil, nil, nil, nil, nil) }

// Actions is the action table of every family.
func (c *Cloud) Actions() *actions.Table { return c.table }

// Runtime is the state the families share (tests read it).
func (c *Cloud) Runtime() *state.Runtime { return c.rt }

// Config returns the configuration the Cloud runs with.
func (c *Cloud) Config() *configs.Config { return c.rt.Config() }

// Now is the time on the Cloud's clock.
func (c *Cloud) Now() time.Time { return c.rt.Clock().Now() }

// Close stops the background loops and the drivers. It does not close the store.
func (c *Cloud) Close(ctx context.Context) error {
	c.markets.Close()
	c.monitors.Close()
	c.instances.Close()
	var errs []error
	for _, d := range c.drivers {
		errs = append(errs, d.Close(ctx))
	}
	return errors.Join(errs...)
}
