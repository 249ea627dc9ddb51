package monitor

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/core/store"
)

// tier is one resolution of stored data.
type tier struct {
	name string
	res  int64         // seconds a record covers (the 1m tier: one sample)
	keep time.Duration // how long CloudWatch keeps this resolution
	part int64         // seconds a partition spans
}

// recordsPerPartition bounds every scan of a series.
const recordsPerPartition = 360

const day = 24 * time.Hour

// tiers, finest first. Expire moves each tier's expired records into the
// next one.
var tiers = [...]tier{
	{name: "1m", res: 60, keep: 15 * day, part: 60 * recordsPerPartition},
	{name: "5m", res: 300, keep: 63 * day, part: 300 * recordsPerPartition},
	{name: "1h", res: 3600, keep: 455 * day, part: 3600 * recordsPerPartition},
}

// indexRegion takes the region's place in index keys.
const indexRegion = "_index"

// floorTo rounds Unix second t down to a multiple of step.
func floorTo(t, step int64) int64 {
	r := t % step
	if r < 0 {
		r += step
	}
	return t - r
}

// pad10 formats n as store.MetricKey does.
func pad10(n int64) string {
	var d [10]byte
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d[:])
}

// seriesKey is the key of a record of tier ti at Unix second t.
func seriesKey(region, id string, ti int, t int64) []byte {
	tr := &tiers[ti]
	return store.MetricKey(region, id, tr.name, floorTo(t, tr.part), t)
}

// partitionScope is what store.Scan takes as "region" to scan one partition:
// Scan puts it between "met/" and a closing "/".
func partitionScope(region, id string, ti int, part int64) string {
	return region + "/" + id + "/" + tiers[ti].name + "/" + pad10(part)
}

// indexKey marks that the series has records in partition part of tier ti.
func indexKey(region, id string, ti int, part int64) []byte {
	return store.Key(store.KindMetric, indexRegion, tiers[ti].name, pad10(part), region, id)
}

// indexScope scans the index of tier ti, oldest partition first.
func indexScope(ti int) string { return indexRegion + "/" + tiers[ti].name }

// keyTime is the Unix second at the end of a series key.
func keyTime(key []byte) (int64, error) {
	i := bytes.LastIndexByte(key, '/')
	t, err := strconv.ParseInt(string(key[i+1:]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("monitor: bad key %q: %w", key, err)
	}
	return t, nil
}

// indexEntry is a parsed index key.
type indexEntry struct {
	part       int64
	region, id string
}

// parseIndexKey reads met/_index/<res>/<part>/<region>/<id>.
func parseIndexKey(key []byte) (indexEntry, error) {
	f := strings.Split(string(key), "/")
	if len(f) != 6 || f[0] != store.KindMetric || f[1] != indexRegion {
		return indexEntry{}, fmt.Errorf("monitor: bad index key %q", key)
	}
	part, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return indexEntry{}, fmt.Errorf("monitor: bad index key %q: %w", key, err)
	}
	return indexEntry{part: part, region: f[4], id: f[5]}, nil
}

// validName refuses what would break the key layout.
func validName(what, s string) error {
	if s == "" {
		return missing(what)
	}
	if strings.ContainsAny(s, "/\x00") || s == indexRegion {
		return invalidValue("the %s %q is not valid", what, s)
	}
	return nil
}
