package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ec2infoData is the file of github.com/cristim/ec2-instances-info that
// holds ec2instances.info's data: per type, per region, per platform.
const ec2infoData = "data/instances.json"

// ec2info is the module directory of github.com/cristim/ec2-instances-info
// (in GOMODCACHE after go mod download) and its version.
type ec2info struct{ dir, version string }

// pseudoDateRe finds the timestamp of a Go pseudo-version.
var pseudoDateRe = regexp.MustCompile(`-(\d{4})(\d{2})(\d{2})\d{6}-[0-9a-f]{12}$`)

// describe names the module and version, and the date of its data.
func (e ec2info) describe() (string, error) {
	m := pseudoDateRe.FindStringSubmatch(e.version)
	if m == nil {
		return "", fmt.Errorf("-ec2info-version %q: want a pseudo-version (v0.0.0-yyyymmddhhmmss-commit), whose date is the data's", e.version)
	}
	return fmt.Sprintf("github.com/cristim/ec2-instances-info@%s %s (ec2instances.info's data of %s-%s-%s)",
		e.version, ec2infoData, m[1], m[2], m[3]), nil
}

// linuxPrices reads each type's Linux on-demand price in each region.
func (e ec2info) linuxPrices() (map[string]map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(e.dir, ec2infoData))
	if err != nil {
		return nil, err
	}
	var doc []struct {
		InstanceType string `json:"instance_type"`
		Pricing      map[string]struct {
			Linux struct {
				OnDemand string `json:"ondemand"`
			} `json:"linux"`
		} `json:"pricing"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", ec2infoData, err)
	}
	out := map[string]map[string]string{}
	for _, it := range doc {
		for r, p := range it.Pricing {
			v, err := strconv.ParseFloat(p.Linux.OnDemand, 64)
			if err != nil || v <= 0 {
				continue // no Linux on-demand price there
			}
			if out[it.InstanceType] == nil {
				out[it.InstanceType] = map[string]string{}
			}
			out[it.InstanceType][r] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return out, nil
}

// regionalTally counts what applyRegional did.
type regionalTally struct {
	taken int      // (type, region) prices taken from the source
	stale []string // types whose us-east-1 price changed since the source
}

// applyRegional gives each type the source's Linux on-demand price in
// every region that offers it but us-east-1, whose price list (the
// karpenter one) is newer. A type whose us-east-1 price in the source is
// not the newer list's had its price changed since: its regional figures
// are of the old price list, and it takes none of them.
func applyRegional(types map[string]*Type, regions []*region, src map[string]map[string]string) regionalTally {
	var tally regionalTally
	for name, t := range types {
		sp := src[name]
		if sp == nil {
			continue
		}
		if now, then := t.Price[usEast1], sp[usEast1]; now != "" && then != "" && !samePrice(now, then) {
			tally.stale = append(tally.stale, name)
			continue
		}
		for _, r := range regions {
			if r.Name == usEast1 || r.offers[name] == "" || sp[r.Name] == "" {
				continue
			}
			if t.Price == nil {
				t.Price = map[string]string{}
			}
			t.Price[r.Name] = sp[r.Name]
			tally.taken++
		}
	}
	sort.Strings(tally.stale)
	return tally
}

// copiedPrices counts the (type, region) pairs offered with no price of
// their own: configs charges us-east-1's there (unpriced: not even that).
func copiedPrices(types map[string]*Type, regions []*region) (copied, unpriced int) {
	for _, r := range regions {
		for name := range r.offers {
			t := types[name]
			if t == nil || t.Price[r.Name] != "" {
				continue
			}
			if t.Price[usEast1] != "" {
				copied++
			} else {
				unpriced++
			}
		}
	}
	return copied, unpriced
}

// moduleVersion is the version in a module cache directory's name
// (".../name@version"), or "".
func moduleVersion(dir string) string {
	_, v, _ := strings.Cut(filepath.Base(filepath.Clean(dir)), "@")
	return v
}
