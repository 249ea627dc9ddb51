package core

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// fleetInEveryState leaves one instance in each of EC2's six states and
// returns them by state.
func fleetInEveryState(e *env) map[string]string {
	ids := e.launchRunning(use1, 5)
	by := map[string]string{ec2.StateRunning: ids[0]}
	e.terminate(use1, ids[4])
	e.stop(use1, false, ids[3])
	e.advance(e.stopTime())
	by[ec2.StateTerminated] = ids[4]
	by[ec2.StateStopped] = ids[3]
	e.wait(use1, ec2.StateTerminated, ids[4])
	e.wait(use1, ec2.StateStopped, ids[3])
	// From here on the clock stands still, so these stay where they are.
	e.stop(use1, false, ids[1])
	by[ec2.StateStopping] = ids[1]
	e.terminate(use1, ids[2])
	by[ec2.StateShuttingDown] = ids[2]
	by[ec2.StatePending] = e.launch(use1, 1)[0]
	return by
}

// stateOp is one state-changing call, reduced to the instance and its answer.
type stateOp struct {
	name string
	verb string // as IncorrectInstanceState words it
	call func(e *env, id string) (*ec2.StateChange, error)
}

var stateOps = []stateOp{
	{"start", "started", func(e *env, id string) (*ec2.StateChange, error) {
		out, err := e.c.StartInstances(e.ctx, use1, &ec2.StartInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			return nil, err
		}
		return &out.StartingInstances[0], nil
	}},
	{"stop", "stopped", func(e *env, id string) (*ec2.StateChange, error) {
		out, err := e.c.StopInstances(e.ctx, use1, &ec2.StopInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			return nil, err
		}
		return &out.StoppingInstances[0], nil
	}},
	{"reboot", "rebooted", func(e *env, id string) (*ec2.StateChange, error) {
		_, err := e.c.RebootInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: []string{id}})
		return nil, err
	}},
	{"terminate", "", func(e *env, id string) (*ec2.StateChange, error) {
		out, err := e.c.TerminateInstances(e.ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			return nil, err
		}
		return &out.TerminatingInstances[0], nil
	}},
	{"modify type", "", func(e *env, id string) (*ec2.StateChange, error) {
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: id, InstanceType: &ec2.AttributeValue{Value: "t2.small"}})
		return nil, err
	}},
	{"modify user data", "", func(e *env, id string) (*ec2.StateChange, error) {
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: id, UserData: &ec2.AttributeValue{Value: "aGk="}})
		return nil, err
	}},
}

// TestTransitionsFromEveryState tries every call in every state. Legal
// calls are checked only where they change nothing (so the table can share
// one fleet); the changing ones have their own tests.
func TestTransitionsFromEveryState(t *testing.T) {
	e := newEnv(t, "")
	by := fleetInEveryState(e)
	const (
		illegal = "illegal"
		noop    = "no change"
		skip    = "changes state"
	)
	want := map[string]map[string]string{
		"start": {ec2.StatePending: noop, ec2.StateRunning: noop, ec2.StateStopping: illegal, ec2.StateStopped: skip,
			ec2.StateShuttingDown: illegal, ec2.StateTerminated: illegal},
		"stop": {ec2.StatePending: illegal, ec2.StateRunning: skip, ec2.StateStopping: noop, ec2.StateStopped: noop,
			ec2.StateShuttingDown: illegal, ec2.StateTerminated: illegal},
		"reboot": {ec2.StatePending: illegal, ec2.StateRunning: skip, ec2.StateStopping: illegal, ec2.StateStopped: illegal,
			ec2.StateShuttingDown: illegal, ec2.StateTerminated: illegal},
		"terminate": {ec2.StatePending: skip, ec2.StateRunning: skip, ec2.StateStopping: skip, ec2.StateStopped: skip,
			ec2.StateShuttingDown: noop, ec2.StateTerminated: noop},
		"modify type": {ec2.StatePending: illegal, ec2.StateRunning: illegal, ec2.StateStopping: illegal, ec2.StateStopped: skip,
			ec2.StateShuttingDown: illegal, ec2.StateTerminated: illegal},
		"modify user data": {ec2.StatePending: illegal, ec2.StateRunning: illegal, ec2.StateStopping: illegal, ec2.StateStopped: skip,
			ec2.StateShuttingDown: illegal, ec2.StateTerminated: illegal},
	}
	for _, o := range stateOps {
		for _, state := range []string{ec2.StatePending, ec2.StateRunning, ec2.StateStopping, ec2.StateStopped, ec2.StateShuttingDown, ec2.StateTerminated} {
			expect := want[o.name][state]
			if expect == skip {
				continue
			}
			t.Run(o.name+" when "+state, func(t *testing.T) {
				id := by[state]
				ch, err := o.call(e, id)
				switch expect {
				case illegal:
					frag := "'stopped' state"
					if o.verb != "" {
						frag = "can be " + o.verb + " (it is " + state + ")"
					}
					wantCode(t, err, ec2.CodeIncorrectInstanceState, id, frag)
				case noop:
					if err != nil {
						t.Fatal(err)
					}
					wantChange(t, *ch, id, state, state)
				}
				if got := e.get(use1, id).State.Name; got != state {
					t.Errorf("instance moved from %s to %s", state, got)
				}
			})
		}
	}
	checkInvariants(t, e, use1)
}

// TestTransitionsAreAllOrNothing: one illegal instance fails the whole call.
func TestTransitionsAreAllOrNothing(t *testing.T) {
	e := newEnv(t, "")
	by := fleetInEveryState(e)
	_, err := e.c.StopInstances(e.ctx, use1, &ec2.StopInstancesInput{InstanceIds: []string{by[ec2.StateRunning], by[ec2.StatePending]}})
	wantCode(t, err, ec2.CodeIncorrectInstanceState, by[ec2.StatePending])
	if got := e.get(use1, by[ec2.StateRunning]).State.Name; got != ec2.StateRunning {
		t.Errorf("the legal half of a refused stop went ahead: %s", got)
	}
	// A start that claims a host and an address for the first instance and
	// then fails on the second gives both back.
	_, err = e.c.StartInstances(e.ctx, use1, &ec2.StartInstancesInput{InstanceIds: []string{by[ec2.StateStopped], by[ec2.StateStopping]}})
	wantCode(t, err, ec2.CodeIncorrectInstanceState, by[ec2.StateStopping])
	if got := e.get(use1, by[ec2.StateStopped]); got.State.Name != ec2.StateStopped || got.PublicIpAddress != "" {
		t.Errorf("the refused start left %+v", got.State)
	}
	checkInvariants(t, e, use1)
}

func TestInstanceIDErrors(t *testing.T) {
	e := newEnv(t, "")
	live := e.launch(use1, 1)[0]
	west := e.launch(usw2, 1)[0]
	const (
		missing1 = "i-0123456789abcdef0"
		missing2 = "i-00000000"
	)
	calls := map[string]func(ids []string) error{
		"DescribeInstances": func(ids []string) error {
			_, err := e.c.DescribeInstances(e.ctx, use1, &ec2.DescribeInstancesInput{InstanceIds: ids})
			return err
		},
		"StartInstances": func(ids []string) error {
			_, err := e.c.StartInstances(e.ctx, use1, &ec2.StartInstancesInput{InstanceIds: ids})
			return err
		},
		"StopInstances": func(ids []string) error {
			_, err := e.c.StopInstances(e.ctx, use1, &ec2.StopInstancesInput{InstanceIds: ids})
			return err
		},
		"RebootInstances": func(ids []string) error {
			_, err := e.c.RebootInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: ids})
			return err
		},
		"TerminateInstances": func(ids []string) error {
			_, err := e.c.TerminateInstances(e.ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: ids})
			return err
		},
		"WaitInstances": func(ids []string) error {
			_, err := e.c.WaitInstances(e.ctx, use1, &ec2.WaitInstancesInput{InstanceIds: ids, State: ec2.StateTerminated, TimeoutSeconds: 0.01})
			return err
		},
	}
	cases := []struct {
		name string
		ids  []string
		code string
		frag string
	}{
		{"malformed", []string{"i-xyz"}, ec2.CodeInvalidInstanceIDMalformed, `Invalid id: "i-xyz" (expecting "i-...")`},
		{"not an instance ID", []string{"instance-1"}, ec2.CodeInvalidInstanceIDMalformed, `"instance-1"`},
		{"malformed wins over missing", []string{missing1, "i-XYZ"}, ec2.CodeInvalidInstanceIDMalformed, `"i-XYZ"`},
		{"one missing", []string{missing1}, ec2.CodeInvalidInstanceIDNotFound, "The instance ID '" + missing1 + "' does not exist"},
		{"short ID missing", []string{missing2}, ec2.CodeInvalidInstanceIDNotFound, "'" + missing2 + "'"},
		{"two missing", []string{missing1, live, missing2}, ec2.CodeInvalidInstanceIDNotFound,
			"The instance IDs '" + missing1 + ", " + missing2 + "' do not exist"},
		{"of another region", []string{west}, ec2.CodeInvalidInstanceIDNotFound, west},
	}
	for name, call := range calls {
		for _, tc := range cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				wantCode(t, call(tc.ids), tc.code, tc.frag)
			})
		}
	}
	for _, name := range []string{"StartInstances", "StopInstances", "RebootInstances", "TerminateInstances"} {
		t.Run(name+"/no IDs", func(t *testing.T) {
			wantCode(t, calls[name](nil), ec2.CodeMissingParameter, "InstanceId")
		})
	}
	t.Run("ModifyInstanceAttribute/missing", func(t *testing.T) {
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: missing1, UserData: &ec2.AttributeValue{}})
		wantCode(t, err, ec2.CodeInvalidInstanceIDNotFound, missing1)
	})
	t.Run("DescribeInstanceAttribute/malformed", func(t *testing.T) {
		_, err := e.c.DescribeInstanceAttribute(e.ctx, use1, &ec2.DescribeInstanceAttributeInput{InstanceId: "i-1", Attribute: "userData"})
		wantCode(t, err, ec2.CodeInvalidInstanceIDMalformed, "i-1")
	})
	t.Run("unknown region", func(t *testing.T) {
		_, err := e.c.StopInstances(e.ctx, "us-nowhere-1", &ec2.StopInstancesInput{InstanceIds: []string{live}})
		wantCode(t, err, ec2.CodeInvalidRegion, "us-nowhere-1")
	})
	// Duplicates in one call are one instance.
	out, err := e.c.TerminateInstances(e.ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: []string{live, live}})
	if err != nil || len(out.TerminatingInstances) != 1 {
		t.Errorf("terminate [id id] = %+v, %v", out, err)
	}
}

func TestDryRun(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	e.stop(use1, false, ids[1])
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, ids[1])
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"stop", func(ctx context.Context) error {
			_, err := e.c.StopInstances(ctx, use1, &ec2.StopInstancesInput{InstanceIds: ids[:1], DryRun: true})
			return err
		}},
		{"reboot", func(ctx context.Context) error {
			_, err := e.c.RebootInstances(ctx, use1, &ec2.InstanceIdsInput{InstanceIds: ids[:1], DryRun: true})
			return err
		}},
		{"terminate", func(ctx context.Context) error {
			_, err := e.c.TerminateInstances(ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: ids[:1], DryRun: true})
			return err
		}},
		{"start", func(ctx context.Context) error {
			_, err := e.c.StartInstances(ctx, use1, &ec2.StartInstancesInput{InstanceIds: ids[1:], DryRun: true})
			return err
		}},
		{"modify", func(ctx context.Context) error {
			_, err := e.c.ModifyInstanceAttribute(ctx, use1, &ec2.ModifyInstanceAttributeInput{InstanceId: ids[1], InstanceType: &ec2.AttributeValue{Value: "t2.large"}, DryRun: true})
			return err
		}},
		{"create tags", func(ctx context.Context) error {
			_, err := e.c.CreateTags(ctx, use1, &ec2.CreateTagsInput{Resources: ids, Tags: []ec2.Tag{{Key: "a", Value: "b"}}, DryRun: true})
			return err
		}},
		{"delete tags", func(ctx context.Context) error {
			_, err := e.c.DeleteTags(ctx, use1, &ec2.DeleteTagsInput{Resources: ids, DryRun: true})
			return err
		}},
		{"create key pair", func(ctx context.Context) error {
			_, err := e.c.CreateKeyPair(ctx, use1, &ec2.CreateKeyPairInput{KeyName: "k", KeyType: "ed25519", DryRun: true})
			return err
		}},
		{"delete key pair", func(ctx context.Context) error {
			_, err := e.c.DeleteKeyPair(ctx, use1, &ec2.DeleteKeyPairInput{KeyName: "k", DryRun: true})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, tc.call(e.ctx), ec2.CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
		})
	}
	a, b := e.get(use1, ids[0]), e.get(use1, ids[1])
	if a.State.Name != ec2.StateRunning || b.State.Name != ec2.StateStopped || b.InstanceType != "t2.micro" || len(a.Tags) != 0 {
		t.Errorf("a dry run changed something: %s %s %s %v", a.State.Name, b.State.Name, b.InstanceType, a.Tags)
	}
	if keys, _ := e.c.DescribeKeyPairs(e.ctx, use1, &ec2.DescribeKeyPairsInput{}); len(keys.KeyPairs) != 0 {
		t.Errorf("a dry run made key pairs %v", keys.KeyPairs)
	}
	// A dry run still validates first.
	_, err := e.c.StopInstances(e.ctx, use1, &ec2.StopInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}, DryRun: true})
	wantCode(t, err, ec2.CodeInvalidInstanceIDNotFound)
}

func TestModifyInstanceType(t *testing.T) {
	e := newEnv(t, twoHostZone)
	id := e.run(use1, &ec2.RunInstancesInput{InstanceType: "m5.large"}).Instances[0].InstanceId
	e.wait(use1, ec2.StateRunning, id)
	modify := func(in *ec2.ModifyInstanceAttributeInput) error {
		in.InstanceId = id
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, in)
		return err
	}
	wantCode(t, modify(&ec2.ModifyInstanceAttributeInput{InstanceType: &ec2.AttributeValue{Value: "m5.xlarge"}}),
		ec2.CodeIncorrectInstanceState, "'stopped' state")
	e.stop(use1, false, id)
	e.wait(use1, ec2.StateStopped, id)

	cases := []struct {
		name string
		in   ec2.ModifyInstanceAttributeInput
		code string
		frag string
	}{
		{"nothing to change", ec2.ModifyInstanceAttributeInput{}, ec2.CodeMissingParameter, "attribute to modify"},
		{"two attributes", ec2.ModifyInstanceAttributeInput{InstanceType: &ec2.AttributeValue{Value: "m5.xlarge"}, UserData: &ec2.AttributeValue{}}, ec2.CodeInvalidParameterCombination, ""},
		{"unknown type", ec2.ModifyInstanceAttributeInput{InstanceType: &ec2.AttributeValue{Value: "m9.tiny"}}, ec2.CodeInvalidInstanceAttributeValue, "'m9.tiny'"},
		{"family no host serves", ec2.ModifyInstanceAttributeInput{InstanceType: &ec2.AttributeValue{Value: "c5.large"}}, ec2.CodeInvalidInstanceAttributeValue, "c5"},
		{"user data not base64", ec2.ModifyInstanceAttributeInput{UserData: &ec2.AttributeValue{Value: "%%%"}}, ec2.CodeInvalidParameterValue, "BASE64"},
		{"user data over 16 KiB", ec2.ModifyInstanceAttributeInput{UserData: &ec2.AttributeValue{Value: base64.StdEncoding.EncodeToString(make([]byte, 16385))}}, ec2.CodeInvalidParameterValue, "16384"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			wantCode(t, modify(&in), tc.code, tc.frag)
		})
	}

	if err := modify(&ec2.ModifyInstanceAttributeInput{InstanceType: &ec2.AttributeValue{Value: "m5.xlarge"}}); err != nil {
		t.Fatal(err)
	}
	in := e.get(use1, id)
	if in.InstanceType != "m5.xlarge" || in.CpuOptions != (ec2.CpuOptions{CoreCount: 2, ThreadsPerCore: 2}) {
		t.Errorf("after modify: %s with %+v", in.InstanceType, in.CpuOptions)
	}
	attr, err := e.c.DescribeInstanceAttribute(e.ctx, use1, &ec2.DescribeInstanceAttributeInput{InstanceId: id, Attribute: "instanceType"})
	if err != nil || attr.InstanceType.Value != "m5.xlarge" {
		t.Errorf("instanceType attribute %+v, %v", attr, err)
	}
	if err := modify(&ec2.ModifyInstanceAttributeInput{UserData: &ec2.AttributeValue{Value: base64.StdEncoding.EncodeToString([]byte("new"))}}); err != nil {
		t.Fatal(err)
	}
	attr, err = e.c.DescribeInstanceAttribute(e.ctx, use1, &ec2.DescribeInstanceAttributeInput{InstanceId: id, Attribute: "userData"})
	if err != nil || attr.UserData.Value != "bmV3" {
		t.Errorf("userData attribute %+v, %v", attr, err)
	}
	_, err = e.c.DescribeInstanceAttribute(e.ctx, use1, &ec2.DescribeInstanceAttributeInput{InstanceId: id, Attribute: "colour"})
	wantCode(t, err, ec2.CodeInvalidParameterValue, "colour")

	// The next start claims the new size.
	e.start(use1, id)
	in = e.wait(use1, ec2.StateRunning, id)[0]
	if h := e.hosts(use1)[in.Placement.HostId]; h.UsedVCPUs != 4 || h.UsedMemoryMiB != 16384 {
		t.Errorf("host of the resized instance uses %d vCPUs, %d MiB; want 4, 16384", h.UsedVCPUs, h.UsedMemoryMiB)
	}
	log, err := e.driverOf(in.Placement.HostId).Console(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The guest booted with the new size: the boot log says so.
	if !strings.Contains(string(log), "smpboot: Allowing 4 CPUs") {
		t.Errorf("the boot after the resize does not show 4 vCPUs:\n%s", log)
	}
	checkInvariants(t, e, use1)
}
