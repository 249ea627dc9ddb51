package core

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
)

// fleetInEveryState leaves one instance in each of EC2's six states and
// returns them by state.
func fleetInEveryState(e *env) map[string]string {
	ids := e.launchRunning(use1, 5)
	by := map[string]string{StateRunning: ids[0]}
	e.terminate(use1, ids[4])
	e.stop(use1, false, ids[3])
	e.advance(e.stopTime())
	by[StateTerminated] = ids[4]
	by[StateStopped] = ids[3]
	e.wait(use1, StateTerminated, ids[4])
	e.wait(use1, StateStopped, ids[3])
	// From here on the clock stands still, so these stay where they are.
	e.stop(use1, false, ids[1])
	by[StateStopping] = ids[1]
	e.terminate(use1, ids[2])
	by[StateShuttingDown] = ids[2]
	by[StatePending] = e.launch(use1, 1)[0]
	return by
}

// stateOp is one state-changing call, reduced to the instance and its answer.
type stateOp struct {
	name string
	verb string // as IncorrectInstanceState words it
	call func(e *env, id string) (*StateChange, error)
}

var stateOps = []stateOp{
	{"start", "started", func(e *env, id string) (*StateChange, error) {
		out, err := e.c.StartInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: []string{id}})
		if err != nil {
			return nil, err
		}
		return &out.StartingInstances[0], nil
	}},
	{"stop", "stopped", func(e *env, id string) (*StateChange, error) {
		out, err := e.c.StopInstances(e.ctx, use1, &StopInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			return nil, err
		}
		return &out.StoppingInstances[0], nil
	}},
	{"reboot", "rebooted", func(e *env, id string) (*StateChange, error) {
		_, err := e.c.RebootInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: []string{id}})
		return nil, err
	}},
	{"terminate", "", func(e *env, id string) (*StateChange, error) {
		out, err := e.c.TerminateInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: []string{id}})
		if err != nil {
			return nil, err
		}
		return &out.TerminatingInstances[0], nil
	}},
	{"modify type", "", func(e *env, id string) (*StateChange, error) {
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ModifyInstanceAttributeInput{InstanceId: id, InstanceType: &AttributeValue{Value: "t2.small"}})
		return nil, err
	}},
	{"modify user data", "", func(e *env, id string) (*StateChange, error) {
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ModifyInstanceAttributeInput{InstanceId: id, UserData: &AttributeValue{Value: "aGk="}})
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
		"start": {StatePending: noop, StateRunning: noop, StateStopping: illegal, StateStopped: skip,
			StateShuttingDown: illegal, StateTerminated: illegal},
		"stop": {StatePending: illegal, StateRunning: skip, StateStopping: noop, StateStopped: noop,
			StateShuttingDown: illegal, StateTerminated: illegal},
		"reboot": {StatePending: illegal, StateRunning: skip, StateStopping: illegal, StateStopped: illegal,
			StateShuttingDown: illegal, StateTerminated: illegal},
		"terminate": {StatePending: skip, StateRunning: skip, StateStopping: skip, StateStopped: skip,
			StateShuttingDown: noop, StateTerminated: noop},
		"modify type": {StatePending: illegal, StateRunning: illegal, StateStopping: illegal, StateStopped: skip,
			StateShuttingDown: illegal, StateTerminated: illegal},
		"modify user data": {StatePending: illegal, StateRunning: illegal, StateStopping: illegal, StateStopped: skip,
			StateShuttingDown: illegal, StateTerminated: illegal},
	}
	for _, o := range stateOps {
		for _, state := range []string{StatePending, StateRunning, StateStopping, StateStopped, StateShuttingDown, StateTerminated} {
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
					wantCode(t, err, CodeIncorrectInstanceState, id, frag)
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
	_, err := e.c.StopInstances(e.ctx, use1, &StopInstancesInput{InstanceIds: []string{by[StateRunning], by[StatePending]}})
	wantCode(t, err, CodeIncorrectInstanceState, by[StatePending])
	if got := e.get(use1, by[StateRunning]).State.Name; got != StateRunning {
		t.Errorf("the legal half of a refused stop went ahead: %s", got)
	}
	// A start that claims a host and an address for the first instance and
	// then fails on the second gives both back.
	_, err = e.c.StartInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: []string{by[StateStopped], by[StateStopping]}})
	wantCode(t, err, CodeIncorrectInstanceState, by[StateStopping])
	if got := e.get(use1, by[StateStopped]); got.State.Name != StateStopped || got.PublicIpAddress != "" {
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
			_, err := e.c.DescribeInstances(e.ctx, use1, &DescribeInstancesInput{InstanceIds: ids})
			return err
		},
		"StartInstances": func(ids []string) error {
			_, err := e.c.StartInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: ids})
			return err
		},
		"StopInstances": func(ids []string) error {
			_, err := e.c.StopInstances(e.ctx, use1, &StopInstancesInput{InstanceIds: ids})
			return err
		},
		"RebootInstances": func(ids []string) error {
			_, err := e.c.RebootInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: ids})
			return err
		},
		"TerminateInstances": func(ids []string) error {
			_, err := e.c.TerminateInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: ids})
			return err
		},
		"WaitInstances": func(ids []string) error {
			_, err := e.c.WaitInstances(e.ctx, use1, &WaitInstancesInput{InstanceIds: ids, State: StateTerminated, TimeoutSeconds: 0.01})
			return err
		},
	}
	cases := []struct {
		name string
		ids  []string
		code string
		frag string
	}{
		{"malformed", []string{"i-xyz"}, CodeInvalidInstanceIDMalformed, `Invalid id: "i-xyz" (expecting "i-...")`},
		{"not an instance ID", []string{"instance-1"}, CodeInvalidInstanceIDMalformed, `"instance-1"`},
		{"malformed wins over missing", []string{missing1, "i-XYZ"}, CodeInvalidInstanceIDMalformed, `"i-XYZ"`},
		{"one missing", []string{missing1}, CodeInvalidInstanceIDNotFound, "The instance ID '" + missing1 + "' does not exist"},
		{"short ID missing", []string{missing2}, CodeInvalidInstanceIDNotFound, "'" + missing2 + "'"},
		{"two missing", []string{missing1, live, missing2}, CodeInvalidInstanceIDNotFound,
			"The instance IDs '" + missing1 + ", " + missing2 + "' do not exist"},
		{"of another region", []string{west}, CodeInvalidInstanceIDNotFound, west},
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
			wantCode(t, calls[name](nil), CodeMissingParameter, "InstanceId")
		})
	}
	t.Run("ModifyInstanceAttribute/missing", func(t *testing.T) {
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, &ModifyInstanceAttributeInput{InstanceId: missing1, UserData: &AttributeValue{}})
		wantCode(t, err, CodeInvalidInstanceIDNotFound, missing1)
	})
	t.Run("DescribeInstanceAttribute/malformed", func(t *testing.T) {
		_, err := e.c.DescribeInstanceAttribute(e.ctx, use1, &DescribeInstanceAttributeInput{InstanceId: "i-1", Attribute: "userData"})
		wantCode(t, err, CodeInvalidInstanceIDMalformed, "i-1")
	})
	t.Run("unknown region", func(t *testing.T) {
		_, err := e.c.StopInstances(e.ctx, "us-nowhere-1", &StopInstancesInput{InstanceIds: []string{live}})
		wantCode(t, err, CodeInvalidRegion, "us-nowhere-1")
	})
	// Duplicates in one call are one instance.
	out, err := e.c.TerminateInstances(e.ctx, use1, &InstanceIdsInput{InstanceIds: []string{live, live}})
	if err != nil || len(out.TerminatingInstances) != 1 {
		t.Errorf("terminate [id id] = %+v, %v", out, err)
	}
}

func TestDryRun(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	e.stop(use1, false, ids[1])
	e.advance(e.stopTime())
	e.wait(use1, StateStopped, ids[1])
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"stop", func(ctx context.Context) error {
			_, err := e.c.StopInstances(ctx, use1, &StopInstancesInput{InstanceIds: ids[:1], DryRun: true})
			return err
		}},
		{"reboot", func(ctx context.Context) error {
			_, err := e.c.RebootInstances(ctx, use1, &InstanceIdsInput{InstanceIds: ids[:1], DryRun: true})
			return err
		}},
		{"terminate", func(ctx context.Context) error {
			_, err := e.c.TerminateInstances(ctx, use1, &InstanceIdsInput{InstanceIds: ids[:1], DryRun: true})
			return err
		}},
		{"start", func(ctx context.Context) error {
			_, err := e.c.StartInstances(ctx, use1, &InstanceIdsInput{InstanceIds: ids[1:], DryRun: true})
			return err
		}},
		{"modify", func(ctx context.Context) error {
			_, err := e.c.ModifyInstanceAttribute(ctx, use1, &ModifyInstanceAttributeInput{InstanceId: ids[1], InstanceType: &AttributeValue{Value: "t2.large"}, DryRun: true})
			return err
		}},
		{"create tags", func(ctx context.Context) error {
			_, err := e.c.CreateTags(ctx, use1, &CreateTagsInput{Resources: ids, Tags: []Tag{{Key: "a", Value: "b"}}, DryRun: true})
			return err
		}},
		{"delete tags", func(ctx context.Context) error {
			_, err := e.c.DeleteTags(ctx, use1, &DeleteTagsInput{Resources: ids, DryRun: true})
			return err
		}},
		{"create key pair", func(ctx context.Context) error {
			_, err := e.c.CreateKeyPair(ctx, use1, &CreateKeyPairInput{KeyName: "k", KeyType: "ed25519", DryRun: true})
			return err
		}},
		{"delete key pair", func(ctx context.Context) error {
			_, err := e.c.DeleteKeyPair(ctx, use1, &DeleteKeyPairInput{KeyName: "k", DryRun: true})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, tc.call(e.ctx), CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
		})
	}
	a, b := e.get(use1, ids[0]), e.get(use1, ids[1])
	if a.State.Name != StateRunning || b.State.Name != StateStopped || b.InstanceType != "t2.micro" || len(a.Tags) != 0 {
		t.Errorf("a dry run changed something: %s %s %s %v", a.State.Name, b.State.Name, b.InstanceType, a.Tags)
	}
	if keys, _ := e.c.DescribeKeyPairs(e.ctx, use1, &DescribeKeyPairsInput{}); len(keys.KeyPairs) != 0 {
		t.Errorf("a dry run made key pairs %v", keys.KeyPairs)
	}
	// A dry run still validates first.
	_, err := e.c.StopInstances(e.ctx, use1, &StopInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}, DryRun: true})
	wantCode(t, err, CodeInvalidInstanceIDNotFound)
}

func TestModifyInstanceType(t *testing.T) {
	e := newEnv(t, twoHostZone)
	id := e.run(use1, &RunInstancesInput{InstanceType: "m5.large"}).Instances[0].InstanceId
	e.wait(use1, StateRunning, id)
	modify := func(in *ModifyInstanceAttributeInput) error {
		in.InstanceId = id
		_, err := e.c.ModifyInstanceAttribute(e.ctx, use1, in)
		return err
	}
	wantCode(t, modify(&ModifyInstanceAttributeInput{InstanceType: &AttributeValue{Value: "m5.xlarge"}}),
		CodeIncorrectInstanceState, "'stopped' state")
	e.stop(use1, false, id)
	e.wait(use1, StateStopped, id)

	cases := []struct {
		name string
		in   ModifyInstanceAttributeInput
		code string
		frag string
	}{
		{"nothing to change", ModifyInstanceAttributeInput{}, CodeMissingParameter, "InstanceType or UserData"},
		{"two attributes", ModifyInstanceAttributeInput{InstanceType: &AttributeValue{Value: "m5.xlarge"}, UserData: &AttributeValue{}}, CodeInvalidParameterCombination, ""},
		{"unknown type", ModifyInstanceAttributeInput{InstanceType: &AttributeValue{Value: "m9.tiny"}}, CodeInvalidInstanceAttributeValue, "'m9.tiny'"},
		{"family no host serves", ModifyInstanceAttributeInput{InstanceType: &AttributeValue{Value: "c5.large"}}, CodeInvalidInstanceAttributeValue, "c5"},
		{"user data not base64", ModifyInstanceAttributeInput{UserData: &AttributeValue{Value: "%%%"}}, CodeInvalidParameterValue, "BASE64"},
		{"user data over 16 KiB", ModifyInstanceAttributeInput{UserData: &AttributeValue{Value: base64.StdEncoding.EncodeToString(make([]byte, 16385))}}, CodeInvalidParameterValue, "16384"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			wantCode(t, modify(&in), tc.code, tc.frag)
		})
	}

	if err := modify(&ModifyInstanceAttributeInput{InstanceType: &AttributeValue{Value: "m5.xlarge"}}); err != nil {
		t.Fatal(err)
	}
	in := e.get(use1, id)
	if in.InstanceType != "m5.xlarge" || in.CpuOptions != (CpuOptions{CoreCount: 2, ThreadsPerCore: 2}) {
		t.Errorf("after modify: %s with %+v", in.InstanceType, in.CpuOptions)
	}
	attr, err := e.c.DescribeInstanceAttribute(e.ctx, use1, &DescribeInstanceAttributeInput{InstanceId: id, Attribute: "instanceType"})
	if err != nil || attr.InstanceType.Value != "m5.xlarge" {
		t.Errorf("instanceType attribute %+v, %v", attr, err)
	}
	if err := modify(&ModifyInstanceAttributeInput{UserData: &AttributeValue{Value: base64.StdEncoding.EncodeToString([]byte("new"))}}); err != nil {
		t.Fatal(err)
	}
	attr, err = e.c.DescribeInstanceAttribute(e.ctx, use1, &DescribeInstanceAttributeInput{InstanceId: id, Attribute: "userData"})
	if err != nil || attr.UserData.Value != "bmV3" {
		t.Errorf("userData attribute %+v, %v", attr, err)
	}
	_, err = e.c.DescribeInstanceAttribute(e.ctx, use1, &DescribeInstanceAttributeInput{InstanceId: id, Attribute: "kernel"})
	wantCode(t, err, CodeInvalidParameterValue, "kernel")

	// The next start claims the new size.
	e.start(use1, id)
	in = e.wait(use1, StateRunning, id)[0]
	if h := e.hosts(use1)[in.Placement.HostId]; h.UsedVCPUs != 4 || h.UsedMemoryMiB != 16384 {
		t.Errorf("host of the resized instance uses %d vCPUs, %d MiB; want 4, 16384", h.UsedVCPUs, h.UsedMemoryMiB)
	}
	log, err := e.c.driverOf(in.Placement.HostId).Console(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The guest booted with the new size: the boot log says so.
	if !strings.Contains(string(log), "smpboot: Allowing 4 CPUs") {
		t.Errorf("the boot after the resize does not show 4 vCPUs:\n%s", log)
	}
	checkInvariants(t, e, use1)
}
