package core

import (
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/hv/sim"
)

// TestGuestShutdownBehavior: a guest that powers itself off (the sim
// driver's GuestShutdown, `poweroff` inside) leaves its instance stopped,
// or terminated when its InstanceInitiatedShutdownBehavior says so, as
// set at launch or by ModifyInstanceAttribute.
func TestGuestShutdownBehavior(t *testing.T) {
	cases := []struct {
		name     string
		launch   string // RunInstances' behaviour
		modified string // then ModifyInstanceAttribute's, "" for none
		want     string
	}{
		{"default stops", "", "", ec2.StateStopped},
		{"stop", "stop", "", ec2.StateStopped},
		{"terminate", "terminate", "", ec2.StateTerminated},
		{"modified to terminate", "stop", "terminate", ec2.StateTerminated},
		{"modified to stop", "terminate", "stop", ec2.StateStopped},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Stops and destroys at once: the terminate behaviour's
			// destroy comes from the event loop, after its own commit.
			e := newEnv(t, "[sim]\nstop_seconds = 0\n")
			out := e.run(use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1, InstanceInitiatedShutdownBehavior: tc.launch})
			id := out.Instances[0].InstanceId
			e.advance(e.bootTime())
			e.wait(use1, ec2.StateRunning, id)
			if tc.modified != "" {
				if _, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: id,
					InstanceInitiatedShutdownBehavior: &ec2.AttributeValue{Value: tc.modified}}); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.c.drivers[sim.Name].(*sim.Driver).GuestShutdown(e.ctx, id); err != nil {
				t.Fatal(err)
			}
			got := e.wait(use1, tc.want, id)[0]
			if got.StateReason == nil || got.StateReason.Code != "Client.InstanceInitiatedShutdown" {
				t.Errorf("state reason %+v, want Client.InstanceInitiatedShutdown", got.StateReason)
			}
		})
	}
}

// TestAttributesSurviveRestart: the attributes are part of the instance's
// record, so a daemon that restarts keeps its protections and options.
func TestAttributesSurviveRestart(t *testing.T) {
	e := newEnv(t, "")
	id := e.run(use1, &ec2.RunInstancesInput{MinCount: 1, MaxCount: 1, DisableApiTermination: true, InstanceInitiatedShutdownBehavior: "terminate",
		Monitoring: &ec2.RunInstancesMonitoringEnabled{Enabled: true}, MetadataOptions: &ec2.InstanceMetadataOptionsRequest{HttpTokens: "required", HttpPutResponseHopLimit: 4}}).Instances[0].InstanceId
	e.reopen()
	_, err := e.c.TerminateInstances(e.ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, ec2.CodeOperationNotPermitted, "disableApiTermination")
	in := e.get(use1, id)
	if in.Monitoring.State != "enabled" || in.MetadataOptions.HttpTokens != "required" || in.MetadataOptions.HttpPutResponseHopLimit != 4 {
		t.Errorf("after a restart: monitoring %+v, metadata %+v", in.Monitoring, in.MetadataOptions)
	}
	attr, err := e.c.DescribeInstanceAttribute(e.ctx, use1, &ec2.DescribeInstanceAttributeInput{InstanceId: id, Attribute: "instanceInitiatedShutdownBehavior"})
	if err != nil || attr.InstanceInitiatedShutdownBehavior.Value != "terminate" {
		t.Errorf("shutdown behaviour after a restart: %+v, %v", attr, err)
	}
}
