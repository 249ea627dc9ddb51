package core

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// describeFleet is four instances that differ in every filtered field:
// A runs in us-east-1a with a key and a ClientToken, B is stopped in
// us-east-1b, C and D are one pending reservation of two in us-east-1c.
type describeFleet struct {
	e          *env
	a, b, c, d *Instance
}

func newDescribeFleet(t *testing.T) *describeFleet {
	e := newEnv(t, "")
	if _, err := e.c.CreateKeyPair(e.ctx, use1, &CreateKeyPairInput{KeyName: "k1", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	a := e.run(use1, &RunInstancesInput{KeyName: "k1", ClientToken: "tok-a", Placement: &Placement{AvailabilityZone: "us-east-1a"},
		TagSpecifications: instanceTags("Name", "web-1", "env", "prod", "path", "team/web/blue", "odd", `a[b]\c`)}).Instances[0]
	e.advance(10 * time.Second)
	b := e.run(use1, &RunInstancesInput{InstanceType: "t3.small", Placement: &Placement{AvailabilityZone: "us-east-1b"},
		TagSpecifications: instanceTags("Name", "db-1", "env", "dev")}).Instances[0]
	e.advance(10 * time.Second)
	e.wait(use1, StateRunning, a.InstanceId, b.InstanceId)
	e.stop(use1, false, b.InstanceId)
	e.advance(e.stopTime())
	e.wait(use1, StateStopped, b.InstanceId)
	cd := e.run(use1, &RunInstancesInput{MinCount: 2, InstanceType: "m5.large", ImageId: "debian-12",
		Placement: &Placement{AvailabilityZone: "us-east-1c"}}).Instances
	f := &describeFleet{e: e}
	f.a, f.b, f.c, f.d = e.get(use1, a.InstanceId), e.get(use1, b.InstanceId), e.get(use1, cd[0].InstanceId), e.get(use1, cd[1].InstanceId)
	return f
}

func TestDescribeInstancesFilters(t *testing.T) {
	f := newDescribeFleet(t)
	a, b, c, d := f.a, f.b, f.c, f.d
	all := []*Instance{a, b, c, d}
	cases := []struct {
		name    string
		filters []Filter
		want    []*Instance
	}{
		{"instance-id", []Filter{newFilter("instance-id", a.InstanceId, c.InstanceId)}, []*Instance{a, c}},
		{"instance-state-name", []Filter{newFilter("instance-state-name", "stopped", "pending")}, []*Instance{b, c, d}},
		{"instance-state-code", []Filter{newFilter("instance-state-code", "16")}, []*Instance{a}},
		{"instance-type", []Filter{newFilter("instance-type", "m5.*")}, []*Instance{c, d}},
		{"availability-zone", []Filter{newFilter("availability-zone", "us-east-1?")}, all},
		{"image-id", []Filter{newFilter("image-id", f.e.cfg.Images["debian-12"].IDs[use1])}, []*Instance{c, d}},
		{"key-name", []Filter{newFilter("key-name", "k1")}, []*Instance{a}},
		{"private-ip-address", []Filter{newFilter("private-ip-address", b.PrivateIpAddress)}, []*Instance{b}},
		{"ip-address", []Filter{newFilter("ip-address", "198.18.*")}, []*Instance{a, c, d}},
		{"private-dns-name", []Filter{newFilter("private-dns-name", "*.ec2.internal")}, all},
		{"dns-name", []Filter{newFilter("dns-name", a.PublicDnsName)}, []*Instance{a}},
		{"subnet-id", []Filter{newFilter("subnet-id", b.SubnetId)}, []*Instance{b}},
		{"vpc-id", []Filter{newFilter("vpc-id", a.VpcId)}, all},
		{"host-id", []Filter{newFilter("host-id", a.Placement.HostId)}, []*Instance{a}},
		{"architecture", []Filter{newFilter("architecture", "x86_64")}, all},
		{"hypervisor", []Filter{newFilter("hypervisor", "sim")}, all},
		{"virtualization-type", []Filter{newFilter("virtualization-type", "hvm")}, all},
		{"client-token", []Filter{newFilter("client-token", "tok-a")}, []*Instance{a}},
		{"tenancy", []Filter{newFilter("tenancy", "default")}, all},
		{"root-device-type", []Filter{newFilter("root-device-type", "ebs")}, all},
		{"launch-time", []Filter{newFilter("launch-time", "2026-03-04T05:06:2*")}, []*Instance{c, d}},
		{"ami-launch-index", []Filter{newFilter("ami-launch-index", "1")}, []*Instance{d}},
		{"instance-lifecycle", []Filter{newFilter("instance-lifecycle", "on-demand")}, all},
		{"instance-state-reason-code", []Filter{newFilter("instance-state-reason-code", "Client.UserInitiatedShutdown")}, []*Instance{b}},
		{"tag-key", []Filter{newFilter("tag-key", "env")}, []*Instance{a, b}},
		{"tag-value", []Filter{newFilter("tag-value", "prod", "db-*")}, []*Instance{a, b}},
		{"network-interface.network-interface-id", []Filter{newFilter("network-interface.network-interface-id", c.NetworkInterfaces[0].NetworkInterfaceId)}, []*Instance{c}},
		{"network-interface.addresses.private-ip-address", []Filter{newFilter("network-interface.addresses.private-ip-address", d.PrivateIpAddress)}, []*Instance{d}},
		{"network-interface.addresses.association.public-ip", []Filter{newFilter("network-interface.addresses.association.public-ip", a.PublicIpAddress)}, []*Instance{a}},
		{"instance.group-id", []Filter{newFilter("instance.group-id", a.SecurityGroups[0].GroupId)}, all},
		{"instance.group-name", []Filter{newFilter("instance.group-name", "default")}, all},
		{"tag:KEY", []Filter{newFilter("tag:Name", "web-1")}, []*Instance{a}},
		{"tag:KEY with *", []Filter{newFilter("tag:Name", "*-1")}, []*Instance{a, b}},
		{"tag:KEY with ?", []Filter{newFilter("tag:Name", "db-?")}, []*Instance{b}},
		{"* spans slashes", []Filter{newFilter("tag:path", "team/*")}, []*Instance{a}},
		{"? matches a slash", []Filter{newFilter("tag:path", "team?web?blue")}, []*Instance{a}},
		{"brackets and backslashes are literal", []Filter{newFilter("tag:odd", `a[b]\*`)}, []*Instance{a}},
		{"exact values are exact", []Filter{newFilter("tag:Name", "web")}, nil},
		{"untagged key matches nothing", []Filter{newFilter("tag:Missing", "*")}, nil},
		{"OR within values", []Filter{newFilter("tag:env", "prod", "dev")}, []*Instance{a, b}},
		{"AND across filters", []Filter{newFilter("tag:env", "prod", "dev"), newFilter("instance-state-name", "stopped")}, []*Instance{b}},
		{"AND that nothing meets", []Filter{newFilter("instance-type", "t2.micro"), newFilter("tag:env", "dev")}, nil},
		{"spot is not on-demand", []Filter{newFilter("instance-lifecycle", "spot")}, nil},
		{"spot-instance-request-id", []Filter{newFilter("spot-instance-request-id", "sir-*")}, nil},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := f.e.list(use1, tc.filters...)
			if want := idsOf(tc.want); !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
		for _, fl := range tc.filters {
			covered[fl.Name] = true
		}
	}
	for name := range instanceFilters {
		if !covered[name] {
			t.Errorf("filter %q has no test case", name)
		}
	}
	t.Run("filters narrow a list of IDs", func(t *testing.T) {
		out, err := f.e.c.DescribeInstances(f.e.ctx, use1, &DescribeInstancesInput{InstanceIds: []string{a.InstanceId, b.InstanceId},
			Filters: []Filter{newFilter("instance-state-name", "running")}})
		if err != nil || !slices.Equal(idsOf(out.Instances), []string{a.InstanceId}) {
			t.Errorf("got %v, %v", out, err)
		}
	})
}

func TestDescribeInstancesFilterErrors(t *testing.T) {
	e := newEnv(t, "")
	cases := []struct {
		name   string
		filter Filter
		frag   string
	}{
		{"unknown name", newFilter("color", "blue"), "The filter 'color' is invalid"},
		{"tag: without a key", newFilter("tag:", "x"), "'tag:'"},
		{"no values", newFilter("instance-type"), "needs at least one value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DescribeInstances(e.ctx, use1, &DescribeInstancesInput{Filters: []Filter{tc.filter}})
			wantCode(t, err, CodeInvalidParameterValue, tc.frag)
		})
	}
	names := InstanceFilterNames()
	if !sort.StringsAreSorted(names) || !slices.Contains(names, "tag:<key>") || !slices.Contains(names, "tag-key") || len(names) != len(instanceFilters)+3 {
		t.Errorf("InstanceFilterNames() = %v", names)
	}
}

func TestDescribeInstancesOrder(t *testing.T) {
	f := newDescribeFleet(t)
	want := idsOf([]*Instance{f.a, f.b, f.c, f.d})
	if got := f.e.list(use1); !slices.Equal(got, want) {
		t.Errorf("listing %v, want oldest launch first, then launch index: %v", got, want)
	}
	// Asking by ID in another order answers in the same order.
	out, err := f.e.c.DescribeInstances(f.e.ctx, use1, &DescribeInstancesInput{InstanceIds: []string{f.d.InstanceId, f.b.InstanceId, f.a.InstanceId}})
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(out.Instances); !slices.Equal(got, []string{f.a.InstanceId, f.b.InstanceId, f.d.InstanceId}) {
		t.Errorf("by ID: %v", got)
	}
	// The answer is a list even when empty, for jq.
	empty, err := f.e.c.DescribeInstances(f.e.ctx, usw2, &DescribeInstancesInput{})
	if err != nil || empty.Instances == nil || len(empty.Instances) != 0 {
		t.Errorf("empty region: %+v, %v", empty, err)
	}
}

func TestDescribeInstanceTable(t *testing.T) {
	f := newDescribeFleet(t)
	now := epoch.Add(time.Hour)
	table := func(format string, fs ...Filter) string {
		t.Helper()
		out, err := f.e.c.DescribeInstanceTable(f.e.ctx, use1, &DescribeInstanceTableInput{
			DescribeInstancesInput: DescribeInstancesInput{Filters: fs}, Format: format, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		return string(out.Raw())
	}
	if got, want := table("ids"), strings.Join(idsOf([]*Instance{f.a, f.b, f.c, f.d}), "\n")+"\n"; got != want {
		t.Errorf("ids:\n%s\nwant\n%s", got, want)
	}
	text := strings.Split(strings.TrimSuffix(table("text", newFilter("tag:Name", "web-1")), "\n"), "\n")
	if len(text) != 1 || text[0] != strings.Join(InstanceRow(f.a, now), "\t") {
		t.Errorf("text: %q", text)
	}
	if fields := strings.Split(text[0], "\t"); fields[1] != "web-1" || fields[3] != "running" || fields[7] != "1h" && !strings.HasPrefix(fields[7], "59m") {
		t.Errorf("row %q", fields)
	}
	lines := strings.Split(strings.TrimSuffix(table("table"), "\n"), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "INSTANCE ID") || !strings.Contains(lines[2], "db-1") {
		t.Errorf("table:\n%s", strings.Join(lines, "\n"))
	}
	_, err := f.e.c.DescribeInstanceTable(f.e.ctx, use1, &DescribeInstanceTableInput{Format: "yaml"})
	wantCode(t, err, CodeInvalidParameterValue, "'yaml'")
	_, err = f.e.c.DescribeInstanceTable(f.e.ctx, use1, &DescribeInstanceTableInput{Format: "ids", DescribeInstancesInput: DescribeInstancesInput{Filters: []Filter{newFilter("bogus", "x")}}})
	wantCode(t, err, CodeInvalidParameterValue, "'bogus'")
}

func TestWildMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "a/b/c", true},
		{"a*", "a", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"*b*", "aaabaaa", true},
		{"a*b*c", "a-b-x-b-c", true},
		{"a*b*c", "a-c-b", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "a/c", true},
		{"??", "é!", true}, // ? is one character, not one byte
		{"**", "x", true},
		{"[ab]", "a", false},
		{"[ab]", "[ab]", true},
		{`a\*`, `a\xyz`, true}, // backslash is literal, not an escape
		{"web-*", "web-1", true},
		{"web-*", "db-1", false},
	}
	for _, tc := range cases {
		if got := wildMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("wildMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
