package configs

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strings"
	"sync"

	"github.com/ec2x/ec2x/internal/pageout"

	"github.com/BurntSushi/toml"
)

// The generator reads git clones of github.com/getmoto/moto and
// github.com/aws/karpenter-provider-aws (MOTO_GIT, KARPENTER_GIT: their git
// directories) and the data of github.com/cristim/ec2-instances-info at the
// version below (the first line's go mod download puts it in GOMODCACHE; it is no dependency
// of ec2x), and writes catalog.json, regions.toml and hosts.toml.
//go:generate go mod download github.com/cristim/ec2-instances-info@v0.0.0-20250528091325-32acf84f42eb
//go:generate sh -c "go run ./internal/gencatalog -moto $MOTO_GIT -karpenter $KARPENTER_GIT -ec2info $(go env GOMODCACHE)/github.com/cristim/ec2-instances-info@v0.0.0-20250528091325-32acf84f42eb"

// catalogFile is the instance type catalogue, generated from public data
// by internal/gencatalog (its Source field says which, and when). It is
// JSON, not TOML, and only Load decodes it: the command line's LoadClient
// never does, so `ec2x ls` does not pay for 1,300 types.
const catalogFile = "catalog.json"

// usEast1 is the region whose price list the catalogue has in full; the
// others' lack the types and regions newer than their source.
const usEast1 = "us-east-1"

//go:embed catalog.json
var catalogJSON []byte

// catalogDoc is catalog.json's shape.
type catalogDoc struct {
	Source string                       `json:"Source"`
	Types  map[string]*InstType         `json:"Types"`
	Market []string                     `json:"Market"`
	Offers map[string]map[string]string `json:"Offers"`

	catalogued map[string]bool // the types offered somewhere
}

// builtinCatalog is catalog.json decoded, once: loads copy its types, so
// that no configuration changes another's.
var builtinCatalog = sync.OnceValues(func() (*catalogDoc, error) {
	var doc catalogDoc
	if err := json.Unmarshal(catalogJSON, &doc); err != nil {
		return nil, &Error{File: "configs/" + catalogFile, Msg: err.Error()}
	}
	pageout.Bytes(catalogJSON) // 2 MB read once; a daemon would keep it resident
	doc.catalogued = map[string]bool{}
	for region, types := range doc.Offers {
		for name := range types {
			doc.catalogued[name] = true
			// A region that offers a type the regional price list
			// has no price for there (a type or region newer than
			// it) charges us-east-1's; the Source line counts them.
			if t := doc.Types[name]; t != nil && t.Price[region] == "" && t.Price[usEast1] != "" {
				t.Price[region] = t.Price[usEast1]
			}
		}
	}
	return &doc, nil
})

// loadCatalog puts a copy of the generated catalogue in c; the user's
// [types."x"] tables are decoded over it later.
func (c *Config) loadCatalog() error {
	doc, err := builtinCatalog()
	if err != nil {
		return err
	}
	c.Types = make(map[string]*InstType, len(doc.Types))
	for name, t := range doc.Types {
		cp := *t
		cp.Price = maps.Clone(t.Price)
		c.Types[name] = &cp
	}
	// Offers are never written to: every configuration shares them.
	c.Offers, c.catalogued, c.CatalogSource = doc.Offers, doc.catalogued, doc.Source
	c.market = map[string]bool{}
	for _, n := range doc.Market {
		c.market[n] = true
	}
	return nil
}

// Offered reports whether a region offers a type, in the zone given (in
// any of its zones when zone is ""). Types the built-in catalogue offers
// nowhere (the user's own) are offered in every zone of every region.
func (c *Config) Offered(region, zone, typ string) bool {
	if c.Types[typ] == nil {
		return false
	}
	zones, ok := c.Offers[region][typ]
	switch {
	case !ok:
		return !c.catalogued[typ]
	case zone == "":
		return true
	}
	return len(zone) == len(region)+1 && strings.IndexByte(zones, zone[len(region)]) >= 0
}

// copyImage gives an image an ID in every region it has none in, as AWS
// publishes a copy of an AMI in each region: "ami-" and 17 hex digits of
// a hash of its name and the region, the same on every start. An image
// with no ID anywhere is left alone, for the checks to refuse.
func (c *Config) copyImage(name string, img *Image) {
	if len(img.IDs) == 0 {
		return
	}
	for region := range c.Regions {
		if img.IDs[region] == "" {
			sum := sha256.Sum256([]byte(name + "/" + region))
			img.IDs[region] = "ami-" + hex.EncodeToString(sum[:])[:17]
		}
	}
}

// checksType says whether the checks read a type: every type, or only the
// user's when the rest is the generated catalogue.
func (c *Config) checksType(name string) bool {
	return c.userTypes == nil || c.userTypes[name]
}

// definedTypes lists the [types."x"] tables a TOML document sets; data
// that does not parse is left to decodeStrict.
func definedTypes(data []byte) map[string]bool {
	out := map[string]bool{}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&struct{}{})
	if err != nil {
		return out
	}
	for _, k := range md.Keys() {
		if len(k) >= 2 && k[0] == "types" {
			out[k[1]] = true
		}
	}
	return out
}

// Quoted says whether the spot and reserved markets quote a type: the
// hand-tuned types of the built-in catalogue and the user's own. Quoting
// all 1,300 types in 30 regions would make every repricing a hundred
// times dearer.
func (c *Config) Quoted(typ string) bool {
	return c.market[typ] || (c.Types[typ] != nil && !c.catalogued[typ])
}
