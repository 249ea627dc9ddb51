package core

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
)

// Instance records are stored without what their key and launch time
// already say (so that a launch of 1,000 fits the transaction a small
// memtable allows), in memory without empty option structs, and a
// restart gives back exactly the records there were.
func TestInstanceRecordsStoredCompactly(t *testing.T) {
	e := newEnvWith(t, "", envOptions{sync: true})
	ids := idsOf(e.run(use1, &ec2.RunInstancesInput{MinCount: 2,
		MetadataOptions: &ec2.InstanceMetadataOptionsRequest{HttpTokens: "required"}}).Instances)
	plain := e.launch(use1, 1)[0]
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, append(ids, plain)...)
	e.stop(use1, false, ids[1])
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, ids[1])
	pending := e.launch(use1, 1)[0] // its state has not changed since the launch

	raw := func(id string) map[string]json.RawMessage {
		t.Helper()
		var m map[string]json.RawMessage
		if err := e.st.Get(e.ctx, store.Key("inst", use1, id), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	records := func() map[string]instance.Record {
		r, err := e.c.Runtime().Region(use1)
		if err != nil {
			t.Fatal(err)
		}
		r.RLock()
		defer r.RUnlock()
		out := map[string]instance.Record{}
		for id, rec := range state.Published(r, instance.Instances) {
			out[id] = *rec
		}
		return out
	}

	cases := []struct {
		name       string
		id         string
		stateSince bool // stored: the state changed after the launch
	}{
		{"just launched", pending, false},
		{"launched with options, running since", ids[0], true},
		{"stopped since", ids[1], true},
		{"launched plain, running since", plain, true},
	}
	before := records()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := raw(c.id)
			if _, ok := m["Region"]; ok {
				t.Errorf("stored record has the region its key says: %s", m["Region"])
			}
			if _, ok := m["StateSince"]; ok != c.stateSince {
				t.Errorf("StateSince stored: %v, want %v (launch %s, since %s)", ok, c.stateSince, m["LaunchTime"], m["StateSince"])
			}
			r := before[c.id]
			if r.Region != use1 || r.StateSince.IsZero() {
				t.Errorf("in memory: region %q, state since %v", r.Region, r.StateSince)
			}
			if (c.id == plain || c.id == pending) && (r.Attrs != nil || r.LaunchOpts != nil || r.SpotSide != nil || r.Rare != nil) {
				t.Errorf("a plain instance holds empty option structs: %+v %+v %+v %+v", r.Attrs, r.LaunchOpts, r.SpotSide, r.Rare)
			}
			if c.id == ids[0] && !strings.Contains(string(m["Metadata"]), "required") {
				t.Errorf("its metadata options were not stored: %s", m["Metadata"])
			}
		})
	}

	e.reopen()
	after := records()
	for _, c := range cases {
		if !reflect.DeepEqual(normTimes(before[c.id]), normTimes(after[c.id])) {
			t.Errorf("%s after a restart:\n got %+v\nwant %+v", c.id, after[c.id], before[c.id])
		}
	}
}

// normTimes drops the monotonic readings and locations that a round trip
// through JSON changes without changing the instant.
func normTimes(r instance.Record) instance.Record {
	r.LaunchTime, r.StateSince = r.LaunchTime.UTC().Round(0), r.StateSince.UTC().Round(0)
	return r
}
