package instance

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/network"
	"github.com/ec2x/ec2x/core/state"
)

// jsonCacheMax bounds the bytes the JSON cache holds (about 5,000
// instances): beyond it, instances are encoded afresh at every call, so a
// huge fleet listed once does not keep its listing in memory.
const jsonCacheMax = 16 << 20

// jsonCache keeps instances' DescribeInstances JSON, indented as the CLI
// prints it, with the records it was made from: encoding a thousand
// instances with encoding/json was most of `ls -o json`. Records are copy
// on write (see state), so an entry is current while every record its view
// read is the same pointer.
type jsonCache struct {
	mu      sync.Mutex
	regions map[string]map[string]*encoded // by region, then instance ID
	size    int                            // bytes of every body
}

// encoded is an instance's JSON and what its view (Service.view) read.
type encoded struct {
	rec    *Record
	enis   []*network.ENI   // by r.Enis
	groups []*network.Group // every interface's groups, in order
	body   []byte
}

// current reports whether e is what view(rd, r) would encode now.
func (e *encoded) current(rd state.Reader, r *Record) bool {
	// An interface's subnet, and so its VPC and zone, never change: the
	// interface records stand for them.
	if e.rec != r || len(e.enis) != len(r.Enis) {
		return false
	}
	g := 0
	for i, id := range r.Enis {
		eni := network.Interface(rd, id)
		if eni != e.enis[i] {
			return false
		}
		if eni == nil {
			continue
		}
		for _, gid := range eni.Groups {
			if g == len(e.groups) || state.Get(rd, network.Groups, gid) != e.groups[g] {
				return false
			}
			g++
		}
	}
	return g == len(e.groups)
}

// encode makes r's entry: its view encoded as DescribeInstances' answer
// holds it (nested two levels deep), and the records the view read.
func (s *Service) encode(rd state.Reader, r *Record) (*encoded, error) {
	e := &encoded{rec: r, enis: make([]*network.ENI, len(r.Enis))}
	for i, id := range r.Enis {
		e.enis[i] = network.Interface(rd, id)
		if e.enis[i] != nil {
			for _, gid := range e.enis[i].Groups {
				e.groups = append(e.groups, state.Get(rd, network.Groups, gid))
			}
		}
	}
	raw, err := json.Marshal(s.view(rd, r))
	if err != nil {
		return nil, err
	}
	e.body = ec2.AppendIndent(make([]byte, 0, 2*len(raw)), raw, "        ", "    ")
	return e, nil
}

// body returns r's JSON from the cache, or encodes and keeps it. When the
// cache is full, it drops the region's stale entries once per listing
// (*swept says whether that was done).
func (c *jsonCache) body(s *Service, rd state.Reader, r *Record, swept *bool) ([]byte, error) {
	region := rd.Region().Name
	c.mu.Lock()
	e := c.regions[region][r.InstanceId]
	c.mu.Unlock()
	if e != nil && e.current(rd, r) {
		return e.body, nil
	}
	e, err := s.encode(rd, r)
	if err != nil {
		return nil, err
	}
	c.put(rd, e, swept)
	return e.body, nil
}

// put keeps e if there is room, after dropping the region's entries of
// records that changed or went (unless *swept).
func (c *jsonCache) put(rd state.Reader, e *encoded, swept *bool) {
	region, id := rd.Region().Name, e.rec.InstanceId
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.regions[region]
	if m == nil {
		if c.regions == nil {
			c.regions = map[string]map[string]*encoded{}
		}
		m = map[string]*encoded{}
		c.regions[region] = m
	}
	if old := m[id]; old != nil {
		c.size -= len(old.body)
		delete(m, id)
	}
	if c.size+len(e.body) > jsonCacheMax && !*swept {
		*swept = true
		for k, old := range m {
			if state.Get(rd, Instances, k) != old.rec {
				c.size -= len(old.body)
				delete(m, k)
			}
		}
	}
	if c.size+len(e.body) <= jsonCacheMax {
		m[id] = e
		c.size += len(e.body)
	}
}

// DescribeInstancesJSON is DescribeInstances' answer encoded and indented
// as the CLI prints it (ec2.ActionIndentedJSON): the same bytes as
// indenting the encoding of DescribeInstances' output, from instances
// kept encoded between calls.
func (s *Service) DescribeInstancesJSON(ctx context.Context, region string, in *ec2.DescribeInstancesInput) ([]byte, error) {
	var failed error
	swept := false
	bodies, next, err := describeIn(s, region, in, func(rd state.Reader, r *Record) []byte {
		b, err := s.json.body(s, rd, r, &swept)
		if err != nil && failed == nil {
			failed = err
		}
		return b
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, err
	}
	var tok []byte
	if next != "" {
		if tok, err = json.Marshal(next); err != nil {
			return nil, err
		}
	}
	const item, open, end = "        ", "{\n    \"Instances\": [", "    ]"
	n := len(open) + len(end) + len(tok) + 32
	for _, b := range bodies {
		n += len(item) + len(b) + 2
	}
	out := append(make([]byte, 0, n), open...)
	if len(bodies) == 0 {
		out = append(out, ']')
	} else {
		out = append(out, '\n')
		for i, b := range bodies {
			out = append(append(out, item...), b...)
			if i < len(bodies)-1 {
				out = append(out, ',')
			}
			out = append(out, '\n')
		}
		out = append(out, end...)
	}
	if tok != nil {
		out = append(append(out, ",\n    \"NextToken\": "...), tok...)
	}
	return append(out, "\n}\n"...), nil
}
