package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// describeJSONRef is what `ec2x ls -o json` printed before the daemon
// kept instances encoded: DescribeInstances' answer, encoded afresh (HTML
// escaped, as the API's encoder does) and indented by four spaces.
func describeJSONRef(t testing.TB, e *env, in *ec2.DescribeInstancesInput) []byte {
	t.Helper()
	out, err := e.c.DescribeInstances(e.ctx, use1, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// must(t)(call()) fails t if the call failed.
func must(t testing.TB) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// sameJSON fails unless DescribeInstancesJSON prints the reference's bytes.
func sameJSON(t *testing.T, e *env, in *ec2.DescribeInstancesInput) {
	t.Helper()
	got, err := e.c.DescribeInstancesJSON(e.ctx, use1, in)
	if err != nil {
		t.Fatal(err)
	}
	want := describeJSONRef(t, e, in)
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			t.Fatalf("line %d: got %q, want %q (%d and %d bytes)", i+1, gl[i], wl[i], len(got), len(want))
		}
	}
	t.Fatalf("got %d lines, want %d", len(gl), len(wl))
}

func tagOne(t testing.TB, e *env, id string, n int) {
	t.Helper()
	if _, err := e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2.Tag{{Key: "n", Value: fmt.Sprint(n)}}}); err != nil {
		t.Fatal(err)
	}
}

// The JSON `ls -o json` prints is the same bytes whether the daemon kept
// an instance encoded or encodes it afresh: each change below is listed
// once before (the instance is then cached) and once after, and a cache
// that missed the change would print the old instance.
func TestDescribeInstancesJSONFollowsChanges(t *testing.T) {
	e := newEnv(t, instantBoot)
	ids := e.launchRunning(use1, 12)
	all := &ec2.DescribeInstancesInput{}
	eni := func(id string) string { return e.get(use1, id).NetworkInterfaces[0].NetworkInterfaceId }
	cases := []struct {
		name   string
		change func(t *testing.T, id string)
	}{
		{"tag", func(t *testing.T, id string) { tagOne(t, e, id, 1) }},
		{"tag with HTML and control characters", func(t *testing.T, id string) {
			must(t)(e.c.CreateTags(e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2.Tag{{Key: "Name", Value: "<b>&\"x\x1b[2J\u2028"}}}))
		}},
		{"untag", func(t *testing.T, id string) {
			tagOne(t, e, id, 2)
			sameJSON(t, e, all)
			must(t)(e.c.DeleteTags(e.ctx, use1, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []ec2.TagMatch{{Key: "n"}}}))
		}},
		{"stop", func(t *testing.T, id string) {
			e.stop(use1, false, id)
			e.wait(use1, ec2.StateStopped, id)
		}},
		{"stop and start", func(t *testing.T, id string) {
			e.stop(use1, false, id)
			e.wait(use1, ec2.StateStopped, id)
			sameJSON(t, e, all)
			e.start(use1, id)
			e.wait(use1, ec2.StateRunning, id)
		}},
		{"terminate", func(t *testing.T, id string) {
			e.terminate(use1, id)
			e.wait(use1, ec2.StateTerminated, id)
		}},
		{"Elastic IP associated (the interface changes, not the instance)", func(t *testing.T, id string) {
			a, err := e.c.AllocateAddress(e.ctx, use1, &ec2.AllocateAddressInput{})
			must(t)(a, err)
			must(t)(e.c.AssociateAddress(e.ctx, use1, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: id}))
		}},
		{"secondary private IP", func(t *testing.T, id string) {
			must(t)(e.c.AssignPrivateIpAddresses(e.ctx, use1, &ec2.AssignPrivateIpAddressesInput{NetworkInterfaceId: eni(id), SecondaryPrivateIpAddressCount: 1}))
		}},
		{"interface description and groups", func(t *testing.T, id string) {
			g, err := e.c.CreateSecurityGroup(e.ctx, use1, &ec2.CreateSecurityGroupInput{GroupName: "web", Description: "web"})
			must(t)(g, err)
			must(t)(e.c.ModifyNetworkInterfaceAttribute(e.ctx, use1, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: eni(id), Description: &ec2.AttributeValue{Value: "front"}}))
			sameJSON(t, e, all)
			must(t)(e.c.ModifyNetworkInterfaceAttribute(e.ctx, use1, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: eni(id), Groups: []string{g.GroupId}}))
		}},
		{"second interface attached", func(t *testing.T, id string) {
			c, err := e.c.CreateNetworkInterface(e.ctx, use1, &ec2.CreateNetworkInterfaceInput{SubnetId: e.get(use1, id).SubnetId})
			must(t)(c, err)
			must(t)(e.c.AttachNetworkInterface(e.ctx, use1, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: c.NetworkInterface.NetworkInterfaceId, InstanceId: id, DeviceIndex: ptr(1)}))
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := ids[i]
			sameJSON(t, e, all)
			tc.change(t, id)
			sameJSON(t, e, all)
			sameJSON(t, e, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		})
	}
}

// Filters, pages and an empty answer print as the encoder prints them.
func TestDescribeInstancesJSONShapes(t *testing.T) {
	e := newEnv(t, instantBoot)
	ids := e.launchRunning(use1, 7)
	first, err := e.c.DescribeInstances(e.ctx, use1, &ec2.DescribeInstancesInput{MaxResults: 5})
	if err != nil {
		t.Fatal(err)
	}
	if first.NextToken == "" {
		t.Fatal("no NextToken after 5 of 7 instances")
	}
	for _, tc := range []struct {
		name string
		in   ec2.DescribeInstancesInput
	}{
		{"all", ec2.DescribeInstancesInput{}},
		{"by ID", ec2.DescribeInstancesInput{InstanceIds: ids[2:4]}},
		{"first page", ec2.DescribeInstancesInput{MaxResults: 5}},
		{"last page", ec2.DescribeInstancesInput{MaxResults: 5, NextToken: first.NextToken}},
		{"none", ec2.DescribeInstancesInput{Filters: []ec2.Filter{newFilter("instance-state-name", "stopped")}}},
	} {
		t.Run(tc.name, func(t *testing.T) { sameJSON(t, e, &tc.in) })
	}
}

// Listings and changes at once share the cache without a race (under
// -race) and leave it current.
func TestDescribeInstancesJSONConcurrent(t *testing.T) {
	e := newEnv(t, instantBoot)
	ids := e.launchRunning(use1, 20)
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := e.c.DescribeInstancesJSON(e.ctx, use1, &ec2.DescribeInstancesInput{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 40 {
			in := &ec2.CreateTagsInput{Resources: []string{ids[i%len(ids)]}, Tags: []ec2.Tag{{Key: "n", Value: fmt.Sprint(i)}}}
			if _, err := e.c.CreateTags(e.ctx, use1, in); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sameJSON(t, e, &ec2.DescribeInstancesInput{})
}
