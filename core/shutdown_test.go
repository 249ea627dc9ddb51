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
