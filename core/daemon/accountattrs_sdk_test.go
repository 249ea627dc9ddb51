package daemon

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKAccountAttributes: the attributes Terraform and the AWS CLI
// read, all or by name, from the configuration and the default VPC.
func TestSDKAccountAttributes(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, a := range all.AccountAttributes {
		for _, v := range a.AttributeValues {
			got[aws.ToString(a.AttributeName)] = append(got[aws.ToString(a.AttributeName)], aws.ToString(v.AttributeValue))
		}
	}
	want := map[string]string{"supported-platforms": "VPC", "default-vpc": aws.ToString(vpcs.Vpcs[0].VpcId),
		"vpc-max-elastic-ips": "5", "vpc-max-security-groups-per-interface": "5", "max-elastic-ips": "0"}
	for k, w := range want {
		if len(got[k]) != 1 || got[k][0] != w {
			t.Errorf("%s = %v, want %s", k, got[k], w)
		}
	}
	if len(got["max-instances"]) != 1 {
		t.Errorf("max-instances = %v", got["max-instances"])
	}
	one, err := c.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{AttributeNames: []types.AccountAttributeName{types.AccountAttributeNameDefaultVpc}})
	if err != nil || len(one.AccountAttributes) != 1 || aws.ToString(one.AccountAttributes[0].AttributeName) != "default-vpc" {
		t.Errorf("by name: %+v, %v", one, err)
	}
	_, err = c.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{AttributeNames: []types.AccountAttributeName{"colour"}})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("an unknown attribute: %s", code)
	}
}

// TestSDKAddressAttributes: an Elastic IP's PTR record set, read and
// reset, as the AWS provider's aws_eip reads it.
func TestSDKAddressAttributes(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	a, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{})
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(alloc *string) string {
		t.Helper()
		d, err := c.DescribeAddressesAttribute(ctx, &ec2.DescribeAddressesAttributeInput{AllocationIds: []string{aws.ToString(alloc)}, Attribute: types.AddressAttributeNameDomainName})
		if err != nil {
			t.Fatalf("DescribeAddressesAttribute: %v", err)
		}
		if len(d.Addresses) != 1 || aws.ToString(d.Addresses[0].PublicIp) != aws.ToString(map[bool]*string{true: a.PublicIp, false: b.PublicIp}[alloc == a.AllocationId]) {
			t.Fatalf("answer %+v", d.Addresses)
		}
		return aws.ToString(d.Addresses[0].PtrRecord)
	}
	if got := ptr(a.AllocationId); got != "" {
		t.Errorf("a new address's PTR record: %q", got)
	}
	m, err := c.ModifyAddressAttribute(ctx, &ec2.ModifyAddressAttributeInput{AllocationId: a.AllocationId, DomainName: aws.String("mail.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(m.Address.PtrRecord); got != "mail.example.com." {
		t.Errorf("ModifyAddressAttribute answered %q", got)
	}
	if got := ptr(a.AllocationId); got != "mail.example.com." {
		t.Errorf("PTR record = %q", got)
	}
	if got := ptr(b.AllocationId); got != "" {
		t.Errorf("the other address got %q", got)
	}
	all, err := c.DescribeAddressesAttribute(ctx, &ec2.DescribeAddressesAttributeInput{Attribute: types.AddressAttributeNameDomainName})
	if err != nil || len(all.Addresses) != 2 {
		t.Errorf("all addresses: %+v, %v", all, err)
	}
	if _, err := c.ResetAddressAttribute(ctx, &ec2.ResetAddressAttributeInput{AllocationId: a.AllocationId, Attribute: types.AddressAttributeNameDomainName}); err != nil {
		t.Fatal(err)
	}
	if got := ptr(a.AllocationId); got != "" {
		t.Errorf("after reset: %q", got)
	}
	cases := []struct {
		name string
		err  func() error
		code string
	}{
		{"a bad name", func() error {
			_, err := c.ModifyAddressAttribute(ctx, &ec2.ModifyAddressAttributeInput{AllocationId: a.AllocationId, DomainName: aws.String("not a name")})
			return err
		}, "InvalidParameterValue"},
		{"an unknown allocation", func() error {
			_, err := c.ModifyAddressAttribute(ctx, &ec2.ModifyAddressAttributeInput{AllocationId: aws.String("eipalloc-0123456789abcdef0"), DomainName: aws.String("a.example.com")})
			return err
		}, "InvalidAllocationID.NotFound"},
	}
	for _, tc := range cases {
		if code := apiCode(t, tc.err()); code != tc.code {
			t.Errorf("%s: %s, want %s", tc.name, code, tc.code)
		}
	}
}
