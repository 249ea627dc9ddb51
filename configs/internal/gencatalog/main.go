// Command gencatalog writes ec2x's built-in catalogue from public data:
// configs/catalog.json (every instance type EC2 describes, which types each
// region and zone offers, on-demand prices), configs/regions.toml and
// configs/hosts.toml (every commercial region with its zones, and a sim
// fleet in each zone). Run it with go generate ./configs (configs/catalog.go
// says how); it reads git clones of the two repositories below, at the
// commits given, and the AWS SDK's partition file from the module cache.
//
//   - getmoto/moto: moto/ec2/resources/instance_types.json (EC2's
//     DescribeInstanceTypes answer), instance_type_offerings/ (each
//     region's and zone's DescribeInstanceTypeOfferings answer) and the
//     zone-name-to-zone-ID table of moto/ec2/models (zone IDs it does not
//     map pair with zone names in order).
//   - aws/karpenter-provider-aws: the us-east-1 Linux on-demand price list
//     it generates from the AWS Pricing API.
//
// With -ec2info, the module directory of github.com/cristim/ec2-instances-info
// (go mod download puts it in GOMODCACHE; it is not a dependency of ec2x),
// every other region's Linux on-demand prices come from its
// data/instances.json, ec2instances.info's data. Where it has none, the
// catalogue has none and configs charges us-east-1's; the Source line
// counts those.
//
// handtuned.toml (ec2x's original 38 types: credit models and prices in
// the four original regions) is laid over them; a hand-tuned figure that
// disagrees with a published one stops the generator.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const (
	motoTypes     = "moto/ec2/resources/instance_types.json"
	motoOfferings = "moto/ec2/resources/instance_type_offerings"
	motoZones     = "moto/ec2/models/availability_zones_and_regions.py"
	pricingGo     = "pkg/providers/pricing/zz_generated.pricing_aws.go"
)

// repo reads files of one commit of a git clone.
type repo struct{ dir, rev string }

func (r repo) read(p string) ([]byte, error) {
	b, err := exec.Command("git", "--git-dir", r.dir, "show", r.rev+":"+p).Output()
	if err != nil {
		return nil, fmt.Errorf("git show %s:%s in %s: %w", r.rev, p, r.dir, err)
	}
	return b, nil
}

func (r repo) list(dir string) ([]string, error) {
	b, err := exec.Command("git", "--git-dir", r.dir, "ls-tree", "--name-only", r.rev+":"+dir).Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-tree %s:%s: %w", r.rev, dir, err)
	}
	return strings.Fields(string(b)), nil
}

// describe says which commit a clone is at, and its date.
func (r repo) describe() (string, error) {
	b, err := exec.Command("git", "--git-dir", r.dir, "log", "-1", "--format=%H %cs", r.rev).Output()
	if err != nil {
		return "", err
	}
	commit, date, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	return commit[:12] + " (" + date + ")", nil
}

func main() {
	moto := flag.String("moto", "", "git directory of a clone of github.com/getmoto/moto")
	motoRev := flag.String("moto-rev", "HEAD", "its commit")
	karp := flag.String("karpenter", "", "git directory of a clone of github.com/aws/karpenter-provider-aws")
	karpRev := flag.String("karpenter-rev", "HEAD", "its commit")
	partitions := flag.String("partitions", "", "the AWS SDK for Go v2's partitions.json (default: found in the module cache)")
	info := flag.String("ec2info", "", "module directory of github.com/cristim/ec2-instances-info, for every region's prices but us-east-1's")
	infoVersion := flag.String("ec2info-version", "", "its version (default: from the directory's name, name@version)")
	flag.Parse()
	if *infoVersion == "" {
		*infoVersion = moduleVersion(*info)
	}
	g := &gen{moto: repo{*moto, *motoRev}, karp: repo{*karp, *karpRev}, partitions: *partitions,
		info: ec2info{*info, *infoVersion}}
	if err := g.run(); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

type gen struct {
	moto, karp repo
	partitions string
	info       ec2info // dir "": no regional price list
}

func (g *gen) run() error {
	if g.moto.dir == "" || g.karp.dir == "" {
		return fmt.Errorf("-moto and -karpenter are required (git clones of getmoto/moto and aws/karpenter-provider-aws)")
	}
	types, err := g.types()
	if err != nil {
		return err
	}
	priceDate, err := g.prices(types)
	if err != nil {
		return err
	}
	regions, err := g.regions(types)
	if err != nil {
		return err
	}
	regional, err := g.regional(types, regions)
	if err != nil {
		return err
	}
	market, err := applyHandTuned(types, "internal/gencatalog/handtuned.toml")
	if err != nil {
		return err
	}
	copied, unpriced := copiedPrices(types, regions)
	fmt.Fprintf(os.Stderr, "gencatalog: %d regional prices from %s; %d types take none (us-east-1 price changed): %s; %d (type, region) prices copied from us-east-1; %d offered with no price\n",
		regional.taken, g.info.dir, len(regional.stale), strings.Join(regional.stale, " "), copied, unpriced)
	mv, err := g.moto.describe()
	if err != nil {
		return err
	}
	kv, err := g.karp.describe()
	if err != nil {
		return err
	}
	source := fmt.Sprintf("types, offerings and zones: github.com/getmoto/moto@%s (%s, %s, %s); "+
		"us-east-1 Linux on-demand prices of %s: github.com/aws/karpenter-provider-aws@%s (%s); ",
		mv, motoTypes, motoOfferings, motoZones, priceDate, kv, pricingGo)
	if g.info.dir == "" {
		source += "prices in us-west-2, eu-west-1, ap-northeast-1 and credit models: configs/internal/gencatalog/handtuned.toml; " +
			"ESTIMATED: every other region's price, and those three regions' for types outside handtuned.toml, is us-east-1's figure copied " +
			"(no public per-region price list was at hand)"
	} else {
		iv, err := g.info.describe()
		if err != nil {
			return err
		}
		source += fmt.Sprintf("Linux on-demand prices in every other region (%d type-region prices): %s, "+
			"but for the %d types whose us-east-1 price there is not the list above's (changed since); "+
			"credit models, and the prices the sources lack of the types in configs/internal/gencatalog/handtuned.toml "+
			"(its prices must agree with the published ones): that file; "+
			"ESTIMATED: %d type-region prices, where neither source has one (types and regions newer than ec2instances.info's data, "+
			"and those %d types), are us-east-1's figure copied; %d type-region offers have no price in either source, nor in us-east-1",
			regional.taken, iv, len(regional.stale), copied, len(regional.stale), unpriced)
	}
	cat := catalog{
		Source: source,
		Types:  types,
		Market: market,
		Offers: map[string]map[string]string{},
	}
	for _, r := range regions {
		cat.Offers[r.Name] = r.offers
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cat); err != nil {
		return err
	}
	if err := os.WriteFile("catalog.json", buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile("regions.toml", regionsTOML(regions, cat.Source), 0o644); err != nil {
		return err
	}
	return os.WriteFile("hosts.toml", hostsTOML(regions), 0o644)
}

// catalog is catalog.json: Offers maps region, then type, to the letters
// of the zones that offer it ("abd": zones a, b and d).
type catalog struct {
	Source string                       `json:"Source"`
	Types  map[string]*Type             `json:"Types"`
	Market []string                     `json:"Market"`
	Offers map[string]map[string]string `json:"Offers"`
}

var priceRe = regexp.MustCompile(`"([a-z0-9.-]+)": ([0-9.]+)`)
var priceDateRe = regexp.MustCompile(`generated at (\S+) for us-east-1`)

// regional takes the regional price list, if -ec2info names one.
func (g *gen) regional(types map[string]*Type, regions []*region) (regionalTally, error) {
	if g.info.dir == "" {
		return regionalTally{}, nil
	}
	src, err := g.info.linuxPrices()
	if err != nil {
		return regionalTally{}, err
	}
	return applyRegional(types, regions, src), nil
}

// prices reads the us-east-1 price list; it returns its date.
func (g *gen) prices(types map[string]*Type) (string, error) {
	src, err := g.karp.read(pricingGo)
	if err != nil {
		return "", err
	}
	for _, m := range priceRe.FindAllStringSubmatch(string(src), -1) {
		if t := types[m[1]]; t != nil {
			p, _ := strconv.ParseFloat(m[2], 64)
			t.Price = map[string]string{"us-east-1": strconv.FormatFloat(p, 'f', -1, 64)}
		}
	}
	m := priceDateRe.FindStringSubmatch(string(src))
	if m == nil {
		return "", fmt.Errorf("%s: no date", pricingGo)
	}
	return m[1], nil
}

// partitionRegions reads the commercial regions and their descriptions.
func (g *gen) partitionRegions() (map[string]string, error) {
	p := g.partitions
	if p == "" {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
		if err != nil {
			return nil, fmt.Errorf("find aws-sdk-go-v2: %w", err)
		}
		p = path.Join(strings.TrimSpace(string(out)), "internal/endpoints/awsrulesfn/partitions.json")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Partitions []struct {
			ID      string `json:"id"`
			Regions map[string]struct {
				Description string `json:"description"`
			} `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, part := range doc.Partitions {
		if part.ID != "aws" {
			continue
		}
		for name, r := range part.Regions {
			if name != "aws-global" {
				out[name] = r.Description
			}
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
