package daemon

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// tagOf is the value of a tag in an SDK tag list ("" when absent).
func tagOf(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func tagList(tags []types.Tag) string {
	var s string
	for _, t := range tags {
		s += aws.ToString(t.Key) + "=" + aws.ToString(t.Value) + " "
	}
	return s
}

// TestSDKLaunchTemplateLifecycle drives launch templates as a program
// does through the SDK: create, new versions over a source, the default,
// describe with filters and paging, launches with overrides, the data of
// an instance, version and template deletion.
func TestSDKLaunchTemplateLifecycle(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("DescribeImages: %v", err)
	}
	ami := aws.ToString(imgs.Images[0].ImageId)
	userData := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hi\n"))

	created, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("web"), VersionDescription: aws.String("first"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{
			ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, UserData: aws.String(userData),
			EbsOptimized: aws.Bool(true),
			TagSpecifications: []types.LaunchTemplateTagSpecificationRequest{{ResourceType: types.ResourceTypeInstance,
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("tier"), Value: aws.String("web")}}}},
			MetadataOptions: &types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: types.LaunchTemplateHttpTokensStateRequired},
		},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeLaunchTemplate,
			Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	lt := created.LaunchTemplate
	id := aws.ToString(lt.LaunchTemplateId)
	if aws.ToInt64(lt.DefaultVersionNumber) != 1 || aws.ToInt64(lt.LatestVersionNumber) != 1 || tagOf(lt.Tags, "env") != "prod" {
		t.Fatalf("created %+v, want versions 1/1 and tag env=prod", lt)
	}

	// Version 2 from version 1: only the instance type changes.
	v2, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(id), SourceVersion: aws.String("1"), VersionDescription: aws.String("bigger"),
		LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Small},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplateVersion: %v", err)
	}
	d2 := v2.LaunchTemplateVersion.LaunchTemplateData
	if aws.ToInt64(v2.LaunchTemplateVersion.VersionNumber) != 2 || d2.InstanceType != types.InstanceTypeT3Small ||
		aws.ToString(d2.ImageId) != ami || !aws.ToBool(d2.EbsOptimized) || aws.ToBool(v2.LaunchTemplateVersion.DefaultVersion) {
		t.Fatalf("version 2 = %+v / %+v, want t3.small over version 1's image, not the default", v2.LaunchTemplateVersion, d2)
	}
	// Version 3 from nothing: only what it gives.
	if _, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateName: aws.String("web"), LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Nano},
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("describe versions", func(t *testing.T) { sdkTemplateVersions(t, c, id, userData) })

	// The default becomes version 2.
	mod, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("2")})
	if err != nil || aws.ToInt64(mod.LaunchTemplate.DefaultVersionNumber) != 2 {
		t.Fatalf("ModifyLaunchTemplate: %v %+v", err, mod)
	}

	t.Run("run from the template", func(t *testing.T) { sdkRunFromTemplate(t, c, id) })

	t.Run("GetLaunchTemplateData", func(t *testing.T) { sdkTemplateData(t, c, ami, userData) })

	t.Run("delete versions", func(t *testing.T) { sdkDeleteVersions(t, c, id) })

	del, err := c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String("web")})
	if err != nil || aws.ToString(del.LaunchTemplate.LaunchTemplateId) != id {
		t.Fatalf("DeleteLaunchTemplate: %v %+v", err, del)
	}
	_, err = c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)})
	if code := apiCode(t, err); code != "InvalidLaunchTemplateId.NotFound" {
		t.Errorf("versions of a deleted template: %s", code)
	}
}

// TestSDKDescribeLaunchTemplates pages and filters templates.
func TestSDKDescribeLaunchTemplates(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		team := "blue"
		if i%2 == 1 {
			team = "red"
		}
		if _, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(fmt.Sprintf("tmpl-%d", i)),
			LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Micro},
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeLaunchTemplate,
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String(team)}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	// CreateTags reaches templates too.
	one, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"tmpl-3"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{aws.ToString(one.LaunchTemplates[0].LaunchTemplateId)},
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("ops")}}}); err != nil {
		t.Fatalf("CreateTags on a launch template: %v", err)
	}
	for _, tc := range []struct {
		name    string
		in      ec2.DescribeLaunchTemplatesInput
		want    int
		minPage int
	}{
		{"paged", ec2.DescribeLaunchTemplatesInput{MaxResults: aws.Int32(3)}, 7, 3},
		{"tag", ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{{Name: aws.String("tag:team"), Values: []string{"red"}}}}, 3, 1},
		{"tag-key", ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{{Name: aws.String("tag-key"), Values: []string{"team"}}}}, 7, 1},
		{"name wildcard", ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{{Name: aws.String("launch-template-name"), Values: []string{"tmpl-?"}}}}, 7, 1},
		{"create-time", ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{{Name: aws.String("create-time"), Values: []string{"20*"}}}}, 7, 1},
		{"by name", ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"tmpl-2", "tmpl-4"}}, 2, 1},
		{"tag added later", ec2.DescribeLaunchTemplatesInput{Filters: []types.Filter{{Name: aws.String("tag:owner"), Values: []string{"ops"}}}}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ec2.NewDescribeLaunchTemplatesPaginator(c, &tc.in)
			n, pages := 0, 0
			seen := map[string]bool{}
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, lt := range out.LaunchTemplates {
					if seen[aws.ToString(lt.LaunchTemplateId)] {
						t.Errorf("%s twice", aws.ToString(lt.LaunchTemplateId))
					}
					seen[aws.ToString(lt.LaunchTemplateId)] = true
					n++
				}
			}
			if n != tc.want || pages < tc.minPage {
				t.Errorf("%d templates in %d pages, want %d in at least %d", n, pages, tc.want, tc.minPage)
			}
		})
	}
}

// TestSDKLaunchTemplateErrors: each error code as EC2 answers it.
func TestSDKLaunchTemplateErrors(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	data := &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Micro}
	made, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("taken"), LaunchTemplateData: data, ClientToken: aws.String("tok-1")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(made.LaunchTemplate.LaunchTemplateId)
	again, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("taken"), LaunchTemplateData: data, ClientToken: aws.String("tok-1")})
	if err != nil || aws.ToString(again.LaunchTemplate.LaunchTemplateId) != id {
		t.Errorf("a retry with the same client token: %v, %+v, want template %s again", err, again, id)
	}
	for _, tc := range templateErrorCases(ctx, c, id, data) {
		t.Run(tc.name, func(t *testing.T) {
			if code := apiCode(t, tc.call()); code != tc.want {
				t.Errorf("got %s, want %s", code, tc.want)
			}
		})
	}
}

// TestSDKLaunchTemplateTokensAndDryRun: ClientToken retries of a new
// version, DryRun, the Operator kept and returned, and a template whose
// data tags a spot request still launching.
func TestSDKLaunchTemplateTokensAndDryRun(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	data := &types.RequestLaunchTemplateData{InstanceType: types.InstanceTypeT3Micro,
		TagSpecifications: []types.LaunchTemplateTagSpecificationRequest{{ResourceType: types.ResourceTypeSpotInstancesRequest,
			Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}}
	_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("dry"), LaunchTemplateData: data, DryRun: aws.Bool(true)})
	if code := apiCode(t, err); code != "DryRunOperation" {
		t.Errorf("DryRun: %s", code)
	}
	made, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("ops"), LaunchTemplateData: data,
		Operator: &types.OperatorRequest{Principal: aws.String("autoscaling.amazonaws.com")}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"dry", "ops"}})
	if code := apiCode(t, err); code != "InvalidLaunchTemplateName.NotFoundException" {
		t.Errorf("a dry run made a template: %v %+v", err, d)
	}
	d, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"ops"}})
	if err != nil || d.LaunchTemplates[0].Operator == nil || aws.ToString(d.LaunchTemplates[0].Operator.Principal) != "autoscaling.amazonaws.com" {
		t.Errorf("Operator not returned: %v %+v", err, d)
	}
	id := made.LaunchTemplate.LaunchTemplateId
	version := func(typ types.InstanceType) (*ec2.CreateLaunchTemplateVersionOutput, error) {
		return c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id, ClientToken: aws.String("v-once"),
			LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: typ}})
	}
	first, err := version(types.InstanceTypeT3Small)
	if err != nil {
		t.Fatal(err)
	}
	again, err := version(types.InstanceTypeT3Small)
	if err != nil || aws.ToInt64(again.LaunchTemplateVersion.VersionNumber) != aws.ToInt64(first.LaunchTemplateVersion.VersionNumber) {
		t.Errorf("a retry of a new version: %v, want version %d again", err, aws.ToInt64(first.LaunchTemplateVersion.VersionNumber))
	}
	if _, err := version(types.InstanceTypeT3Large); apiCode(t, err) != "IdempotentParameterMismatch" {
		t.Errorf("the token with other data: %v", err)
	}
	// Version 1's data tags a spot request, which this launch does not make.
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: id, Version: aws.String("1")}})
	if err != nil {
		t.Fatalf("run from version 1: %v", err)
	}
	if run.Instances[0].InstanceType != types.InstanceTypeT3Micro || tagOf(run.Instances[0].Tags, "k") != "" {
		t.Errorf("launched %s with tags %s, want t3.micro without the spot request's tag", run.Instances[0].InstanceType, tagList(run.Instances[0].Tags))
	}
}

// sdkTemplateVersions describes versions: all, by alias and number, a range, filters.
func sdkTemplateVersions(t *testing.T, c *ec2.Client, id, userData string) {
	ctx := context.Background()
	p := ec2.NewDescribeLaunchTemplateVersionsPaginator(c, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), MaxResults: aws.Int32(2)})
	var paged []int64
	for pages := 0; p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil || pages > 2 {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(out.LaunchTemplateVersions) > 2 {
			t.Errorf("a page of %d versions, MaxResults 2", len(out.LaunchTemplateVersions))
		}
		for _, v := range out.LaunchTemplateVersions {
			paged = append(paged, aws.ToInt64(v.VersionNumber))
		}
	}
	if fmt.Sprint(paged) != "[1 2 3]" {
		t.Errorf("paged through versions %v, want [1 2 3]", paged)
	}
	for _, tc := range []struct {
		name string
		in   ec2.DescribeLaunchTemplateVersionsInput
		want []int64
	}{
		{"all", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id)}, []int64{1, 2, 3}},
		{"$Latest and $Default", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("web"), Versions: []string{"$Latest", "$Default"}}, []int64{3, 1}}, // in the order asked
		{"range", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), MinVersion: aws.String("2"), MaxVersion: aws.String("3")}, []int64{2, 3}},
		{"filter", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id),
			Filters: []types.Filter{{Name: aws.String("instance-type"), Values: []string{"t3.s*"}}}}, []int64{2}},
		{"default filter", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id),
			Filters: []types.Filter{{Name: aws.String("is-default-version"), Values: []string{"true"}}}}, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.DescribeLaunchTemplateVersions(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, v := range out.LaunchTemplateVersions {
				got = append(got, aws.ToInt64(v.VersionNumber))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("versions %v, want %v", got, tc.want)
			}
		})
	}
	out, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"1"}})
	if err != nil {
		t.Fatal(err)
	}
	d := out.LaunchTemplateVersions[0].LaunchTemplateData
	if aws.ToString(d.UserData) != userData || d.MetadataOptions == nil || d.MetadataOptions.HttpTokens != types.LaunchTemplateHttpTokensStateRequired ||
		len(d.TagSpecifications) != 1 || tagOf(d.TagSpecifications[0].Tags, "tier") != "web" {
		t.Errorf("version 1's data came back as %+v", d)
	}
}

// sdkRunFromTemplate launches from the template (default 2, latest 3) with overrides.
func sdkRunFromTemplate(t *testing.T, c *ec2.Client, id string) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, version, wantType, wantVersion, tier string
		override                                   types.InstanceType
	}{
		{"default version", "", "t3.small", "2", "web", ""},
		{"$Latest (made from no source: no tags of its own)", "$Latest", "t3.nano", "3", "", ""},
		{"version 1 with the type overridden", "1", "t3.medium", "1", "web", types.InstanceTypeT3Medium},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("web")}
			if tc.version != "" {
				spec.Version = aws.String(tc.version)
			}
			run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(2), MaxCount: aws.Int32(2), LaunchTemplate: spec, InstanceType: tc.override,
				TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}}})
			if err != nil {
				t.Fatalf("RunInstances: %v", err)
			}
			if len(run.Instances) != 2 {
				t.Fatalf("%d instances, want the request's 2", len(run.Instances))
			}
			in := run.Instances[0]
			if string(in.InstanceType) != tc.wantType || tagOf(in.Tags, "aws:ec2launchtemplate:id") != id ||
				tagOf(in.Tags, "aws:ec2launchtemplate:version") != tc.wantVersion || tagOf(in.Tags, "team") != "red" || tagOf(in.Tags, "tier") != tc.tier {
				t.Errorf("launched %s with tags %s, want %s, version %s, team=red over the template's blue, tier=%q", in.InstanceType, tagList(in.Tags), tc.wantType, tc.wantVersion, tc.tier)
			}
		})
	}
}

// sdkTemplateData is GetLaunchTemplateData of a fresh instance.
func sdkTemplateData(t *testing.T, c *ec2.Client, ami, userData string) {
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), ImageId: aws.String(ami),
		InstanceType: types.InstanceTypeT3Large, UserData: aws.String(userData)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.GetLaunchTemplateData(ctx, &ec2.GetLaunchTemplateDataInput{InstanceId: run.Instances[0].InstanceId})
	if err != nil {
		t.Fatalf("GetLaunchTemplateData: %v", err)
	}
	d := out.LaunchTemplateData
	if d.InstanceType != types.InstanceTypeT3Large || aws.ToString(d.ImageId) != ami || aws.ToString(d.UserData) != userData || len(d.NetworkInterfaces) != 1 {
		t.Errorf("data %+v, want the instance's type, image, user data and interface", d)
	}
}

// sdkDeleteVersions deletes versions 2 (the default), 3 and 9 (none).
func sdkDeleteVersions(t *testing.T, c *ec2.Client, id string) {
	ctx := context.Background()
	out, err := c.DeleteLaunchTemplateVersions(ctx, &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"2", "3", "9"}})
	if err != nil {
		t.Fatalf("DeleteLaunchTemplateVersions: %v", err)
	}
	if len(out.SuccessfullyDeletedLaunchTemplateVersions) != 1 || aws.ToInt64(out.SuccessfullyDeletedLaunchTemplateVersions[0].VersionNumber) != 3 {
		t.Errorf("deleted %+v, want version 3 only", out.SuccessfullyDeletedLaunchTemplateVersions)
	}
	codes := map[int64]types.LaunchTemplateErrorCode{}
	for _, e := range out.UnsuccessfullyDeletedLaunchTemplateVersions {
		codes[aws.ToInt64(e.VersionNumber)] = e.ResponseError.Code
	}
	if codes[2] != types.LaunchTemplateErrorCodeUnexpectedError || codes[9] != types.LaunchTemplateErrorCodeLaunchTemplateVersionDoesNotExist {
		t.Errorf("failures %v, want the default version 2 refused and 9 unknown", codes)
	}
	d, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{id}})
	if err != nil || aws.ToInt64(d.LaunchTemplates[0].LatestVersionNumber) != 2 {
		t.Errorf("after deleting version 3: %v %+v, want latest 2", err, d)
	}
}

// sdkErrCase is a call and the EC2 error code it must get.
type sdkErrCase struct {
	name string
	call func() error
	want string
}

// templateErrorCases are the launch template errors, with a template id
// named "taken" existing.
func templateErrorCases(ctx context.Context, c *ec2.Client, id string, data *types.RequestLaunchTemplateData) []sdkErrCase {
	return []sdkErrCase{
		{"name taken", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("taken"), LaunchTemplateData: data})
			return err
		}, "InvalidLaunchTemplateName.AlreadyExistsException"},
		{"token with other parameters", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("other"), LaunchTemplateData: data, ClientToken: aws.String("tok-1")})
			return err
		}, "IdempotentParameterMismatch"},
		{"malformed image", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad-image"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{ImageId: aws.String("ami-missing")}})
			return err
		}, "InvalidAMIID.Malformed"},
		{"unknown type", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad-type"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceType: "t9.huge"}})
			return err
		}, "InvalidParameterValue"},
		{"malformed group", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad-group"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{SecurityGroupIds: []string{"web"}}})
			return err
		}, "InvalidGroupId.Malformed"},
		{"bad shutdown behaviour", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad-shutdown"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{InstanceInitiatedShutdownBehavior: "hibernate"}})
			return err
		}, "InvalidParameterValue"},
		{"bad hop limit", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("bad-hops"),
				LaunchTemplateData: &types.RequestLaunchTemplateData{MetadataOptions: &types.LaunchTemplateInstanceMetadataOptionsRequest{HttpPutResponseHopLimit: aws.Int32(65)}}})
			return err
		}, "InvalidParameterValue"},
		{"malformed name", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("no spaces"), LaunchTemplateData: data})
			return err
		}, "InvalidLaunchTemplateName.MalformedException"},
		{"no data", func() error {
			_, err := c.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("empty"), LaunchTemplateData: &types.RequestLaunchTemplateData{}})
			return err
		}, "MissingParameter"},
		{"description too long", func() error {
			_, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id), LaunchTemplateData: data,
				VersionDescription: aws.String(strings.Repeat("d", 256))})
			return err
		}, "InvalidParameterValue"},
		{"unknown ID", func() error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-0123456789abcdef0"}})
			return err
		}, "InvalidLaunchTemplateId.NotFound"},
		{"malformed ID", func() error {
			_, err := c.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String("lt-nope")})
			return err
		}, "InvalidLaunchTemplateId.Malformed"},
		{"unknown name", func() error {
			_, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateName: aws.String("nobody"), DefaultVersion: aws.String("1")})
			return err
		}, "InvalidLaunchTemplateName.NotFoundException"},
		{"unknown version", func() error {
			_, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("7")})
			return err
		}, "InvalidLaunchTemplateId.VersionNotFound"},
		{"run from an unknown version", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(id), Version: aws.String("5")}})
			return err
		}, "InvalidLaunchTemplateId.VersionNotFound"},
		{"run from an unknown template", func() error {
			_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
				LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nobody")}})
			return err
		}, "InvalidLaunchTemplateName.NotFoundException"},
		{"data of an unknown instance", func() error {
			_, err := c.GetLaunchTemplateData(ctx, &ec2.GetLaunchTemplateDataInput{InstanceId: aws.String("i-0123456789abcdef0")})
			return err
		}, "InvalidInstanceID.NotFound"},
	}
}
