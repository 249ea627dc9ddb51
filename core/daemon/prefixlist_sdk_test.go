package daemon

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestSDKPrefixLists: AWS's lists are there in every region; a list of
// the account's own keeps versions (a change names the version it
// changes, an old version can be read and restored); a security group
// rule names a list, which then cannot be deleted until the rule goes;
// and the refusals are EC2's.
func TestSDKPrefixLists(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()

	aws_, err := c.DescribePrefixLists(ctx, &ec2.DescribePrefixListsInput{})
	must(t, err)
	var s3 string
	for _, p := range aws_.PrefixLists {
		if aws.ToString(p.PrefixListName) == "com.amazonaws.us-east-1.s3" {
			s3 = aws.ToString(p.PrefixListId)
		}
	}
	if s3 == "" || len(aws_.PrefixLists) < 2 {
		t.Fatalf("DescribePrefixLists: %+v; want AWS's lists, s3 among them", aws_.PrefixLists)
	}
	managed, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{
		Filters: []types.Filter{{Name: aws.String("owner-id"), Values: []string{"AWS"}}}})
	must(t, err)
	if len(managed.PrefixLists) != len(aws_.PrefixLists) {
		t.Errorf("managed lists owned by AWS: %d, want the %d DescribePrefixLists shows", len(managed.PrefixLists), len(aws_.PrefixLists))
	}

	made, err := c.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("office"), AddressFamily: aws.String("IPv4"),
		MaxEntries: aws.Int32(3), Entries: []types.AddPrefixListEntry{{Cidr: aws.String("198.51.100.0/24"), Description: aws.String("hq")}},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypePrefixList, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("net")}}}}})
	must(t, err)
	pl := made.PrefixList
	id := aws.ToString(pl.PrefixListId)
	if aws.ToInt64(pl.Version) != 1 || pl.State != types.PrefixListStateCreateComplete || len(pl.Tags) != 1 {
		t.Errorf("created %+v", pl)
	}
	// a change names the version it changes
	_, err = c.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: aws.String(id), CurrentVersion: aws.Int64(7),
		AddEntries: []types.AddPrefixListEntry{{Cidr: aws.String("203.0.113.0/24")}}})
	if code := apiCode(t, err); code != "PrefixListVersionMismatch" {
		t.Errorf("a change of a version that is not the current one: %s", code)
	}
	mod, err := c.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: aws.String(id), CurrentVersion: aws.Int64(1),
		AddEntries: []types.AddPrefixListEntry{{Cidr: aws.String("203.0.113.0/24")}}})
	must(t, err)
	if aws.ToInt64(mod.PrefixList.Version) != 2 {
		t.Errorf("after a change: version %d, want 2", aws.ToInt64(mod.PrefixList.Version))
	}
	cidrs := func(version int64) []string {
		t.Helper()
		in := &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String(id)}
		if version > 0 {
			in.TargetVersion = aws.Int64(version)
		}
		out, err := c.GetManagedPrefixListEntries(ctx, in)
		must(t, err)
		var cs []string
		for _, e := range out.Entries {
			cs = append(cs, aws.ToString(e.Cidr))
		}
		slices.Sort(cs)
		return cs
	}
	if got := cidrs(0); !slices.Equal(got, []string{"198.51.100.0/24", "203.0.113.0/24"}) {
		t.Errorf("current entries %v", got)
	}
	if got := cidrs(1); !slices.Equal(got, []string{"198.51.100.0/24"}) {
		t.Errorf("version 1's entries %v", got)
	}
	res, err := c.RestoreManagedPrefixListVersion(ctx, &ec2.RestoreManagedPrefixListVersionInput{PrefixListId: aws.String(id),
		PreviousVersion: aws.Int64(1), CurrentVersion: aws.Int64(2)})
	must(t, err)
	if aws.ToInt64(res.PrefixList.Version) != 3 || !slices.Equal(cidrs(0), []string{"198.51.100.0/24"}) {
		t.Errorf("restored: version %d, entries %v; want version 3 with version 1's entries", aws.ToInt64(res.PrefixList.Version), cidrs(0))
	}

	// a group rule names the list
	g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("from-office"), Description: aws.String("office")})
	must(t, err)
	perm := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
		PrefixListIds: []types.PrefixListId{{PrefixListId: aws.String(id)}}}
	rules, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []types.IpPermission{perm}})
	must(t, err)
	if r := rules.SecurityGroupRules[0]; aws.ToString(r.PrefixListId) != id {
		t.Errorf("the rule names %q, want %s", aws.ToString(r.PrefixListId), id)
	}
	assoc, err := c.GetManagedPrefixListAssociations(ctx, &ec2.GetManagedPrefixListAssociationsInput{PrefixListId: aws.String(id)})
	must(t, err)
	if len(assoc.PrefixListAssociations) != 1 || aws.ToString(assoc.PrefixListAssociations[0].ResourceId) != aws.ToString(g.GroupId) {
		t.Errorf("associations %+v; want the group", assoc.PrefixListAssociations)
	}
	_, err = c.DeleteManagedPrefixList(ctx, &ec2.DeleteManagedPrefixListInput{PrefixListId: aws.String(id)})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("deleting a list a rule names: %s, want DependencyViolation", code)
	}
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []types.IpPermission{perm}})
	must(t, err)
	_, err = c.DeleteManagedPrefixList(ctx, &ec2.DeleteManagedPrefixListInput{PrefixListId: aws.String(id)})
	must(t, err)

	for _, tc := range []struct {
		name, code string
		call       func() error
	}{
		{"a malformed ID", "InvalidPrefixListId.Malformed", func() error {
			_, err := c.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String("pl-nothex!")})
			return err
		}},
		{"an unknown ID", "InvalidPrefixListID.NotFound", func() error {
			_, err := c.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String("pl-0123456789abcdef0")})
			return err
		}},
		{"AWS's list changed", "InvalidParameterValue", func() error {
			_, err := c.ModifyManagedPrefixList(ctx, &ec2.ModifyManagedPrefixListInput{PrefixListId: aws.String(s3), CurrentVersion: aws.Int64(1),
				AddEntries: []types.AddPrefixListEntry{{Cidr: aws.String("192.0.2.0/24")}}})
			return err
		}},
		{"more entries than MaxEntries", "InvalidParameterValue", func() error {
			_, err := c.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("small"), AddressFamily: aws.String("IPv4"),
				MaxEntries: aws.Int32(1), Entries: []types.AddPrefixListEntry{{Cidr: aws.String("192.0.2.0/24")}, {Cidr: aws.String("192.0.3.0/24")}}})
			return err
		}},
		{"an IPv6 entry in an IPv4 list", "InvalidParameterValue", func() error {
			_, err := c.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("v4"), AddressFamily: aws.String("IPv4"),
				MaxEntries: aws.Int32(2), Entries: []types.AddPrefixListEntry{{Cidr: aws.String("2001:db8::/32")}}})
			return err
		}},
		{"a name AWS keeps", "InvalidParameterValue", func() error {
			_, err := c.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("com.amazonaws.mine"), AddressFamily: aws.String("IPv4"),
				MaxEntries: aws.Int32(2)})
			return err
		}},
		{"dry run", "DryRunOperation", func() error {
			_, err := c.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("dry"), AddressFamily: aws.String("IPv4"),
				MaxEntries: aws.Int32(2), DryRun: aws.Bool(true)})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code := apiCode(t, tc.call()); code != tc.code {
				t.Errorf("got %s, want %s", code, tc.code)
			}
		})
	}
}
