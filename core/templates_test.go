package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// TestTemplateSpotLaunch: RunInstances from a template whose data asks
// for spot capacity launches a spot instance, priced by the modules.
func TestTemplateSpotLaunch(t *testing.T) {
	e := newMarketEnv(t, "")
	if _, err := e.c.CreateLaunchTemplate(e.ctx, use1, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: "spotty",
		LaunchTemplateData: &ec2.RequestLaunchTemplateData{InstanceType: "t3.micro",
			InstanceMarketOptions: &ec2.LaunchTemplateInstanceMarketOptionsRequest{MarketType: "spot",
				SpotOptions: &ec2.LaunchTemplateSpotMarketOptionsRequest{InstanceInterruptionBehavior: "terminate"}}}}); err != nil {
		t.Fatal(err)
	}
	out := e.run(use1, &ec2.RunInstancesInput{LaunchTemplate: &ec2.LaunchTemplateSpecification{LaunchTemplateName: "spotty"}})
	in := out.Instances[0]
	if in.InstanceLifecycle != "spot" || in.SpotInstanceRequestId == "" || in.InstanceType != "t3.micro" {
		t.Errorf("launched %s lifecycle %q request %q, want a spot t3.micro", in.InstanceType, in.InstanceLifecycle, in.SpotInstanceRequestId)
	}
}

// TestTemplateRestart: templates, versions, the default and deletions
// survive a restart, and version numbers are not reused after it.
func TestTemplateRestart(t *testing.T) {
	e := newEnv(t, "")
	lt, err := e.c.CreateLaunchTemplate(e.ctx, use1, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: "keep",
		LaunchTemplateData: &ec2.RequestLaunchTemplateData{InstanceType: "t3.micro"},
		TagSpecifications:  []ec2.TagSpecification{{ResourceType: "launch-template", Tags: []ec2.Tag{{Key: "k", Value: "v"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := lt.LaunchTemplate.LaunchTemplateId
	for _, typ := range []string{"t3.small", "t3.medium"} {
		if _, err := e.c.CreateLaunchTemplateVersion(e.ctx, use1, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id, SourceVersion: "$Latest",
			LaunchTemplateData: &ec2.RequestLaunchTemplateData{InstanceType: typ}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.ModifyLaunchTemplate(e.ctx, use1, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: id, DefaultVersion: "2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteLaunchTemplateVersions(e.ctx, use1, &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: id, Versions: []string{"3"}}); err != nil {
		t.Fatal(err)
	}
	e.reopen()

	d, err := e.c.DescribeLaunchTemplates(e.ctx, use1, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"keep"}})
	if err != nil {
		t.Fatal(err)
	}
	got := d.LaunchTemplates[0]
	if got.LaunchTemplateId != id || got.DefaultVersionNumber != 2 || got.LatestVersionNumber != 2 || len(got.Tags) != 1 {
		t.Fatalf("after a restart: %+v, want default 2, latest 2, one tag", got)
	}
	vs, err := e.c.DescribeLaunchTemplateVersions(e.ctx, use1, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: id})
	if err != nil || len(vs.LaunchTemplateVersions) != 2 || vs.LaunchTemplateVersions[1].LaunchTemplateData.InstanceType != "t3.small" {
		t.Fatalf("versions after a restart: %v %+v, want 1 and 2 (t3.small)", err, vs)
	}
	v, err := e.c.CreateLaunchTemplateVersion(e.ctx, use1, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id,
		LaunchTemplateData: &ec2.RequestLaunchTemplateData{InstanceType: "t3.nano"}})
	if err != nil || v.LaunchTemplateVersion.VersionNumber != 4 {
		t.Fatalf("the next version after a restart: %v %+v, want number 4 (3 is not reused)", err, v)
	}
	out := e.run(use1, &ec2.RunInstancesInput{LaunchTemplate: &ec2.LaunchTemplateSpecification{LaunchTemplateId: id}})
	if out.Instances[0].InstanceType != "t3.small" {
		t.Errorf("launched %s from the default version, want t3.small", out.Instances[0].InstanceType)
	}
}

// TestTemplateRunRetry: a RunInstances retry with the same ClientToken
// gets the first reservation back even when the template's default
// version changed between the calls: the token is matched on the request
// as sent, not on what the template made of it.
func TestTemplateRunRetry(t *testing.T) {
	e := newEnv(t, "")
	lt, err := e.c.CreateLaunchTemplate(e.ctx, use1, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: "retry",
		LaunchTemplateData: &ec2.RequestLaunchTemplateData{InstanceType: "t3.micro"}})
	if err != nil {
		t.Fatal(err)
	}
	id := lt.LaunchTemplate.LaunchTemplateId
	in := func() *ec2.RunInstancesInput {
		return &ec2.RunInstancesInput{ClientToken: "once", LaunchTemplate: &ec2.LaunchTemplateSpecification{LaunchTemplateId: id}}
	}
	first := e.run(use1, in())
	if _, err := e.c.CreateLaunchTemplateVersion(e.ctx, use1, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id,
		LaunchTemplateData: &ec2.RequestLaunchTemplateData{InstanceType: "t3.small"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.ModifyLaunchTemplate(e.ctx, use1, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: id, DefaultVersion: "2"}); err != nil {
		t.Fatal(err)
	}
	again, err := e.c.RunInstances(e.ctx, use1, in())
	if err != nil {
		t.Fatalf("the retry: %v", err)
	}
	if again.ReservationId != first.ReservationId || again.Instances[0].InstanceId != first.Instances[0].InstanceId {
		t.Errorf("the retry launched %s, want the first reservation %s back", again.ReservationId, first.ReservationId)
	}
}
