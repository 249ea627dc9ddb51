// Command genzones writes configs/zones.json, the Local Zones and
// Wavelength Zones of each region, from a git clone of
// github.com/infracost/infracost: internal/hcl/zones_aws.go holds, per
// region, the names, zone IDs and group names EC2's
// DescribeAvailabilityZones answered with AllAvailabilityZones. Run it
// with go generate ./configs (configs/zones.go says how).
//
// The zone type and network border group follow from the names as EC2
// forms them: a Wavelength Zone's name has "-wl" and a digit after the
// region and is its own network border group; a Local Zone's group is its
// network border group. Parent zones are not in the data and are left
// out: ec2x picks them (configs.LocalZone.Parent says how).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

const zonesGo = "internal/hcl/zones_aws.go"

// zone is one entry of zones.json.
type zone struct {
	Region             string `json:"Region"`
	ZoneName           string `json:"ZoneName"`
	ZoneID             string `json:"ZoneId"`
	ZoneType           string `json:"ZoneType"`
	GroupName          string `json:"GroupName"`
	NetworkBorderGroup string `json:"NetworkBorderGroup"`
}

// doc is zones.json.
type doc struct {
	Source string `json:"Source"`
	Zones  []zone `json:"Zones"`
}

var (
	regionRe = regexp.MustCompile(`(?m)^\t"([a-z0-9-]+)": cty\.ObjectVal\(`)
	listRe   = regexp.MustCompile(`"(names|zone_ids|group_names)":\s*cty\.ListVal\(\[\]cty\.Value\{([^}]*)\}`)
	strRe    = regexp.MustCompile(`cty\.StringVal\("([^"]*)"\)`)
	wlRe     = regexp.MustCompile(`^[a-z]+-[a-z]+-\d+-wl\d`)
)

func git(dir string, args ...string) ([]byte, error) {
	out, err := exec.Command("git", append([]string{"--git-dir", dir}, args...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("git %s in %s: %w", strings.Join(args, " "), dir, err)
	}
	return out, nil
}

func strs(s string) []string {
	var out []string
	for _, m := range strRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// parse reads every region's zones that are not the region's own.
func parse(src []byte) ([]zone, error) {
	text := string(src)
	idx := regionRe.FindAllStringSubmatchIndex(text, -1)
	var out []zone
	for i, m := range idx {
		region := text[m[2]:m[3]]
		end := len(text)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		lists := map[string][]string{}
		for _, l := range listRe.FindAllStringSubmatch(text[m[1]:end], -1) {
			lists[l[1]] = strs(l[2])
		}
		names, ids, groups := lists["names"], lists["zone_ids"], lists["group_names"]
		if len(names) == 0 || len(names) != len(ids) || len(names) != len(groups) {
			return nil, fmt.Errorf("%s: %d names, %d zone IDs, %d group names", region, len(names), len(ids), len(groups))
		}
		for j, n := range names {
			if groups[j] == region {
				continue
			}
			z := zone{Region: region, ZoneName: n, ZoneID: ids[j], GroupName: groups[j],
				ZoneType: "local-zone", NetworkBorderGroup: groups[j]}
			if wlRe.MatchString(n) {
				z.ZoneType, z.NetworkBorderGroup = "wavelength-zone", n
			}
			if !strings.HasPrefix(n, region+"-") || !strings.HasPrefix(z.GroupName, region+"-") {
				return nil, fmt.Errorf("%s: zone %s of group %s is not the region's", region, n, z.GroupName)
			}
			out = append(out, z)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Region != out[b].Region {
			return out[a].Region < out[b].Region
		}
		return out[a].ZoneName < out[b].ZoneName
	})
	return out, nil
}

func run(dir, rev, dest string) error {
	src, err := git(dir, "show", rev+":"+zonesGo)
	if err != nil {
		return err
	}
	zs, err := parse(src)
	if err != nil {
		return err
	}
	info, err := git(dir, "log", "-1", "--format=%H %cs", rev)
	if err != nil {
		return err
	}
	commit, date, _ := strings.Cut(strings.TrimSpace(string(info)), " ")
	d := doc{Source: fmt.Sprintf("Local Zones and Wavelength Zones: github.com/infracost/infracost@%s (%s) (%s)",
		commit[:12], date, zonesGo), Zones: zs}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(d); err != nil {
		return err
	}
	return os.WriteFile(dest, b.Bytes(), 0o644)
}

func main() {
	dir := flag.String("infracost", "", "git directory of a clone of github.com/infracost/infracost")
	rev := flag.String("infracost-rev", "HEAD", "its commit")
	out := flag.String("o", "zones.json", "the file to write")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "genzones: -infracost is required")
		os.Exit(2)
	}
	if err := run(*dir, *rev, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genzones:", err)
		os.Exit(1)
	}
}
