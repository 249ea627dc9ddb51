package configs

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// The generator reads a git clone of github.com/infracost/infracost
// (INFRACOST_GIT: its git directory) and writes zones.json.
//go:generate sh -c "go run ./internal/genzones -infracost \"$INFRACOST_GIT\" -o zones.json"

// zonesFile is the Local Zones and Wavelength Zones of each region,
// generated from public data by internal/genzones (its Source field says
// which, and when).
const zonesFile = "zones.json"

//go:embed zones.json
var zonesJSON []byte

// Zone types, as EC2 names them.
const (
	ZoneTypeLocal      = "local-zone"
	ZoneTypeWavelength = "wavelength-zone"
)

// LocalZone is a Local Zone or Wavelength Zone of a region: a zone outside
// the region's own, in a zone group the account opts into.
type LocalZone struct {
	Region             string `json:"Region"`
	ZoneName           string `json:"ZoneName"`
	ZoneID             string `json:"ZoneId"`
	ZoneType           string `json:"ZoneType"`
	GroupName          string `json:"GroupName"`
	NetworkBorderGroup string `json:"NetworkBorderGroup"`
}

// zonesDoc is zones.json's shape.
type zonesDoc struct {
	Source string      `json:"Source"`
	Zones  []LocalZone `json:"Zones"`

	byRegion map[string][]LocalZone
}

// builtinZones is zones.json decoded, once, on first use: only the
// catalogue's zone actions read it. Nothing writes to it after.
var builtinZones = sync.OnceValues(func() (*zonesDoc, error) {
	var doc zonesDoc
	if err := json.Unmarshal(zonesJSON, &doc); err != nil {
		return nil, &Error{File: "configs/" + zonesFile, Msg: err.Error()}
	}
	doc.byRegion = map[string][]LocalZone{}
	for _, z := range doc.Zones {
		doc.byRegion[z.Region] = append(doc.byRegion[z.Region], z)
	}
	return &doc, nil
})

// LocalZones are a configured region's Local Zones and Wavelength Zones,
// by zone name (none for a region the configuration does not have). The
// slice is shared: do not change it.
func (c *Config) LocalZones(region string) []LocalZone {
	if c.Regions[region] == nil {
		return nil
	}
	doc, err := builtinZones()
	if err != nil {
		return nil
	}
	return doc.byRegion[region]
}

// ZonesSource says where the Local Zones and Wavelength Zones come from.
func ZonesSource() string {
	doc, err := builtinZones()
	if err != nil {
		return err.Error()
	}
	return doc.Source
}
