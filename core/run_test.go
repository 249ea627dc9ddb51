package core

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

func TestRunInstancesDefaults(t *testing.T) {
	e := newEnv(t, "")
	out := e.run(use1, &ec2.RunInstancesInput{})
	if len(out.Instances) != 1 {
		t.Fatalf("launched %d instances, want 1", len(out.Instances))
	}
	if !strings.HasPrefix(out.ReservationId, "r-") || out.OwnerId != ec2.OwnerID {
		t.Errorf("reservation %q owner %q", out.ReservationId, out.OwnerId)
	}
	in := out.Instances[0]
	ami := e.cfg.Images[e.cfg.Regions[use1].DefaultImage].IDs[use1]
	checks := []struct {
		what      string
		got, want any
	}{
		{"state", in.State, ec2.InstanceState{Code: 0, Name: "pending"}},
		{"type", in.InstanceType, "t2.micro"},
		{"image", in.ImageId, ami},
		{"architecture", in.Architecture, "x86_64"},
		{"virtualization", in.VirtualizationType, "hvm"},
		{"hypervisor", in.Hypervisor, "sim"},
		{"cpu options", in.CpuOptions, ec2.CpuOptions{CoreCount: 1, ThreadsPerCore: 1}},
		{"security groups", len(in.SecurityGroups), 1},
		{"group name", in.SecurityGroups[0].GroupName, "default"},
		{"tenancy", in.Placement.Tenancy, "default"},
		{"launch time", in.LaunchTime, epoch},
		{"launch index", in.AmiLaunchIndex, 0},
		{"root device", in.RootDeviceType, "ebs"},
		{"interfaces", len(in.NetworkInterfaces), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if !ec2.ValidInstanceID(in.InstanceId) || len(in.InstanceId) != len("i-")+17 {
		t.Errorf("instance ID %q is not i- and 17 hex digits", in.InstanceId)
	}
	if !contains(e.cfg.Regions[use1].Zones, in.Placement.AvailabilityZone) || in.Placement.HostId == "" {
		t.Errorf("placement %+v", in.Placement)
	}
	if !netip.MustParsePrefix("172.31.0.0/16").Contains(netip.MustParseAddr(in.PrivateIpAddress)) {
		t.Errorf("private IP %s is outside the default VPC", in.PrivateIpAddress)
	}
	if !netip.MustParsePrefix(e.cfg.Regions[use1].PublicPool).Contains(netip.MustParseAddr(in.PublicIpAddress)) {
		t.Errorf("public IP %s is outside the region's pool", in.PublicIpAddress)
	}
	if want := "ip-" + strings.ReplaceAll(in.PrivateIpAddress, ".", "-") + ".ec2.internal"; in.PrivateDnsName != want {
		t.Errorf("private DNS %q, want %q", in.PrivateDnsName, want)
	}
	if want := "ec2-" + strings.ReplaceAll(in.PublicIpAddress, ".", "-") + ".compute-1.amazonaws.com"; in.PublicDnsName != want {
		t.Errorf("public DNS %q, want %q", in.PublicDnsName, want)
	}
	ni := in.NetworkInterfaces[0]
	if ni.PrivateIpAddress != in.PrivateIpAddress || ni.Association == nil || ni.Association.PublicIp != in.PublicIpAddress ||
		ni.SubnetId != in.SubnetId || ni.Attachment.DeviceIndex != 0 || !strings.HasPrefix(ni.NetworkInterfaceId, "eni-") {
		t.Errorf("primary interface %+v does not match the instance", ni)
	}
	// Other regions name their DNS differently.
	w := e.run(usw2, &ec2.RunInstancesInput{}).Instances[0]
	if !strings.HasSuffix(w.PrivateDnsName, ".us-west-2.compute.internal") || !strings.HasSuffix(w.PublicDnsName, ".us-west-2.compute.amazonaws.com") {
		t.Errorf("us-west-2 DNS names %q, %q", w.PrivateDnsName, w.PublicDnsName)
	}
}

func TestRunInstancesCount(t *testing.T) {
	cases := []struct {
		name     string
		min, max int
		want     int
	}{
		{"neither means one", 0, 0, 1},
		{"MinCount alone", 3, 0, 3},
		{"MaxCount alone", 0, 4, 4},
		{"range launches MaxCount when it fits", 2, 5, 5},
		{"equal", 7, 7, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			out := e.run(use1, &ec2.RunInstancesInput{MinCount: tc.min, MaxCount: tc.max})
			if len(out.Instances) != tc.want {
				t.Fatalf("launched %d, want %d", len(out.Instances), tc.want)
			}
			seen := map[string]bool{}
			for i, in := range out.Instances {
				if in.AmiLaunchIndex != i || seen[in.InstanceId] {
					t.Errorf("instance %d: launch index %d, ID %s (dup %v)", i, in.AmiLaunchIndex, in.InstanceId, seen[in.InstanceId])
				}
				seen[in.InstanceId] = true
				if in.Placement.AvailabilityZone != out.Instances[0].Placement.AvailabilityZone || in.SubnetId != out.Instances[0].SubnetId {
					t.Errorf("reservation spans zones: %s and %s", in.Placement.AvailabilityZone, out.Instances[0].Placement.AvailabilityZone)
				}
			}
			if got := e.list(use1); len(got) != tc.want {
				t.Errorf("DescribeInstances lists %d, want %d", len(got), tc.want)
			}
		})
	}
}

func TestRunInstancesOptions(t *testing.T) {
	e := newEnv(t, "[sim]\nboot_seconds = 0\nstop_seconds = 0\n")
	if _, err := e.c.CreateKeyPair(e.ctx, use1, &ec2.CreateKeyPairInput{KeyName: "deploy", KeyType: "ed25519"}); err != nil {
		t.Fatal(err)
	}
	sub1b := e.net(use1).SubnetByZone("us-east-1b").SubnetId
	script := "#!/bin/sh\necho hello\n"
	cases := []struct {
		name  string
		in    ec2.RunInstancesInput
		check func(t *testing.T, in *ec2.Instance)
	}{
		{"tags and Name", ec2.RunInstancesInput{TagSpecifications: append(instanceTags("Name", "web-1", "team", "blue"),
			ec2.TagSpecification{ResourceType: "volume", Tags: []ec2.Tag{{Key: "ignored", Value: "x"}}})},
			func(t *testing.T, in *ec2.Instance) {
				if name, _ := in.Tag("Name"); name != "web-1" || len(in.Tags) != 2 {
					t.Errorf("tags %v", in.Tags)
				}
			}},
		{"key pair", ec2.RunInstancesInput{KeyName: "deploy"}, func(t *testing.T, in *ec2.Instance) {
			if in.KeyName != "deploy" {
				t.Errorf("KeyName %q", in.KeyName)
			}
		}},
		{"zone", ec2.RunInstancesInput{Placement: &ec2.Placement{AvailabilityZone: "us-east-1c"}}, func(t *testing.T, in *ec2.Instance) {
			if in.Placement.AvailabilityZone != "us-east-1c" || in.SubnetId != e.net(use1).SubnetByZone("us-east-1c").SubnetId {
				t.Errorf("placed in %s, subnet %s", in.Placement.AvailabilityZone, in.SubnetId)
			}
		}},
		{"subnet picks the zone", ec2.RunInstancesInput{SubnetId: sub1b}, func(t *testing.T, in *ec2.Instance) {
			if in.SubnetId != sub1b || in.Placement.AvailabilityZone != "us-east-1b" {
				t.Errorf("subnet %s zone %s", in.SubnetId, in.Placement.AvailabilityZone)
			}
		}},
		{"subnet and its own zone", ec2.RunInstancesInput{SubnetId: sub1b, Placement: &ec2.Placement{AvailabilityZone: "us-east-1b"}}, func(t *testing.T, in *ec2.Instance) {
			if in.SubnetId != sub1b {
				t.Errorf("subnet %s", in.SubnetId)
			}
		}},
		{"image by name", ec2.RunInstancesInput{ImageId: "debian-12"}, func(t *testing.T, in *ec2.Instance) {
			if in.ImageId != e.cfg.Images["debian-12"].IDs[use1] {
				t.Errorf("image %s", in.ImageId)
			}
		}},
		{"image by ID", ec2.RunInstancesInput{ImageId: e.cfg.Images["ubuntu-24.04"].IDs[use1]}, func(t *testing.T, in *ec2.Instance) {
			if in.ImageId != e.cfg.Images["ubuntu-24.04"].IDs[use1] {
				t.Errorf("image %s", in.ImageId)
			}
		}},
		{"type sets CPU options", ec2.RunInstancesInput{InstanceType: "m5.xlarge"}, func(t *testing.T, in *ec2.Instance) {
			if in.InstanceType != "m5.xlarge" || in.CpuOptions != (ec2.CpuOptions{CoreCount: 2, ThreadsPerCore: 2}) {
				t.Errorf("type %s cpu %+v", in.InstanceType, in.CpuOptions)
			}
		}},
		{"user data", ec2.RunInstancesInput{UserData: base64.StdEncoding.EncodeToString([]byte(script))}, func(t *testing.T, in *ec2.Instance) {
			got, err := e.c.DescribeInstanceAttribute(e.ctx, use1, &ec2.DescribeInstanceAttributeInput{InstanceId: in.InstanceId, Attribute: "userData"})
			if err != nil {
				t.Fatal(err)
			}
			if raw, _ := base64.StdEncoding.DecodeString(got.UserData.Value); string(raw) != script {
				t.Errorf("user data %q", raw)
			}
		}},
		{"user data at the 16 KiB limit", ec2.RunInstancesInput{UserData: base64.StdEncoding.EncodeToString(make([]byte, 16*1024))}, nil},
		{"volume size", ec2.RunInstancesInput{BlockDeviceMappings: []ec2.BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &ec2.EbsBlockDevice{VolumeSize: 30}}}},
			func(t *testing.T, in *ec2.Instance) {
				e.wait(use1, ec2.StateRunning, in.InstanceId)
				log, err := e.driverOf(in.Placement.HostId).Console(e.ctx, in.InstanceId)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(log), "(32.2 GB/30 GiB)") {
					t.Errorf("the boot log does not show a 30 GiB root volume:\n%s", log)
				}
			}},
		{"security group by name and ID", ec2.RunInstancesInput{SecurityGroups: []string{"default"},
			SecurityGroupIds: []string{e.net(use1).DefaultGroupId}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			out := e.run(use1, &in)
			if tc.check != nil {
				tc.check(t, out.Instances[0])
				// The answer of RunInstances and DescribeInstances agree.
				tc.check(t, e.get(use1, out.Instances[0].InstanceId))
			}
		})
	}
	if got := e.list(use1, newFilter("key-name", "deploy")); len(got) != 1 {
		t.Errorf("key-name filter finds %v", got)
	}
}

func TestRunInstancesErrors(t *testing.T) {
	e := newEnv(t, "[limits]\nmax_count_per_run = 5\n")
	sub1a := e.net(use1).SubnetByZone("us-east-1a").SubnetId
	manyTags := make([]ec2.Tag, 51)
	for i := range manyTags {
		manyTags[i] = ec2.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
	}
	cases := []struct {
		name   string
		region string
		in     ec2.RunInstancesInput
		code   string
		frag   string
	}{
		{"unknown region", "mars-1", ec2.RunInstancesInput{}, ec2.CodeInvalidRegion, "mars-1"},
		{"MinCount above MaxCount", use1, ec2.RunInstancesInput{MinCount: 3, MaxCount: 2}, ec2.CodeInvalidParameterValue, "MinCount"},
		{"negative MinCount", use1, ec2.RunInstancesInput{MinCount: -1, MaxCount: 2}, ec2.CodeInvalidParameterValue, "MinCount"},
		{"over the per-request limit", use1, ec2.RunInstancesInput{MaxCount: 6}, ec2.CodeInstanceLimitExceeded, "limit of 5"},
		{"unknown type", use1, ec2.RunInstancesInput{InstanceType: "x9.huge"}, ec2.CodeInvalidParameterValue, "Invalid value 'x9.huge' for InstanceType."},
		{"malformed AMI", use1, ec2.RunInstancesInput{ImageId: "ami-12"}, ec2.CodeInvalidAMIIDMalformed, `"ami-12"`},
		{"unknown AMI", use1, ec2.RunInstancesInput{ImageId: "ami-0123456789abcdef0"}, ec2.CodeInvalidAMIIDNotFound, "ami-0123456789abcdef0"},
		{"AMI of another region", use1, ec2.RunInstancesInput{ImageId: e.cfg.Images["debian-12"].IDs[usw2]}, ec2.CodeInvalidAMIIDNotFound, ""},
		{"unknown image name", use1, ec2.RunInstancesInput{ImageId: "windows-xp"}, ec2.CodeInvalidAMIIDNotFound, "windows-xp"},
		{"unknown key", use1, ec2.RunInstancesInput{KeyName: "nokey"}, ec2.CodeInvalidKeyPairNotFound, "'nokey'"},
		{"unknown zone", use1, ec2.RunInstancesInput{Placement: &ec2.Placement{AvailabilityZone: "us-east-1z"}}, ec2.CodeInvalidParameterValue, "[us-east-1z]"},
		{"zone of another region", use1, ec2.RunInstancesInput{Placement: &ec2.Placement{AvailabilityZone: "us-west-2a"}}, ec2.CodeInvalidParameterValue, "us-west-2a"},
		{"unknown subnet", use1, ec2.RunInstancesInput{SubnetId: "subnet-0123456789abcdef0"}, ec2.CodeInvalidSubnetIDNotFound, "subnet-0123456789abcdef0"},
		{"subnet outside the zone", use1, ec2.RunInstancesInput{SubnetId: sub1a, Placement: &ec2.Placement{AvailabilityZone: "us-east-1b"}}, ec2.CodeInvalidParameterCombination, "us-east-1b"},
		{"unknown group ID", use1, ec2.RunInstancesInput{SecurityGroupIds: []string{"sg-0123456789abcdef0"}}, ec2.CodeInvalidGroupNotFound, "sg-0123456789abcdef0"},
		{"unknown group name", use1, ec2.RunInstancesInput{SecurityGroups: []string{"web"}}, ec2.CodeInvalidGroupNotFound, "'web'"},
		{"user data not base64", use1, ec2.RunInstancesInput{UserData: "not base64!"}, ec2.CodeInvalidParameterValue, "BASE64"},
		{"user data over 16 KiB", use1, ec2.RunInstancesInput{UserData: base64.StdEncoding.EncodeToString(make([]byte, 16*1024+1))}, ec2.CodeInvalidParameterValue, "16384"},
		{"aws: tag", use1, ec2.RunInstancesInput{TagSpecifications: instanceTags("aws:cloudformation:stack-name", "x")}, ec2.CodeInvalidParameterValue, "aws:"},
		{"empty tag key", use1, ec2.RunInstancesInput{TagSpecifications: instanceTags("", "x")}, ec2.CodeInvalidParameterValue, "Tag key"},
		{"51 tags", use1, ec2.RunInstancesInput{TagSpecifications: []ec2.TagSpecification{{ResourceType: "instance", Tags: manyTags}}}, ec2.CodeTagLimitExceeded, "50"},
		{"untaggable resource", use1, ec2.RunInstancesInput{TagSpecifications: []ec2.TagSpecification{{ResourceType: "bucket"}}}, ec2.CodeInvalidParameter, "'bucket'"},
		{"volume below the image", use1, ec2.RunInstancesInput{BlockDeviceMappings: []ec2.BlockDeviceMapping{{Ebs: &ec2.EbsBlockDevice{VolumeSize: 4}}}}, ec2.CodeInvalidParameterValue, "4GB"},
		{"volume over 64 TiB", use1, ec2.RunInstancesInput{BlockDeviceMappings: []ec2.BlockDeviceMapping{{Ebs: &ec2.EbsBlockDevice{VolumeSize: 65537}}}}, ec2.CodeInvalidParameterValue, "65536"},
		{"client token over 64", use1, ec2.RunInstancesInput{ClientToken: strings.Repeat("t", 65)}, ec2.CodeInvalidParameterValue, "64"},
		{"dry run", use1, ec2.RunInstancesInput{DryRun: true}, ec2.CodeDryRunOperation, "DryRun flag is set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := e.c.RunInstances(e.ctx, tc.region, &in)
			wantCode(t, err, tc.code, tc.frag)
		})
	}
	// A refused request launches nothing and holds nothing.
	if got := e.list(use1); len(got) != 0 {
		t.Errorf("refused requests left instances %v", got)
	}
	checkInvariants(t, e, use1)
}

// capacityFleet is a small fleet: two t2.micro fit in us-east-1a, eight in
// us-east-1b, and us-east-1c has no host at all. Overcommit is spelled out
// so that capacity can be read off the fleet (the built-in fleet has 4.0).
const capacityFleet = `
[sim]
boot_seconds = 0
stop_seconds = 0

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 2
memory_gib = 4
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]

[[hosts]]
zone = "us-east-1b"
count = 1
vcpus = 8
memory_gib = 16
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]
`

func TestRunInstancesCapacity(t *testing.T) {
	zone := func(z string) *ec2.Placement { return &ec2.Placement{AvailabilityZone: z} }
	t.Run("full zone names the zones that have room", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		e.run(use1, &ec2.RunInstancesInput{MinCount: 2, Placement: zone("us-east-1a")})
		_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{Placement: zone("us-east-1a")})
		wantCode(t, err, ec2.CodeInsufficientInstanceCapacity,
			"We currently do not have sufficient t2.micro capacity in the Availability Zone you requested (us-east-1a).",
			"You can currently get t2.micro capacity by not specifying an Availability Zone in your request or choosing us-east-1b.")
		if strings.Contains(err.Error(), "us-east-1c") {
			t.Errorf("the message offers us-east-1c, which has no host: %v", err)
		}
	})
	t.Run("MaxCount launches as many as fit", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		out := e.run(use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 5, Placement: zone("us-east-1a")})
		if len(out.Instances) != 2 {
			t.Fatalf("launched %d, want the 2 that fit", len(out.Instances))
		}
		checkInvariants(t, e, use1)
	})
	t.Run("MinCount that does not fit launches none", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 3, MaxCount: 5, Placement: zone("us-east-1a")})
		wantCode(t, err, ec2.CodeInsufficientInstanceCapacity, "us-east-1a")
		if got := e.list(use1); len(got) != 0 {
			t.Fatalf("a failed launch left %v", got)
		}
		for _, h := range e.hosts(use1) {
			if h.UsedVCPUs != 0 || h.Guests != 0 {
				t.Errorf("host %s still holds %d vCPUs after a failed launch", h.ID, h.UsedVCPUs)
			}
		}
		checkInvariants(t, e, use1)
	})
	t.Run("without a zone the reservation goes where all of it fits", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		out := e.run(use1, &ec2.RunInstancesInput{MinCount: 3, MaxCount: 3})
		for _, in := range out.Instances {
			if in.Placement.AvailabilityZone != "us-east-1b" {
				t.Errorf("%s landed in %s; only us-east-1b holds three", in.InstanceId, in.Placement.AvailabilityZone)
			}
		}
		checkInvariants(t, e, use1)
	})
	t.Run("one reservation stays in one zone", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		out := e.run(use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 10})
		zones := map[string]int{}
		for _, in := range out.Instances {
			zones[in.Placement.AvailabilityZone]++
		}
		if len(zones) != 1 {
			t.Errorf("one reservation spread over %v", zones)
		}
	})
	t.Run("nothing fits anywhere", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		e.run(use1, &ec2.RunInstancesInput{MinCount: 2, Placement: zone("us-east-1a")})
		e.run(use1, &ec2.RunInstancesInput{MinCount: 8, Placement: zone("us-east-1b")})
		_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{})
		wantCode(t, err, ec2.CodeInsufficientInstanceCapacity, "We currently do not have sufficient t2.micro capacity in us-east-1.")
	})
	t.Run("family no host serves", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{InstanceType: "m5.large"})
		wantCode(t, err, ec2.CodeInsufficientInstanceCapacity, "m5.large capacity in us-east-1")
	})
	t.Run("a zone without hosts", func(t *testing.T) {
		e := newEnv(t, capacityFleet)
		_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{Placement: zone("us-east-1c")})
		wantCode(t, err, ec2.CodeInsufficientInstanceCapacity, "(us-east-1c)", "us-east-1a, us-east-1b")
	})
}

func TestRunInstancesClientToken(t *testing.T) {
	e := newEnv(t, "")
	in := func() *ec2.RunInstancesInput {
		return &ec2.RunInstancesInput{MinCount: 2, ClientToken: "deploy-42", TagSpecifications: instanceTags("Name", "api")}
	}
	first := e.run(use1, in())
	again := e.run(use1, in())
	if again.ReservationId != first.ReservationId || !slices.Equal(idsOf(again.Instances), idsOf(first.Instances)) {
		t.Fatalf("retry gave reservation %s %v, want %s %v", again.ReservationId, idsOf(again.Instances), first.ReservationId, idsOf(first.Instances))
	}
	if got := e.list(use1); len(got) != 2 {
		t.Fatalf("a retry launched more: %v", got)
	}
	if got := e.list(use1, newFilter("client-token", "deploy-42")); len(got) != 2 {
		t.Errorf("client-token filter finds %v", got)
	}
	// The retry reports the instances as they are now.
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, idsOf(first.Instances)...)
	if now := e.run(use1, in()); now.Instances[0].State.Name != ec2.StateRunning {
		t.Errorf("retry after boot shows %s", now.Instances[0].State.Name)
	}
	cases := []struct {
		name string
		mod  func(*ec2.RunInstancesInput)
	}{
		{"other count", func(r *ec2.RunInstancesInput) { r.MinCount = 3 }},
		{"other type", func(r *ec2.RunInstancesInput) { r.InstanceType = "t3.micro" }},
		{"other tags", func(r *ec2.RunInstancesInput) { r.TagSpecifications = instanceTags("Name", "web") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := in()
			tc.mod(r)
			_, err := e.c.RunInstances(e.ctx, use1, r)
			wantCode(t, err, ec2.CodeIdempotentParameterMismatch, "'deploy-42'")
		})
	}
	t.Run("tokens belong to a region", func(t *testing.T) {
		w := e.run(usw2, in())
		if w.ReservationId == first.ReservationId || len(w.Instances) != 2 {
			t.Errorf("us-west-2 reused us-east-1's token: %s", w.ReservationId)
		}
	})
}

// A launch of 1,000 (EC2's limit per call) with the options scripts
// commonly give fits the one transaction a launch is, with room to spare.
func TestRunThousandInOneCall(t *testing.T) {
	e := newEnv(t, "[[hosts]]\nzone = \"us-east-1a\"\ncount = 20\nvcpus = 96\nmemory_gib = 768\ncpu_overcommit = 16.0\nmem_overcommit = 1.5\nfamilies = [\"t3\"]\n")
	out, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{MinCount: 1000, MaxCount: 1000, InstanceType: "t3.micro",
		Placement:          &ec2.Placement{AvailabilityZone: "us-east-1a"},
		TagSpecifications:  instanceTags("Name", "worker", "team", "batch-processing"),
		MetadataOptions:    &ec2.InstanceMetadataOptionsRequest{HttpTokens: "required"},
		IamInstanceProfile: &ec2.IamInstanceProfileSpecification{Name: "worker-role"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Instances) != 1000 {
		t.Fatalf("%d instances, want 1000", len(out.Instances))
	}
}
