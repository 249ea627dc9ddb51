package template

import (
	"context"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
)

// TestDeleteFullTemplate: a template at EC2's limit of 10,000 versions
// refuses one more, and is deleted whole in one transaction, which stays
// within the store's bound on one.
func TestDeleteFullTemplate(t *testing.T) {
	ctx := context.Background()
	s := newService(t, 0, 0)
	data := &ec2.RequestLaunchTemplateData{InstanceType: "t3.micro", UserData: "IyEvYmluL3NoCmVjaG8gaGkK"}
	lt, err := s.CreateLaunchTemplate(ctx, "us-east-1", &ec2.CreateLaunchTemplateInput{LaunchTemplateName: "full", LaunchTemplateData: data})
	if err != nil {
		t.Fatal(err)
	}
	id := lt.LaunchTemplate.LaunchTemplateId
	// Versions are written straight into the store, in batches: 10,000
	// calls would only test the store's speed.
	for n := int64(2); n <= DefaultMaxVersions; n += 1000 {
		err := s.rt.Update(ctx, "us-east-1", func(tx *state.Tx) error {
			t0 := *state.Get(tx, Table, id)
			for v := n; v < n+1000 && v <= DefaultMaxVersions; v++ {
				state.Put(tx, Versions, &Version{LaunchTemplateId: id, VersionNumber: v, Data: *data})
				t0.Versions++
				t0.LatestVersionNumber, t0.NextVersion = v, v+1
			}
			state.Put(tx, Table, &t0)
			return nil
		})
		if err != nil {
			t.Fatalf("versions from %d: %v", n, err)
		}
	}
	_, err = s.CreateLaunchTemplateVersion(ctx, "us-east-1", &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id, LaunchTemplateData: data})
	if ec2.CodeOf(err) != ec2.CodeLaunchTemplateVersionLimitExceeded {
		t.Errorf("version 10,001: %v", err)
	}
	if _, err := s.DeleteLaunchTemplate(ctx, "us-east-1", &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: id}); err != nil {
		t.Fatalf("deleting a template of 10,000 versions: %v", err)
	}
	r, _ := s.rt.Region("us-east-1")
	if n := state.Len(r, Versions); n != 0 {
		t.Errorf("%d versions left", n)
	}
}
