package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
)

// region is one region as written to regions.toml and catalog.json.
type region struct {
	Name, Description, OptIn string
	Zones, ZoneIDs           []string
	PublicPool, LocalPool    string
	DefaultImage             string
	offers                   map[string]string // type -> zone letters
}

// original is the regions ec2x had before the full catalogue, with the
// zones and pools their stores were made with: kept, so nothing stored
// moves (a default VPC has one subnet per zone it was made with).
var original = map[string]region{
	"us-east-1":      {Zones: []string{"a", "b", "c"}, PublicPool: "198.18.0.0/18", LocalPool: "127.18.0.0/18"},
	"us-west-2":      {Zones: []string{"a", "b", "c"}, PublicPool: "198.18.64.0/18", LocalPool: "127.18.64.0/18"},
	"eu-west-1":      {Zones: []string{"a", "b", "c"}, PublicPool: "198.18.128.0/18", LocalPool: "127.18.128.0/18"},
	"ap-northeast-1": {Zones: []string{"a", "c", "d"}, PublicPool: "198.18.192.0/18", LocalPool: "127.18.192.0/18"},
}

// optInFree is the regions every account has: those EC2 opened before
// 20 March 2019 ("Specify which AWS Regions your account can use" in the
// AWS Account Management guide); later ones must be opted into.
var optInFree = map[string]bool{
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
	"ap-south-1": true, "ap-northeast-1": true, "ap-northeast-2": true, "ap-northeast-3": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ca-central-1": true, "eu-central-1": true,
	"eu-west-1": true, "eu-west-2": true, "eu-west-3": true, "eu-north-1": true, "sa-east-1": true,
}

var (
	zoneRe = regexp.MustCompile(`Zone\(\s*region_name="([a-z0-9-]+)",\s*name="([a-z0-9-]+)",\s*zone_id="([a-z0-9-]+)"`)
)

// regions reads every commercial region EC2 publishes offerings for.
func (g *gen) regions(types map[string]*Type) ([]*region, error) {
	desc, err := g.partitionRegions()
	if err != nil {
		return nil, err
	}
	py, err := g.moto.read(motoZones)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{} // zone name -> zone ID, where the table has it
	for _, z := range zoneRe.FindAllSubmatch(py, -1) {
		ids[string(z[2])] = string(z[3])
	}
	files, err := g.moto.list(motoOfferings + "/region")
	if err != nil {
		return nil, err
	}
	var out []*region
	for _, f := range files {
		name := strings.TrimSuffix(f, ".json")
		if desc[name] == "" {
			continue // not a commercial region
		}
		r := &region{Name: name, Description: desc[name], OptIn: "not-opted-in", DefaultImage: "amazon-linux-2023"}
		if optInFree[name] {
			r.OptIn = "opt-in-not-required"
		}
		if err := g.zones(r, ids, types); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, pools(out)
}

type offering struct{ InstanceType, Location string }

func (g *gen) offerings(kind, region string) ([]offering, error) {
	data, err := g.moto.read(motoOfferings + "/" + kind + "/" + region + ".json")
	if err != nil {
		return nil, err
	}
	var offs []offering
	return offs, json.Unmarshal(data, &offs)
}

// zones reads a region's zones, their IDs and what each offers.
func (g *gen) zones(r *region, ids map[string]string, types map[string]*Type) error {
	byName, err := g.offerings("availability-zone", r.Name)
	if err != nil {
		return err
	}
	byID, err := g.offerings("availability-zone-id", r.Name)
	if err != nil {
		return err
	}
	names, zids := locations(byName), locations(byID)
	if len(names) != len(zids) {
		return fmt.Errorf("%s: %d zone names but %d zone IDs", r.Name, len(names), len(zids))
	}
	// The table maps some zones; the rest pair in order, as EC2's
	// default mapping does.
	used := map[string]bool{}
	for _, n := range names {
		used[ids[n]] = true
	}
	var free []string
	for _, id := range zids {
		if !used[id] {
			free = append(free, id)
		}
	}
	keep := map[string]bool{}
	if o, ok := original[r.Name]; ok {
		for _, z := range o.Zones {
			keep[r.Name+z] = true
		}
		r.PublicPool, r.LocalPool = o.PublicPool, o.LocalPool
	}
	for _, n := range names {
		id := ids[n]
		if id == "" || !contains(zids, id) {
			if len(free) == 0 {
				return fmt.Errorf("%s: no zone ID left for %s", r.Name, n)
			}
			id, free = free[0], free[1:]
		}
		if len(keep) > 0 && !keep[n] {
			continue
		}
		r.Zones, r.ZoneIDs = append(r.Zones, n), append(r.ZoneIDs, id)
	}
	r.offers = map[string]string{}
	for _, o := range byName {
		if types[o.InstanceType] != nil && contains(r.Zones, o.Location) {
			r.offers[o.InstanceType] += strings.TrimPrefix(o.Location, r.Name)
		}
	}
	for t, z := range r.offers {
		b := []byte(z)
		sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
		r.offers[t] = string(b)
	}
	return nil
}

func locations(offs []offering) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range offs {
		if !seen[o.Location] {
			seen[o.Location] = true
			out = append(out, o.Location)
		}
	}
	sort.Strings(out)
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

// pools gives each new region a /21 of 198.19.0.0/16 (the upper half of
// RFC 2544's 198.18.0.0/15; the original regions have the lower half) and
// a /21 of 127.19.0.0/16 for real guests.
func pools(regions []*region) error {
	pub, loc := netip.MustParseAddr("198.19.0.0"), netip.MustParseAddr("127.19.0.0")
	n := 0
	for _, r := range regions {
		if r.PublicPool != "" {
			continue
		}
		if n >= 32 {
			return fmt.Errorf("more than 32 new regions: 198.19.0.0/16 holds 32 /21s")
		}
		r.PublicPool = offset(pub, n*2048).String() + "/21"
		r.LocalPool = offset(loc, n*2048).String() + "/21"
		n++
	}
	return nil
}

func offset(a netip.Addr, n int) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(n)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// regionsTOML is configs/regions.toml.
func regionsTOML(regions []*region, source string) []byte {
	var b strings.Builder
	b.WriteString(`# Code generated by configs/internal/gencatalog; DO NOT EDIT (go generate ./configs).
# Regions and their zones: every commercial region EC2 publishes offerings for,
# with zone IDs and opt-in status (not-opted-in regions are listed by
# DescribeRegions only with AllRegions; set opt_in = "opted-in" in your
# config.toml to list them always). Each region has a default VPC (vpc_cidr)
# with one default subnet of /subnet_prefix per zone, and a public IPv4 pool:
# disjoint slices of 198.18.0.0/15 (RFC 2544 benchmark space; the first four
# regions' /18s are kept as they were). A region whose hosts run real guests
# (driver = "qemu") hands out addresses from local_pool instead: slices of
# 127.18.0.0/15, which Linux routes to this machine's loopback.
`)
	fmt.Fprintf(&b, "# Source: %s\n", source)
	for _, r := range regions {
		fmt.Fprintf(&b, "\n[regions.%s]\ndescription = %q\nopt_in = %q\nzones = %s\nzone_ids = %s\npublic_pool = %q\nlocal_pool = %q\nvpc_cidr = \"172.31.0.0/16\"\nsubnet_prefix = 20\n",
			r.Name, r.Description, r.OptIn, quoteList(r.Zones), quoteList(r.ZoneIDs), r.PublicPool, r.LocalPool)
		if r.DefaultImage != "" {
			fmt.Fprintf(&b, "default_image = %q\n", r.DefaultImage)
		}
	}
	return []byte(b.String())
}

// hostsTOML is configs/hosts.toml: four sim hosts in every zone, serving
// every family.
func hostsTOML(regions []*region) []byte {
	var b strings.Builder
	b.WriteString(`# Code generated by configs/internal/gencatalog; DO NOT EDIT (go generate ./configs).
# The sim host fleet. Each [[hosts]] entry adds ` + "`count`" + ` identical hosts to a
# zone; the scheduler places guests on them. cpu_overcommit and mem_overcommit
# are allocation ratios, as Nova's are. No families: every family is served.
`)
	for _, r := range regions {
		for _, z := range r.Zones {
			fmt.Fprintf(&b, "\n[[hosts]]\nzone = %q\ncount = 4\nvcpus = 96\nmemory_gib = 768\ncpu_overcommit = 4.0\nmem_overcommit = 1.0\n", z)
		}
	}
	return []byte(b.String())
}
