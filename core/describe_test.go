package core

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/describe"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/instance"
)

// describeFleet is four instances that differ in every filtered field:
// A runs in us-east-1a with a key and a ClientToken, B is stopped in
// us-east-1b, C and D are one pending reservation of two in us-east-1c.
type describeFleet struct {
	e          *env
	a, b, c, d *ec2.Instance
}

func newDescribeFleet(t *testing.T) *describeFleet {
	e := newEnv(t, "")
	if _, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: "k1", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	a := e.run(use1, &ec2.RunInstancesInput{KeyName: "k1", ClientToken: "tok-a", Placement: &ec2.Placement{AvailabilityZone: "us-east-1a"},
		TagSpecifications:   instanceTags("Name", "web-1", "env", "prod", "path", "team/web/blue", "odd", `a[b]\c`),
		BlockDeviceMappings: []ec2.BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &ec2.EbsBlockDevice{Encrypted: &yes, DeleteOnTermination: &no}}},
		HibernationOptions:  &ec2.HibernationOptionsRequest{Configured: true}, IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "web"},
		PrivateDnsNameOptions:            &ec2.PrivateDnsNameOptionsRequest{HostnameType: "resource-name", EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: true},
		MaintenanceOptions:               &ec2.InstanceMaintenanceOptionsRequest{AutoRecovery: "disabled"},
		CapacityReservationSpecification: &ec2.CapacityReservationSpecification{CapacityReservationPreference: "none"},
		KernelId:                         "aki-12345678", RamdiskId: "ari-12345678"}).Instances[0]
	e.advance(10 * time.Second)
	b := e.run(use1, &ec2.RunInstancesInput{InstanceType: "t3.small", Placement: &ec2.Placement{AvailabilityZone: "us-east-1b"},
		TagSpecifications: instanceTags("Name", "db-1", "env", "dev"), EbsOptimized: true,
		Monitoring: &ec2.RunInstancesMonitoringEnabled{Enabled: true},
		MetadataOptions: &ec2.InstanceMetadataOptionsRequest{HttpTokens: "required", HttpPutResponseHopLimit: 2,
			HttpEndpoint: "disabled", InstanceMetadataTags: "enabled"}}).Instances[0]
	e.advance(10 * time.Second)
	e.wait(use1, ec2.StateRunning, a.InstanceId, b.InstanceId)
	e.stop(use1, false, b.InstanceId)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, b.InstanceId)
	cd := e.run(use1, &ec2.RunInstancesInput{MinCount: 2, InstanceType: "m5.large", ImageId: "debian-12",
		Placement: &ec2.Placement{AvailabilityZone: "us-east-1c"}}).Instances
	f := &describeFleet{e: e}
	f.a, f.b, f.c, f.d = e.get(use1, a.InstanceId), e.get(use1, b.InstanceId), e.get(use1, cd[0].InstanceId), e.get(use1, cd[1].InstanceId)
	return f
}

func TestDescribeInstancesFilters(t *testing.T) {
	f := newDescribeFleet(t)
	a, b, c, d := f.a, f.b, f.c, f.d
	all := []*ec2.Instance{a, b, c, d}
	cases := append([]filterCase{
		{"instance-id", []ec2.Filter{newFilter("instance-id", a.InstanceId, c.InstanceId)}, []*ec2.Instance{a, c}},
		{"instance-state-name", []ec2.Filter{newFilter("instance-state-name", "stopped", "pending")}, []*ec2.Instance{b, c, d}},
		{"instance-state-code", []ec2.Filter{newFilter("instance-state-code", "16")}, []*ec2.Instance{a}},
		{"instance-type", []ec2.Filter{newFilter("instance-type", "m5.*")}, []*ec2.Instance{c, d}},
		{"availability-zone", []ec2.Filter{newFilter("availability-zone", "us-east-1?")}, all},
		{"image-id", []ec2.Filter{newFilter("image-id", f.e.cfg.Images["debian-12"].IDs[use1])}, []*ec2.Instance{c, d}},
		{"key-name", []ec2.Filter{newFilter("key-name", "k1")}, []*ec2.Instance{a}},
		{"private-ip-address", []ec2.Filter{newFilter("private-ip-address", b.PrivateIpAddress)}, []*ec2.Instance{b}},
		{"ip-address", []ec2.Filter{newFilter("ip-address", "198.18.*")}, []*ec2.Instance{a, c, d}},
		{"private-dns-name", []ec2.Filter{newFilter("private-dns-name", "*.ec2.internal")}, all},
		{"dns-name", []ec2.Filter{newFilter("dns-name", a.PublicDnsName)}, []*ec2.Instance{a}},
		{"subnet-id", []ec2.Filter{newFilter("subnet-id", b.SubnetId)}, []*ec2.Instance{b}},
		{"vpc-id", []ec2.Filter{newFilter("vpc-id", a.VpcId)}, all},
		{"host-id", []ec2.Filter{newFilter("host-id", a.Placement.HostId)}, []*ec2.Instance{a}},
		{"architecture", []ec2.Filter{newFilter("architecture", "x86_64")}, all},
		{"hypervisor", []ec2.Filter{newFilter("hypervisor", "sim")}, all},
		{"virtualization-type", []ec2.Filter{newFilter("virtualization-type", "hvm")}, all},
		{"client-token", []ec2.Filter{newFilter("client-token", "tok-a")}, []*ec2.Instance{a}},
		{"tenancy", []ec2.Filter{newFilter("tenancy", "default")}, all},
		{"root-device-type", []ec2.Filter{newFilter("root-device-type", "ebs")}, all},
		{"launch-time", []ec2.Filter{newFilter("launch-time", "2026-03-04T05:06:2*")}, []*ec2.Instance{c, d}},
		{"ami-launch-index", []ec2.Filter{newFilter("ami-launch-index", "1")}, []*ec2.Instance{d}},
		{"instance-lifecycle", []ec2.Filter{newFilter("instance-lifecycle", "on-demand")}, all},
		{"instance-state-reason-code", []ec2.Filter{newFilter("instance-state-reason-code", "Client.UserInitiatedShutdown")}, []*ec2.Instance{b}},
		{"tag-key", []ec2.Filter{newFilter("tag-key", "env")}, []*ec2.Instance{a, b}},
		{"tag-value", []ec2.Filter{newFilter("tag-value", "prod", "db-*")}, []*ec2.Instance{a, b}},
		{"monitoring-state", []ec2.Filter{newFilter("monitoring-state", "enabled")}, []*ec2.Instance{b}},
		{"metadata-options.http-tokens", []ec2.Filter{newFilter("metadata-options.http-tokens", "optional")}, []*ec2.Instance{a, c, d}},
		{"metadata-options.http-put-response-hop-limit", []ec2.Filter{newFilter("metadata-options.http-put-response-hop-limit", "2")}, []*ec2.Instance{b}},
		{"metadata-options.http-endpoint", []ec2.Filter{newFilter("metadata-options.http-endpoint", "disabled")}, []*ec2.Instance{b}},
		{"metadata-options.instance-metadata-tags", []ec2.Filter{newFilter("metadata-options.instance-metadata-tags", "enabled")}, []*ec2.Instance{b}},
		{"network-interface.network-interface-id", []ec2.Filter{newFilter("network-interface.network-interface-id", c.NetworkInterfaces[0].NetworkInterfaceId)}, []*ec2.Instance{c}},
		{"network-interface.addresses.private-ip-address", []ec2.Filter{newFilter("network-interface.addresses.private-ip-address", d.PrivateIpAddress)}, []*ec2.Instance{d}},
		{"network-interface.addresses.association.public-ip", []ec2.Filter{newFilter("network-interface.addresses.association.public-ip", a.PublicIpAddress)}, []*ec2.Instance{a}},
		{"instance.group-id", []ec2.Filter{newFilter("instance.group-id", a.SecurityGroups[0].GroupId)}, all},
		{"instance.group-name", []ec2.Filter{newFilter("instance.group-name", "default")}, all},
		{"tag:KEY", []ec2.Filter{newFilter("tag:Name", "web-1")}, []*ec2.Instance{a}},
		{"tag:KEY with *", []ec2.Filter{newFilter("tag:Name", "*-1")}, []*ec2.Instance{a, b}},
		{"tag:KEY with ?", []ec2.Filter{newFilter("tag:Name", "db-?")}, []*ec2.Instance{b}},
		{"* spans slashes", []ec2.Filter{newFilter("tag:path", "team/*")}, []*ec2.Instance{a}},
		{"? matches a slash", []ec2.Filter{newFilter("tag:path", "team?web?blue")}, []*ec2.Instance{a}},
		{"brackets and backslashes are literal", []ec2.Filter{newFilter("tag:odd", `a[b]\*`)}, []*ec2.Instance{a}},
		{"exact values are exact", []ec2.Filter{newFilter("tag:Name", "web")}, nil},
		{"untagged key matches nothing", []ec2.Filter{newFilter("tag:Missing", "*")}, nil},
		{"OR within values", []ec2.Filter{newFilter("tag:env", "prod", "dev")}, []*ec2.Instance{a, b}},
		{"AND across filters", []ec2.Filter{newFilter("tag:env", "prod", "dev"), newFilter("instance-state-name", "stopped")}, []*ec2.Instance{b}},
		{"AND that nothing meets", []ec2.Filter{newFilter("instance-type", "t2.micro"), newFilter("tag:env", "dev")}, nil},
		{"spot is not on-demand", []ec2.Filter{newFilter("instance-lifecycle", "spot")}, nil},
		{"spot-instance-request-id", []ec2.Filter{newFilter("spot-instance-request-id", "sir-*")}, nil},
		{"reservation-id", []ec2.Filter{newFilter("reservation-id", "r-*")}, all},
		{"block-device-mapping.attach-time", []ec2.Filter{newFilter("block-device-mapping.attach-time", a.LaunchTime.UTC().Format(time.RFC3339))}, []*ec2.Instance{a}},
		{"block-device-mapping.delete-on-termination", []ec2.Filter{newFilter("block-device-mapping.delete-on-termination", "false")}, []*ec2.Instance{a}},
		{"block-device-mapping.device-name", []ec2.Filter{newFilter("block-device-mapping.device-name", "/dev/xvda")}, all},
		{"block-device-mapping.status", []ec2.Filter{newFilter("block-device-mapping.status", "attached")}, all},
		{"block-device-mapping.volume-id", []ec2.Filter{newFilter("block-device-mapping.volume-id", a.BlockDeviceMappings[0].Ebs.VolumeId)}, []*ec2.Instance{a}},
		{"boot-mode", []ec2.Filter{newFilter("boot-mode", "uefi-preferred")}, all},
		{"current-instance-boot-mode", []ec2.Filter{newFilter("current-instance-boot-mode", "uefi")}, nil},
		{"capacity-reservation-specification.capacity-reservation-preference", []ec2.Filter{newFilter("capacity-reservation-specification.capacity-reservation-preference", "none")}, []*ec2.Instance{a}},
		{"ebs-optimized", []ec2.Filter{newFilter("ebs-optimized", "true")}, []*ec2.Instance{b}},
		{"hibernation-options.configured", []ec2.Filter{newFilter("hibernation-options.configured", "true")}, []*ec2.Instance{a}},
		{"iam-instance-profile.arn", []ec2.Filter{newFilter("iam-instance-profile.arn", "*:instance-profile/web")}, []*ec2.Instance{a}},
		{"kernel-id", []ec2.Filter{newFilter("kernel-id", "aki-*")}, []*ec2.Instance{a}},
		{"ramdisk-id", []ec2.Filter{newFilter("ramdisk-id", "ari-12345678")}, []*ec2.Instance{a}},
		{"root-device-name", []ec2.Filter{newFilter("root-device-name", "/dev/xvda")}, all},
		{"platform-details", []ec2.Filter{newFilter("platform-details", "Linux/UNIX")}, all},
		{"usage-operation", []ec2.Filter{newFilter("usage-operation", "RunInstances")}, all},
		{"maintenance-options.auto-recovery", []ec2.Filter{newFilter("maintenance-options.auto-recovery", "default")}, []*ec2.Instance{b, c, d}},
		{"private-dns-name-options.hostname-type", []ec2.Filter{newFilter("private-dns-name-options.hostname-type", "resource-name")}, []*ec2.Instance{a}},
		{"private-dns-name-options.enable-resource-name-dns-a-record", []ec2.Filter{newFilter("private-dns-name-options.enable-resource-name-dns-a-record", "true")}, []*ec2.Instance{a}},
		{"private-dns-name-options.enable-resource-name-dns-aaaa-record", []ec2.Filter{newFilter("private-dns-name-options.enable-resource-name-dns-aaaa-record", "false")}, []*ec2.Instance{b, c, d}},
		{"owner-id", []ec2.Filter{newFilter("owner-id", ec2.OwnerID)}, all},
		{"requester-id: none launched for another service", []ec2.Filter{newFilter("requester-id", "*")}, nil},
		{"placement-group-name", []ec2.Filter{newFilter("placement-group-name", "*")}, nil},
		{"product-code", []ec2.Filter{newFilter("product-code", "*")}, nil},
		{"source-dest-check", []ec2.Filter{newFilter("source-dest-check", "true")}, all},
	}, netFilterCases(f)...)
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
	for _, name := range instance.InstanceFilterNames() {
		if !covered[name] && !strings.HasPrefix(name, "tag") {
			t.Errorf("filter %q has no test case", name)
		}
	}
	t.Run("filters narrow a list of IDs", func(t *testing.T) {
		out, err := f.e.c.DescribeInstances(f.e.ctx, use1, &ec2.DescribeInstancesInput{InstanceIds: []string{a.InstanceId, b.InstanceId},
			Filters: []ec2.Filter{newFilter("instance-state-name", "running")}})
		if err != nil || !slices.Equal(idsOf(out.Instances), []string{a.InstanceId}) {
			t.Errorf("got %v, %v", out, err)
		}
	})
}

func TestDescribeInstancesFilterErrors(t *testing.T) {
	e := newEnv(t, "")
	cases := []struct {
		name   string
		filter ec2.Filter
		frag   string
	}{
		{"unknown name", newFilter("color", "blue"), "The filter 'color' is invalid"},
		{"tag: without a key", newFilter("tag:", "x"), "'tag:'"},
		{"no values", newFilter("instance-type"), "needs at least one value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.DescribeInstances(e.ctx, use1, &ec2.DescribeInstancesInput{Filters: []ec2.Filter{tc.filter}})
			wantCode(t, err, ec2.CodeInvalidParameterValue, tc.frag)
		})
	}
	names := instance.InstanceFilterNames()
	if !sort.StringsAreSorted(names) || !slices.Contains(names, "tag:<key>") || !slices.Contains(names, "tag-key") || !slices.Contains(names, "tag-value") || !slices.Contains(names, "instance-state-name") {
		t.Errorf("InstanceFilterNames() = %v", names)
	}
}

func TestDescribeInstancesOrder(t *testing.T) {
	f := newDescribeFleet(t)
	want := idsOf([]*ec2.Instance{f.a, f.b, f.c, f.d})
	if got := f.e.list(use1); !slices.Equal(got, want) {
		t.Errorf("listing %v, want oldest launch first, then launch index: %v", got, want)
	}
	// Asking by ID answers in the order asked, as EC2 does.
	out, err := f.e.c.DescribeInstances(f.e.ctx, use1, &ec2.DescribeInstancesInput{InstanceIds: []string{f.d.InstanceId, f.b.InstanceId, f.a.InstanceId}})
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(out.Instances); !slices.Equal(got, []string{f.d.InstanceId, f.b.InstanceId, f.a.InstanceId}) {
		t.Errorf("by ID: %v", got)
	}
	// The answer is a list even when empty, for jq.
	empty, err := f.e.c.DescribeInstances(f.e.ctx, usw2, &ec2.DescribeInstancesInput{})
	if err != nil || empty.Instances == nil || len(empty.Instances) != 0 {
		t.Errorf("empty region: %+v, %v", empty, err)
	}
}

func TestDescribeInstanceRows(t *testing.T) {
	f := newDescribeFleet(t)
	rows := func(idsOnly bool, fs ...ec2.Filter) [][]string {
		t.Helper()
		out, err := f.e.c.DescribeInstanceRows(f.e.ctx, use1, &ec2.DescribeInstanceRowsInput{
			DescribeInstancesInput: ec2.DescribeInstancesInput{Filters: fs}, IdsOnly: idsOnly})
		if err != nil {
			t.Fatal(err)
		}
		body := string(out.Body)
		if body != "" && !strings.HasSuffix(body, "\n") {
			t.Fatalf("rows do not end with a newline: %q", body)
		}
		var rows [][]string
		for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
			if l != "" {
				rows = append(rows, ec2.RowFields(l))
			}
		}
		return rows
	}
	var ids []string
	for _, r := range rows(true) {
		if len(r) != 1 {
			t.Fatalf("IdsOnly row %q", r)
		}
		ids = append(ids, r[0])
	}
	if want := idsOf([]*ec2.Instance{f.a, f.b, f.c, f.d}); !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	got := rows(false, newFilter("tag:Name", "web-1"))
	a := f.a
	want := []string{a.InstanceId, "web-1", a.InstanceType, "running", a.Placement.AvailabilityZone, a.PrivateIpAddress, a.PublicIpAddress, a.LaunchTime.UTC().Format(time.RFC3339)}
	if len(got) != 1 || !slices.Equal(got[0], want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if got := rows(false, newFilter("instance-state-name", "stopped")); len(got) != 1 || got[0][1] != "db-1" || got[0][6] != "" {
		t.Errorf("a stopped instance's row %q: no public IP", got)
	}
	// A Name with the row's separators in it comes back whole.
	odd := "a\tb\nc\\d"
	if _, err := f.e.c.CreateTags(f.e.ctx, use1, &ec2.CreateTagsInput{Resources: []string{f.c.InstanceId}, Tags: []ec2.Tag{{Key: "Name", Value: odd}}}); err != nil {
		t.Fatal(err)
	}
	if got := rows(false, newFilter("instance-id", f.c.InstanceId)); len(got) != 1 || len(got[0]) != 8 || got[0][1] != odd {
		t.Errorf("a Name with a tab, a newline and a backslash: %q", got)
	}
	_, err := f.e.c.DescribeInstanceRows(f.e.ctx, use1, &ec2.DescribeInstanceRowsInput{DescribeInstancesInput: ec2.DescribeInstancesInput{Filters: []ec2.Filter{newFilter("bogus", "x")}}})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "'bogus'")
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
		if got := describe.WildMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("WildMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
