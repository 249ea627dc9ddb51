package template

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/catalog"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/state"
	"github.com/ec2x/ec2x/core/store"
	"github.com/ec2x/ec2x/internal/clock"
	"github.com/rs/zerolog"
)

// newService is the family alone on a real store, with the given limits.
func newService(t *testing.T, maxT, maxV int) *Service {
	t.Helper()
	ctx := context.Background()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, t.TempDir(), store.Options{NoSync: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(ctx) })
	rt := state.New(state.Options{Config: cfg, Store: st, Clock: clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), Logger: zerolog.Nop(), Seed: 1,
		Fatal: func(err error) { t.Errorf("fatal: %v", err) }})
	s := New(rt, Options{Catalog: catalog.New(cfg, rt), MaxTemplates: maxT, MaxVersions: maxV})
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLimits: templates per region and versions per template, counted as
// EC2 counts them (a deleted version frees its place), and EC2's own
// figures by default.
func TestLimits(t *testing.T) {
	if s := New(nil, Options{}); s.maxT != 5000 || s.maxV != 10000 {
		t.Errorf("default limits %d templates, %d versions; EC2's are 5,000 and 10,000", s.maxT, s.maxV)
	}
	ctx := context.Background()
	s := newService(t, 3, 2)
	data := &ec2.RequestLaunchTemplateData{InstanceType: "t3.micro"}
	for i := 0; i < 3; i++ {
		if _, err := s.CreateLaunchTemplate(ctx, "us-east-1", &ec2.CreateLaunchTemplateInput{LaunchTemplateName: fmt.Sprintf("t-%d", i), LaunchTemplateData: data}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.CreateLaunchTemplate(ctx, "us-east-1", &ec2.CreateLaunchTemplateInput{LaunchTemplateName: "one-too-many", LaunchTemplateData: data})
	if ec2.CodeOf(err) != ec2.CodeLaunchTemplateLimitExceeded {
		t.Errorf("the 4th template of 3: %v", err)
	}
	if _, err := s.CreateLaunchTemplate(ctx, "us-west-2", &ec2.CreateLaunchTemplateInput{LaunchTemplateName: "t-0", LaunchTemplateData: data}); err != nil {
		t.Errorf("another region has its own limit and names: %v", err)
	}
	add := func() error {
		_, err := s.CreateLaunchTemplateVersion(ctx, "us-east-1", &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: "t-0", LaunchTemplateData: data})
		return err
	}
	if err := add(); err != nil {
		t.Fatal(err)
	}
	if err := add(); ec2.CodeOf(err) != ec2.CodeLaunchTemplateVersionLimitExceeded {
		t.Errorf("the 3rd version of 2: %v", err)
	}
	if _, err := s.DeleteLaunchTemplateVersions(ctx, "us-east-1", &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateName: "t-0", Versions: []string{"2"}}); err != nil {
		t.Fatal(err)
	}
	if err := add(); err != nil {
		t.Errorf("a version after one was deleted: %v", err)
	}
}
