package daemon

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// terraformCalls are the EC2 calls Terraform's AWS provider (5.100.0)
// made against ec2x for aws_key_pair, aws_security_group (default VPC),
// data.aws_ami, aws_instance and aws_eip: apply, a change of instance
// type from t3.micro to t3.small (stop, modify, start), and destroy;
// taken from its debug log, in order, each once, with the IDs ec2x gave
// replaced by {NAME}s. A call answered with an error the provider expects
// and tolerates is listed in terraformTolerated.
var terraformCalls = []string{
	"Action=DescribeImages&Filter.1.Name=name&Filter.1.Value.1=al2023-ami-2023.%2A-x86_64&IncludeDeprecated=false&Owner.1=amazon",
	"Action=GetInstanceUefiData&InstanceId={AMI}",
	"Action=CreateSecurityGroup&GroupDescription=web+servers&GroupName=web",
	"Action=ImportKeyPair&KeyName=tf&PublicKeyMaterial=c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUs3ei80bjUwc1plREtKYmR5WXVBWEtZMzRNSHdLZ0pNTUlNWGJINkh2c1kgdGYK",
	"Action=DescribeKeyPairs&KeyName.1=tf",
	"Action=DescribeSecurityGroups&GroupId.1={SG}",
	"Action=RevokeSecurityGroupEgress&GroupId={SG}&IpPermissions.1.FromPort=0&IpPermissions.1.IpProtocol=-1&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.ToPort=0",
	"Action=RevokeSecurityGroupEgress&GroupId={SG}&IpPermissions.1.FromPort=0&IpPermissions.1.IpProtocol=-1&IpPermissions.1.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0&IpPermissions.1.ToPort=0",
	"Action=AuthorizeSecurityGroupIngress&GroupId={SG}&IpPermissions.1.FromPort=22&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.ToPort=22",
	"Action=RunInstances&ClientToken=terraform-TOKEN&CreditSpecification.CpuCredits=unlimited&DisableApiTermination=false&EbsOptimized=false&HibernationOptions.Configured=false&ImageId={AMI}&InstanceType=t3.micro&KeyName=tf&MaxCount=1&MinCount=1&Monitoring.Enabled=false&Placement.AvailabilityZone=&SecurityGroupId.1={SG}&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=tf-web",
	"Action=DescribeInstances&InstanceId.1={INSTANCE}",
	"Action=DescribeInstanceTypes&InstanceType.1=t3.micro",
	"Action=DescribeTags&Filter.1.Name=key&Filter.1.Value.1=aws%3Aec2launchtemplate%3Aid&Filter.2.Name=resource-id&Filter.2.Value.1={INSTANCE}",
	"Action=DescribeVpcs&VpcId.1={VPC}",
	"Action=DescribeInstanceAttribute&Attribute=instanceInitiatedShutdownBehavior&InstanceId={INSTANCE}",
	"Action=DescribeVolumes&VolumeId.1={VOL}",
	"Action=DescribeInstanceAttribute&Attribute=disableApiStop&InstanceId={INSTANCE}",
	"Action=DescribeInstanceAttribute&Attribute=disableApiTermination&InstanceId={INSTANCE}",
	"Action=DescribeInstanceAttribute&Attribute=userData&InstanceId={INSTANCE}",
	"Action=DescribeInstanceCreditSpecifications&InstanceId.1={INSTANCE}",
	"Action=AllocateAddress&Domain=vpc",
	"Action=DescribeAddresses&AllocationId.1={ALLOC}",
	"Action=AssociateAddress&AllocationId={ALLOC}&InstanceId={INSTANCE}",
	"Action=DescribeAddresses&Filter.1.Name=association-id&Filter.1.Value.1={ASSOC}",
	"Action=DescribeAddressesAttribute&AllocationId.1={ALLOC}&Attribute=domain-name",
	"Action=DescribeInstanceTypes&InstanceType.1=t3.small",
	"Action=StopInstances&Force=false&InstanceId.1={INSTANCE}",
	"Action=ModifyInstanceAttribute&InstanceId={INSTANCE}&InstanceType.Value=t3.small",
	"Action=StartInstances&InstanceId.1={INSTANCE}",
	"Action=DisassociateAddress&AssociationId={ASSOC}",
	"Action=ReleaseAddress&AllocationId={ALLOC}&NetworkBorderGroup=us-east-1",
	"Action=ModifyInstanceAttribute&DisableApiTermination.Value=false&InstanceId={INSTANCE}",
	"Action=TerminateInstances&InstanceId.1={INSTANCE}",
	"Action=DescribeNetworkInterfaces&Filter.1.Name=group-id&Filter.1.Value.1={SG}",
	"Action=DeleteKeyPair&KeyName=tf",
	"Action=DeleteSecurityGroup&GroupId={SG}",
}

// terraformTolerated are the calls the provider makes knowing EC2 may
// refuse them, with the code it then expects.
var terraformTolerated = map[string]string{
	// Terraform revokes the IPv6 egress rule that a default VPC's groups lack.
	"IpPermissions.1.Ipv6Ranges.1.CidrIpv6": "InvalidPermission.NotFound",
	// data.aws_ami asks for an image's UEFI data with its image ID.
	"Action=GetInstanceUefiData": "InvalidInstanceID.Malformed",
}

// terraformCaptures read the IDs later calls name from an answer.
var terraformCaptures = map[string]*regexp.Regexp{
	"AMI":      regexp.MustCompile(`<imageId>(ami-[0-9a-f]+)</imageId>`),
	"SG":       regexp.MustCompile(`<groupId>(sg-[0-9a-f]+)</groupId>`),
	"INSTANCE": regexp.MustCompile(`<instanceId>(i-[0-9a-f]+)</instanceId>`),
	"VPC":      regexp.MustCompile(`<vpcId>(vpc-[0-9a-f]+)</vpcId>`),
	"VOL":      regexp.MustCompile(`<volumeId>(vol-[0-9a-f]+)</volumeId>`),
	"ALLOC":    regexp.MustCompile(`<allocationId>(eipalloc-[0-9a-f]+)</allocationId>`),
	"ASSOC":    regexp.MustCompile(`<associationId>(eipassoc-[0-9a-f]+)</associationId>`),
}

// TestTerraformReplay replays, as raw signed Query requests, every call the
// AWS provider made for its read path and lifecycle of an instance and an
// Elastic IP; each must get the answer the provider needs.
func TestTerraformReplay(t *testing.T) {
	_, url := sdkClient(t, testSecret)
	ids := map[string]string{}
	call := func(body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", url+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		signRaw(t, req, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// waitFor polls DescribeInstances, as the provider does, until the
	// instance is in state.
	waitFor := func(state string) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if _, b := call("Action=DescribeInstances&InstanceId.1=" + ids["INSTANCE"] + "&Version=2016-11-15"); strings.Contains(b, "<name>"+state+"</name>") {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s never became %s", ids["INSTANCE"], state)
	}
	fill := regexp.MustCompile(`\{([A-Z]+)\}`)
	for i, tmpl := range terraformCalls {
		body := fill.ReplaceAllStringFunc(tmpl, func(m string) string {
			name := m[1 : len(m)-1]
			if ids[name] == "" {
				t.Fatalf("call %d needs %s, which no earlier answer gave: %s", i, name, tmpl)
			}
			return ids[name]
		})
		body = strings.Replace(body, "terraform-TOKEN", "terraform-20261204193123643800000001", 1) + "&Version=2016-11-15"
		status, answer := call(body)
		want := ""
		for frag, code := range terraformTolerated {
			if strings.Contains(tmpl, frag) {
				want = code
			}
		}
		action, _, _ := strings.Cut(strings.TrimPrefix(tmpl, "Action="), "&")
		switch {
		case want != "" && (status != 400 || !strings.Contains(answer, "<Code>"+want+"</Code>")):
			t.Fatalf("%s: %d %.400s, want %s", action, status, answer, want)
		case want == "" && status != 200:
			t.Fatalf("%s (%s): %d %.600s", action, body, status, answer)
		}
		for name, re := range terraformCaptures {
			if m := re.FindStringSubmatch(answer); m != nil && ids[name] == "" {
				ids[name] = m[1]
			}
		}
		switch action {
		case "RunInstances", "StartInstances":
			waitFor("running")
		case "StopInstances":
			waitFor("stopped")
		case "TerminateInstances":
			waitFor("terminated")
		}
	}
	// What the read path got, as the provider reads it.
	_, d := call("Action=DescribeInstances&InstanceId.1=" + ids["INSTANCE"] + "&Version=2016-11-15")
	for _, want := range []string{"<instanceType>t3.small</instanceType>", "<name>terminated</name>"} {
		if !strings.Contains(d, want) {
			t.Errorf("after the replay DescribeInstances lacks %s: %.800s", want, d)
		}
	}
}
