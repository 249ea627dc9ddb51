package daemon

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKDhcpOptionChecks: each option is checked as EC2 checks it, sets
// are found by their filters and tags, and a VPC made after Amazon's set
// was deleted gets a new one that exists.
func TestSDKDhcpOptionChecks(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	opt := func(key string, values ...string) types.NewDhcpConfiguration {
		return types.NewDhcpConfiguration{Key: aws.String(key), Values: values}
	}
	create := func(opts ...types.NewDhcpConfiguration) error {
		_, err := c.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: opts})
		return err
	}
	cases := []struct {
		name string
		opts []types.NewDhcpConfiguration
		code string // "" accepted
	}{
		{"four name servers", []types.NewDhcpConfiguration{opt("domain-name-servers", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5")}, ""},
		{"five name servers", []types.NewDhcpConfiguration{opt("domain-name-servers", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6")}, "InvalidParameterValue"},
		{"Amazon's DNS", []types.NewDhcpConfiguration{opt("domain-name-servers", "AmazonProvidedDNS")}, ""},
		{"NTP servers", []types.NewDhcpConfiguration{opt("ntp-servers", "169.254.169.123")}, ""},
		{"an NTP server by name", []types.NewDhcpConfiguration{opt("ntp-servers", "time.example")}, "InvalidParameterValue"},
		{"NetBIOS", []types.NewDhcpConfiguration{opt("netbios-name-servers", "10.0.0.9"), opt("netbios-node-type", "2")}, ""},
		{"a NetBIOS node type that is not one", []types.NewDhcpConfiguration{opt("netbios-node-type", "3")}, "InvalidParameterValue"},
		{"an IPv6 lease time", []types.NewDhcpConfiguration{opt("ipv6-address-preferred-lease-time", "3600")}, ""},
		{"an IPv6 lease time too short", []types.NewDhcpConfiguration{opt("ipv6-address-preferred-lease-time", "100")}, "InvalidParameterValue"},
		{"two domain name values", []types.NewDhcpConfiguration{opt("domain-name", "a.example", "b.example")}, "InvalidParameterValue"},
		{"a search list in one value", []types.NewDhcpConfiguration{opt("domain-name", "a.example corp")}, ""},
		{"a domain name that is not one", []types.NewDhcpConfiguration{opt("domain-name", "a_b.example")}, "InvalidParameterValue"},
		{"an option EC2 has not", []types.NewDhcpConfiguration{opt("router", "10.0.0.1")}, "InvalidParameterValue"},
		{"the same option twice", []types.NewDhcpConfiguration{opt("domain-name", "a.example"), opt("domain-name", "b.example")}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := create(tc.opts...)
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.code != "":
				if code := apiCode(t, err); code != tc.code {
					t.Errorf("code %s, want %s", code, tc.code)
				}
			}
		})
	}

	lab, err := c.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []types.NewDhcpConfiguration{opt("domain-name", "lab.example")},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeDhcpOptions, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("lab")}}}}})
	must(t, err)
	labID := aws.ToString(lab.DhcpOptions.DhcpOptionsId)
	filters := []struct {
		name   string
		filter types.Filter
		want   []string
	}{
		{"value", types.Filter{Name: aws.String("value"), Values: []string{"lab.example"}}, []string{labID}},
		{"tag:Name", types.Filter{Name: aws.String("tag:Name"), Values: []string{"lab"}}, []string{labID}},
		{"dhcp-options-id", types.Filter{Name: aws.String("dhcp-options-id"), Values: []string{labID}}, []string{labID}},
	}
	for _, f := range filters {
		t.Run("filter "+f.name, func(t *testing.T) {
			d, err := c.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{Filters: []types.Filter{f.filter}})
			must(t, err)
			var got []string
			for _, s := range d.DhcpOptions {
				got = append(got, aws.ToString(s.DhcpOptionsId))
			}
			if !slices.Equal(got, f.want) {
				t.Errorf("got %v, want %v", got, f.want)
			}
		})
	}
	t.Run("filter key", func(t *testing.T) {
		d, err := c.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{Filters: []types.Filter{{Name: aws.String("key"), Values: []string{"netbios-node-type"}}}})
		if err != nil || len(d.DhcpOptions) != 1 {
			t.Errorf("sets with a NetBIOS node type: %+v, %v", d, err)
		}
	})

	def, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	must(t, err)
	vpc := def.Vpcs[0].VpcId
	amazon := aws.ToString(def.Vpcs[0].DhcpOptionsId)
	refusals := []apiRefusal{
		{"a set that does not exist", func() error {
			_, err := c.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: aws.String("dopt-0123456789abcdef0"), VpcId: vpc})
			return err
		}, "InvalidDhcpOptionID.NotFound"},
		{"a malformed set ID", func() error {
			_, err := c.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{"options-1"}})
			return err
		}, "InvalidDhcpOptionsId.Malformed"},
		{"a VPC that does not exist", func() error {
			_, err := c.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: aws.String(labID), VpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"Amazon's set while the default VPC has it", func() error {
			_, err := c.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: aws.String(amazon)})
			return err
		}, "DependencyViolation"},
	}
	wantRefusals(t, refusals)

	t.Run("no set at all, then Amazon's deleted and a new VPC", func(t *testing.T) {
		_, err := c.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: aws.String("default"), VpcId: vpc})
		must(t, err)
		d, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{aws.ToString(vpc)}})
		must(t, err)
		if got := aws.ToString(d.Vpcs[0].DhcpOptionsId); got != "default" {
			t.Errorf("the VPC's set after associating none: %q, want default", got)
		}
		_, err = c.DeleteDhcpOptions(ctx, &ec2.DeleteDhcpOptionsInput{DhcpOptionsId: aws.String(amazon)})
		must(t, err)
		v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.61.0.0/16")})
		must(t, err)
		set := aws.ToString(v.Vpc.DhcpOptionsId)
		if set == amazon {
			t.Fatalf("the new VPC has the deleted set %s", set)
		}
		o, err := c.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{set}})
		if err != nil || len(o.DhcpOptions) != 1 || len(o.DhcpOptions[0].DhcpConfigurations) != 2 {
			t.Fatalf("the new VPC's set %s: %+v, %v", set, o, err)
		}
	})
}
