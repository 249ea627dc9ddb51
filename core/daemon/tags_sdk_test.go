package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// DescribeTags over every kind of resource: filters, wildcards and pages;
// and EC2's tag limits.
func TestSDKDescribeTags(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	tag := func(k, v string) []types.Tag { return []types.Tag{{Key: aws.String(k), Value: aws.String(v)}} }
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	inst := aws.ToString(run.Instances[0].InstanceId)
	eni := aws.ToString(run.Instances[0].NetworkInterfaces[0].NetworkInterfaceId)
	key, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	eip, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{inst: "instance", eni: "network-interface", aws.ToString(key.KeyPairId): "key-pair",
		aws.ToString(eip.AllocationId): "elastic-ip", aws.ToString(sg.GroupId): "security-group"}
	for id := range kinds {
		if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: append(tag("team", "blue"), tag("Name", "n-"+id[:3])...)}); err != nil {
			t.Fatalf("tagging %s: %v", id, err)
		}
	}
	all := func(in *ec2.DescribeTagsInput) []types.TagDescription {
		t.Helper()
		var out []types.TagDescription
		pages := ec2.NewDescribeTagsPaginator(c, in)
		for pages.HasMorePages() {
			p, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p.Tags...)
		}
		return out
	}
	got := all(&ec2.DescribeTagsInput{MaxResults: aws.Int32(5)})
	if len(got) != 10 {
		t.Fatalf("paged over %d tags, want 10: %+v", len(got), got)
	}
	for _, d := range got {
		if string(d.ResourceType) != kinds[aws.ToString(d.ResourceId)] {
			t.Errorf("%s is a %s, want %s", aws.ToString(d.ResourceId), d.ResourceType, kinds[aws.ToString(d.ResourceId)])
		}
	}
	if !slices.IsSortedFunc(got, func(a, b types.TagDescription) int {
		return strings.Compare(aws.ToString(a.ResourceId)+"/"+aws.ToString(a.Key), aws.ToString(b.ResourceId)+"/"+aws.ToString(b.Key))
	}) {
		t.Errorf("tags not by resource, then key: %+v", got)
	}
	for _, tc := range []struct {
		name    string
		filters []types.Filter
		want    int
	}{
		{"resource-id", []types.Filter{{Name: aws.String("resource-id"), Values: []string{inst}}}, 2},
		{"resource-type", []types.Filter{{Name: aws.String("resource-type"), Values: []string{"security-group", "key-pair"}}}, 4},
		{"key", []types.Filter{{Name: aws.String("key"), Values: []string{"team"}}}, 5},
		{"value with a wildcard", []types.Filter{{Name: aws.String("value"), Values: []string{"n-i-*"}}}, 1},
		{"key and resource-id, as Terraform asks", []types.Filter{{Name: aws.String("key"), Values: []string{"aws:ec2launchtemplate:id"}},
			{Name: aws.String("resource-id"), Values: []string{inst}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := all(&ec2.DescribeTagsInput{Filters: tc.filters}); len(got) != tc.want {
				t.Errorf("%d tags, want %d: %+v", len(got), tc.want, got)
			}
		})
	}
	_, err = c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("tag:team"), Values: []string{"blue"}}}})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("tag:KEY is not a DescribeTags filter: %s", code)
	}

	// The limits, each refused whole.
	many := make([]types.Tag, 48)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")}
	}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{inst}, Tags: many}); err != nil {
		t.Fatalf("the 50th tag: %v", err)
	}
	for _, tc := range []struct {
		name string
		tags []types.Tag
		code string
	}{
		{"the 51st tag", tag("one-more", "v"), "TagLimitExceeded"},
		{"a key of 129 characters", tag(strings.Repeat("k", 129), "v"), "InvalidParameterValue"},
		{"a value of 257 characters", tag("Name", strings.Repeat("v", 257)), "InvalidParameterValue"},
		{"an aws: key", tag("aws:owner", "me"), "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{aws.ToString(sg.GroupId), inst}, Tags: tc.tags})
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
		})
	}
	if got := all(&ec2.DescribeTagsInput{Filters: []types.Filter{{Name: aws.String("resource-id"), Values: []string{aws.ToString(sg.GroupId)}}}}); len(got) != 2 {
		t.Errorf("the group has %d tags after refused calls, want its 2", len(got))
	}
	// 128 and 256 characters, multi-byte ones too, are within the limits.
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{aws.ToString(sg.GroupId)}, Tags: tag(strings.Repeat("é", 128), strings.Repeat("ü", 256))}); err != nil {
		t.Errorf("a 128-character key and a 256-character value: %v", err)
	}
}
