package configs

import (
	"bytes"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// clearArrays empties every array of c that data sets, so that the user's
// [[hosts]] or [[api.credentials]] replace the built-in entries. Decoding
// over them would not: BurntSushi reuses a slice's elements, and an entry
// would keep every field the user left out (the built-in overcommit, the
// example secret key). Data that does not parse is left to decodeStrict.
func clearArrays(data []byte, c *Config) {
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&struct{}{})
	if err != nil {
		return
	}
	clearDefined(md, reflect.ValueOf(c).Elem(), nil)
}

// clearDefined zeroes the slices of struct v that md defines, recursing
// into struct fields; path is v's key.
func clearDefined(md toml.MetaData, v reflect.Value, path []string) {
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := append(path[:len(path):len(path)], name)
		switch f := v.Field(i); f.Kind() {
		case reflect.Slice:
			if md.IsDefined(key...) {
				f.SetZero()
			}
		case reflect.Struct:
			clearDefined(md, f, key)
		}
	}
}

// typeErrRe picks apart BurntSushi's type errors, which are not ParseErrors.
var typeErrRe = LazyRegexpOf(`^toml: line (\d+) \(last key "(.*?)"\): (.*)$`)

// decodeStrict decodes data into c and refuses keys that c has no field for.
func decodeStrict(data []byte, name string, c *Config) error {
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return &Error{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}
		}
		if m := typeErrRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return &Error{File: name, Line: line, Key: m[2], Msg: m[3]}
		}
		return &Error{File: name, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return &Error{File: name, Line: keyLine(data, k, -1), Key: k.String(), Msg: "unknown key"}
	}
	return nil
}

// keyLine finds the line that sets key in a TOML document: the header of
// its table, or the assignment of its last part under that table. idx >= 0
// says the key is in entry idx of an array of tables ([[hosts]]): only that
// entry's lines count. When the document does not set the key but opens a
// table that holds it (a [regions.X] that leaves a field out, a [[hosts]]
// entry without count), that table's header line is returned: the table
// replaced the built-in one, so that is where the value went missing.
// BurntSushi keeps key positions private, so we scan.
func keyLine(data []byte, key toml.Key, idx int) int {
	want := strings.Join(key, "\x00")
	table := ""
	entry := -1                 // the current table's entry number, when it is an array of tables
	entries := map[string]int{} // entries seen so far of each array of tables
	enclosing, depth := 0, 0    // the innermost header that holds key, and its length
	for i, raw := range strings.Split(string(data), "\n") {
		l := strings.TrimSpace(raw)
		if l == "" || l[0] == '#' {
			continue
		}
		if l[0] == '[' {
			end := strings.LastIndexByte(l, ']')
			if end < 0 {
				continue
			}
			table = strings.Join(splitKey(strings.Trim(l[:end], "[] \t")), "\x00")
			entry = -1
			if strings.HasPrefix(l, "[[") {
				entry = entries[table]
				entries[table]++
			}
			if idx >= 0 && entry >= 0 && entry != idx {
				continue
			}
			if table == want {
				return i + 1
			}
			if strings.HasPrefix(want, table+"\x00") && len(table) > depth {
				enclosing, depth = i+1, len(table)
			}
			continue
		}
		if idx >= 0 && entry >= 0 && entry != idx {
			continue
		}
		eq := strings.IndexByte(l, '=')
		if eq <= 0 {
			continue
		}
		abs := strings.Join(splitKey(l[:eq]), "\x00")
		if table != "" {
			abs = table + "\x00" + abs
		}
		if abs == want || strings.HasPrefix(want, abs+"\x00") {
			return i + 1
		}
	}
	return enclosing
}

// splitKey splits a dotted TOML key, honouring quoted parts ("t2.micro").
func splitKey(k string) []string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(k); i++ {
		ch := k[i]
		switch {
		case quote != 0 && ch == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(ch)
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case ch == ' ' || ch == '\t':
		default:
			cur.WriteByte(ch)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// RegionNames returns the configured regions, sorted.
func (c *Config) RegionNames() []string {
	names := make([]string, 0, len(c.Regions))
	for n := range c.Regions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TypeNames returns the instance type names, sorted by family then size.
func (c *Config) TypeNames() []string {
	names := make([]string, 0, len(c.Types))
	for n := range c.Types {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		fi, fj := Family(names[i]), Family(names[j])
		if fi != fj {
			return fi < fj
		}
		ti, tj := c.Types[names[i]], c.Types[names[j]]
		if ti.VCPUs != tj.VCPUs {
			return ti.VCPUs < tj.VCPUs
		}
		if ti.MemoryMiB != tj.MemoryMiB {
			return ti.MemoryMiB < tj.MemoryMiB
		}
		return names[i] < names[j]
	})
	return names
}

// PoolOf is the public IPv4 pool a region hands addresses from: its local
// pool when one of its hosts runs real guests (any driver but sim) and a
// local pool is set, else its public pool.
func (c *Config) PoolOf(region string) string {
	r := c.Regions[region]
	if r == nil {
		return ""
	}
	if r.LocalPool != "" {
		for _, h := range c.Hosts {
			if h.Driver != "" && h.Driver != "sim" && c.ZoneRegion(h.Zone) == region {
				return r.LocalPool
			}
		}
	}
	return r.PublicPool
}

// ZoneRegion returns the region a zone belongs to, or "".
func (c *Config) ZoneRegion(zone string) string {
	for name, r := range c.Regions {
		for _, z := range r.Zones {
			if z == zone {
				return name
			}
		}
	}
	return ""
}
