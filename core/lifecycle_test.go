package core

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// wantChange checks one element of a Start/Stop/Terminate answer.
func wantChange(t *testing.T, ch ec2.StateChange, id, prev, cur string) {
	t.Helper()
	if ch.InstanceId != id || ch.PreviousState != ec2.NewState(prev) || ch.CurrentState != ec2.NewState(cur) {
		t.Fatalf("change %+v, want %s %s(%d) -> %s(%d)", ch, id, prev, ec2.NewState(prev).Code, cur, ec2.NewState(cur).Code)
	}
}

func TestStateCodes(t *testing.T) {
	want := map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}
	for name, code := range want {
		if got := ec2.NewState(name); got.Code != code || got.Name != name || !ec2.ValidStateName(name) {
			t.Errorf("NewState(%q) = %+v, want code %d", name, got, code)
		}
	}
	if ec2.ValidStateName("booting") {
		t.Error("booting is not an EC2 state")
	}
}

func TestStopStartCycle(t *testing.T) {
	e := newEnv(t, "")
	id := e.launch(use1, 1)[0]
	if got := e.get(use1, id).State; got != ec2.NewState(ec2.StatePending) {
		t.Fatalf("after launch: %+v", got)
	}
	e.advance(e.bootTime() - time.Millisecond)
	if got := e.get(use1, id).State.Name; got != ec2.StatePending {
		t.Fatalf("running before the boot time passed: %s", got)
	}
	e.advance(time.Millisecond)
	before := e.wait(use1, ec2.StateRunning, id)[0]
	checkInvariants(t, e, use1)

	ch := e.stop(use1, false, id)
	wantChange(t, ch[0], id, ec2.StateRunning, ec2.StateStopping)
	stopping := e.get(use1, id)
	if stopping.PublicIpAddress != before.PublicIpAddress || stopping.Placement.HostId != before.Placement.HostId {
		t.Errorf("a stopping instance gave up its address or host early: %+v", stopping)
	}
	wantReason := "User initiated (" + e.clk.Now().UTC().Format("2006-01-02 15:04:05") + " GMT)"
	if stopping.StateTransitionReason != wantReason || stopping.StateReason == nil || stopping.StateReason.Code != "Client.UserInitiatedShutdown" {
		t.Errorf("reason %q / %+v, want %q", stopping.StateTransitionReason, stopping.StateReason, wantReason)
	}

	e.advance(e.stopTime())
	stopped := e.wait(use1, ec2.StateStopped, id)[0]
	if stopped.State.Code != 80 || stopped.PublicIpAddress != "" || stopped.PublicDnsName != "" || stopped.Placement.HostId != "" {
		t.Errorf("stopped instance still holds public IP %q or host %q", stopped.PublicIpAddress, stopped.Placement.HostId)
	}
	if stopped.PrivateIpAddress != before.PrivateIpAddress || stopped.NetworkInterfaces[0].Association != nil {
		t.Errorf("stop changed the private IP or kept the association: %+v", stopped.NetworkInterfaces[0])
	}
	if h := e.hosts(use1)[before.Placement.HostId]; h.UsedVCPUs != 0 || len(h.Instances) != 0 {
		t.Errorf("host still holds %d vCPUs for a stopped instance", h.UsedVCPUs)
	}
	checkInvariants(t, e, use1)

	ch = e.start(use1, id)
	wantChange(t, ch[0], id, ec2.StateStopped, ec2.StatePending)
	started := e.get(use1, id)
	if started.PublicIpAddress == "" || started.Placement.HostId == "" || started.StateReason != nil || started.StateTransitionReason != "" {
		t.Errorf("starting instance: public IP %q host %q reason %+v %q", started.PublicIpAddress, started.Placement.HostId, started.StateReason, started.StateTransitionReason)
	}
	if started.PrivateIpAddress != before.PrivateIpAddress || started.LaunchTime != before.LaunchTime {
		t.Errorf("start changed private IP %s -> %s or launch time", before.PrivateIpAddress, started.PrivateIpAddress)
	}
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, id)
	checkInvariants(t, e, use1)
}

// A tiny public pool makes the address's round trip visible: four
// addresses, four instances.
const tinyPool = `
[regions.us-east-1]
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_pool = "198.18.0.0/30"
vpc_cidr = "172.31.0.0/16"
subnet_prefix = 20
default_image = "amazon-linux-2023"
`

func TestStopReleasesPublicIPStartTakesANewOne(t *testing.T) {
	e := newEnv(t, tinyPool)
	ids := e.launchRunning(use1, 4)
	_, err := e.c.RunInstances(e.ctx, use1, &ec2.RunInstancesInput{})
	wantCode(t, err, ec2.CodeInsufficientAddressCapacity, "us-east-1")

	freed := e.get(use1, ids[0]).PublicIpAddress
	e.stop(use1, false, ids[0])
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, ids[0])
	// The only free address is the one the stop gave back.
	n := e.run(use1, &ec2.RunInstancesInput{}).Instances[0]
	if n.PublicIpAddress != freed {
		t.Fatalf("new launch got %s, want the released %s", n.PublicIpAddress, freed)
	}
	_, err = e.c.StartInstances(e.ctx, use1, &ec2.StartInstancesInput{InstanceIds: []string{ids[0]}})
	wantCode(t, err, ec2.CodeInsufficientAddressCapacity)
	if st := e.get(use1, ids[0]).State.Name; st != ec2.StateStopped {
		t.Fatalf("a refused start left the instance %s", st)
	}

	e.terminate(use1, ids[1])
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateTerminated, ids[1])
	e.start(use1, ids[0])
	if got := e.get(use1, ids[0]).PublicIpAddress; got == "" || got == freed {
		t.Errorf("restarted instance got public IP %q (its old one went to another)", got)
	}
	checkInvariants(t, e, use1)
}

// twoHostZone has a small and a large host in us-east-1a: bin-packing fills
// the small one first.
const twoHostZone = `
[sim]
boot_seconds = 0
stop_seconds = 0

[fleet]
builtin_hosts = false  # these hosts are the whole fleet

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 2
memory_gib = 4
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2"]

[[hosts]]
zone = "us-east-1a"
count = 1
vcpus = 8
memory_gib = 16
cpu_overcommit = 1.0
mem_overcommit = 1.0
families = ["t2", "m5"]
`

func TestStartMayMoveHostsAndFreesCapacity(t *testing.T) {
	e := newEnv(t, twoHostZone)
	x := e.launchRunning(use1, 1)[0]
	small := e.get(use1, x).Placement.HostId
	e.stop(use1, false, x)
	e.wait(use1, ec2.StateStopped, x)
	// The stop gave the small host's capacity back: two more fit on it.
	fill := idsOf(e.run(use1, &ec2.RunInstancesInput{MinCount: 2}).Instances)
	for _, id := range fill {
		if h := e.get(use1, id).Placement.HostId; h != small {
			t.Fatalf("%s went to %s, want the freed small host %s", id, h, small)
		}
	}
	e.start(use1, x)
	in := e.wait(use1, ec2.StateRunning, x)[0]
	if in.Placement.HostId == small || in.Placement.HostId == "" {
		t.Errorf("start put the instance on host %q; the small host %s is full", in.Placement.HostId, small)
	}
	checkInvariants(t, e, use1)
}

func TestStartCapacity(t *testing.T) {
	e := newEnv(t, capacityFleet)
	a := e.run(use1, &ec2.RunInstancesInput{MinCount: 2, Placement: &ec2.Placement{AvailabilityZone: "us-east-1a"}})
	x := a.Instances[0].InstanceId
	e.wait(use1, ec2.StateRunning, x)
	e.stop(use1, false, x)
	e.wait(use1, ec2.StateStopped, x)
	e.run(use1, &ec2.RunInstancesInput{Placement: &ec2.Placement{AvailabilityZone: "us-east-1a"}})
	// A stopped instance restarts in its own zone only.
	_, err := e.c.StartInstances(e.ctx, use1, &ec2.StartInstancesInput{InstanceIds: []string{x}})
	wantCode(t, err, ec2.CodeInsufficientInstanceCapacity, "(us-east-1a)")
	checkInvariants(t, e, use1)
}

func TestForceStop(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launchRunning(use1, 2)
	e.stop(use1, false, ids[0])
	// A second graceful stop changes nothing; a forced one cuts it short
	// without waiting for the guest.
	wantChange(t, e.stop(use1, false, ids[0])[0], ids[0], ec2.StateStopping, ec2.StateStopping)
	wantChange(t, e.stop(use1, true, ids[0])[0], ids[0], ec2.StateStopping, ec2.StateStopping)
	e.wait(use1, ec2.StateStopped, ids[0])
	// Force on a running instance shuts it down gracefully first, as EC2's
	// does: it takes the stop time.
	wantChange(t, e.stop(use1, true, ids[1])[0], ids[1], ec2.StateRunning, ec2.StateStopping)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateStopped, ids[1])
	wantChange(t, e.stop(use1, false, ids[1])[0], ids[1], ec2.StateStopped, ec2.StateStopped)
	checkInvariants(t, e, use1)
}

func TestTerminate(t *testing.T) {
	cases := []struct {
		name string
		from string
	}{
		{"pending", ec2.StatePending},
		{"running", ec2.StateRunning},
		{"stopping", ec2.StateStopping},
		{"stopped", ec2.StateStopped},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			id := e.launch(use1, 1)[0]
			if tc.from != ec2.StatePending {
				e.advance(e.bootTime())
				e.wait(use1, ec2.StateRunning, id)
			}
			if tc.from == ec2.StateStopping || tc.from == ec2.StateStopped {
				e.stop(use1, false, id)
			}
			if tc.from == ec2.StateStopped {
				e.advance(e.stopTime())
				e.wait(use1, ec2.StateStopped, id)
			}
			before := e.get(use1, id)
			wantChange(t, e.terminate(use1, id)[0], id, tc.from, ec2.StateShuttingDown)
			if in := e.get(use1, id); in.PrivateIpAddress != before.PrivateIpAddress {
				t.Errorf("shutting-down instance lost its private IP early")
			}
			checkInvariants(t, e, use1)
			// Terminating again changes nothing.
			wantChange(t, e.terminate(use1, id)[0], id, ec2.StateShuttingDown, ec2.StateShuttingDown)
			e.advance(e.stopTime())
			gone := e.wait(use1, ec2.StateTerminated, id)[0]
			if gone.State.Code != 48 || gone.PrivateIpAddress != "" || gone.PublicIpAddress != "" ||
				gone.Placement.HostId != "" || len(gone.NetworkInterfaces) != 0 {
				t.Errorf("terminated instance still holds resources: %+v", gone)
			}
			if gone.Placement.AvailabilityZone != before.Placement.AvailabilityZone || gone.InstanceType != before.InstanceType {
				t.Errorf("terminated instance forgot where and what it was: %+v", gone.Placement)
			}
			wantChange(t, e.terminate(use1, id)[0], id, ec2.StateTerminated, ec2.StateTerminated)
			for _, h := range e.hosts(use1) {
				if h.UsedVCPUs != 0 {
					t.Errorf("host %s holds %d vCPUs after terminate", h.ID, h.UsedVCPUs)
				}
			}
			checkInvariants(t, e, use1)
		})
	}
}

func TestTerminatedStayVisibleThenDisappear(t *testing.T) {
	e := newEnv(t, "[lifecycle]\nterminated_visible_seconds = 600\n")
	in := func() *ec2.RunInstancesInput { return &ec2.RunInstancesInput{ClientToken: "once"} }
	id := e.run(use1, in()).Instances[0].InstanceId
	keep := e.launch(use1, 1)[0]
	e.terminate(use1, id)
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateTerminated, id)

	e.advance(600*time.Second - time.Second)
	if got := e.list(use1, newFilter("instance-state-name", "terminated")); !slices.Equal(got, []string{id}) {
		t.Fatalf("terminated instance not visible before its time is up: %v", got)
	}
	e.advance(time.Second)
	if got := e.list(use1); !slices.Equal(got, []string{keep}) {
		t.Fatalf("after the visible time the listing is %v, want only %s", got, keep)
	}
	_, err := e.c.DescribeInstances(e.ctx, use1, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, ec2.CodeInvalidInstanceIDNotFound, id)
	_, err = e.c.TerminateInstances(e.ctx, use1, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
	wantCode(t, err, ec2.CodeInvalidInstanceIDNotFound, id)

	// The janitor (every minute) forgets the instance and its ClientToken:
	// the token is free for a new launch with other parameters.
	e.advance(2 * time.Minute)
	other := in()
	other.InstanceType = "t3.micro"
	out := e.run(use1, other)
	if out.Instances[0].InstanceId == id || out.Instances[0].InstanceType != "t3.micro" {
		t.Errorf("reused token gave %+v", out.Instances[0])
	}
}

func TestReboot(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	before := e.get(use1, id)
	e.advance(time.Minute)
	out, err := e.c.RebootInstances(e.ctx, use1, &ec2.InstanceIdsInput{InstanceIds: []string{id}})
	if err != nil || !out.Return {
		t.Fatalf("reboot: %v, %+v", err, out)
	}
	after := e.get(use1, id)
	if after.State.Name != ec2.StateRunning || after.PublicIpAddress != before.PublicIpAddress ||
		after.PrivateIpAddress != before.PrivateIpAddress || after.Placement.HostId != before.Placement.HostId {
		t.Errorf("reboot changed the instance: %+v", after)
	}
	log, err := e.driverOf(after.Placement.HostId).Console(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(log), "Linux version") < 2 {
		t.Errorf("the console shows no second boot after the reboot:\n%s", log)
	}
}

// TestGuestInitiatedShutdown: a guest that shuts itself down (shutdown -h
// inside, or a crash) ends stopped, as on EC2, and gives back what a stop
// gives back.
func TestGuestInitiatedShutdown(t *testing.T) {
	e := newEnv(t, "")
	id := e.launchRunning(use1, 1)[0]
	host := e.get(use1, id).Placement.HostId
	if err := e.driverOf(host).Stop(e.ctx, id, false); err != nil {
		t.Fatal(err)
	}
	e.advance(e.stopTime())
	in := e.wait(use1, ec2.StateStopped, id)[0]
	if in.StateReason == nil || in.StateReason.Code != "Client.InstanceInitiatedShutdown" || !strings.HasPrefix(in.StateTransitionReason, "Client initiated (") {
		t.Errorf("reason %+v %q", in.StateReason, in.StateTransitionReason)
	}
	if in.PublicIpAddress != "" || in.Placement.HostId != "" {
		t.Errorf("stopped by its guest but holds %q / %q", in.PublicIpAddress, in.Placement.HostId)
	}
	checkInvariants(t, e, use1)
	e.start(use1, id)
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, id)
}

// TestLaunchTheDriverRefuses: a launch the hypervisor cannot carry out ends
// terminated with EC2's Server.InternalError reason, holding nothing. Here
// the sim refuses a load profile that config validation would have caught,
// slipped in behind its back.
func TestLaunchTheDriverRefuses(t *testing.T) {
	e := newEnv(t, "[workloads.overload]\nmean = 50.0\n")
	e.cfg.Workloads["overload"].Mean = 500
	id := e.run(use1, &ec2.RunInstancesInput{TagSpecifications: instanceTags("ec2x:workload", "overload")}).Instances[0].InstanceId
	in := e.wait(use1, ec2.StateTerminated, id)[0]
	if in.StateReason == nil || in.StateReason.Code != "Server.InternalError" || !strings.Contains(in.StateReason.Message, "create failed") {
		t.Errorf("reason %+v", in.StateReason)
	}
	checkInvariants(t, e, use1)
	ok := e.run(use1, &ec2.RunInstancesInput{TagSpecifications: instanceTags("ec2x:workload", "web")}).Instances[0].InstanceId
	e.advance(e.bootTime())
	e.wait(use1, ec2.StateRunning, ok)
}

func TestWaitInstances(t *testing.T) {
	e := newEnv(t, "")
	ids := e.launch(use1, 2)

	t.Run("gives up after its timeout", func(t *testing.T) {
		out, err := e.c.WaitInstances(e.ctx, use1, &ec2.WaitInstancesInput{InstanceIds: ids, State: ec2.StateRunning, TimeoutSeconds: 0.05})
		if err != nil || out.Done || len(out.Instances) != 2 {
			t.Fatalf("wait on pending instances: %+v, %v", out, err)
		}
	})
	t.Run("wakes up when they get there", func(t *testing.T) {
		done := make(chan *ec2.WaitInstancesOutput, 1)
		go func() {
			out, _ := e.c.WaitInstances(e.ctx, use1, &ec2.WaitInstancesInput{InstanceIds: ids, State: ec2.StateRunning, TimeoutSeconds: 10})
			done <- out
		}()
		e.advance(e.bootTime())
		if out := <-done; out == nil || !out.Done || out.Instances[0].State.Name != ec2.StateRunning {
			t.Fatalf("wait returned %+v", out)
		}
	})
	t.Run("done at once", func(t *testing.T) {
		e.wait(use1, ec2.StateRunning, ids...)
	})
	e.stop(use1, false, ids[0])
	e.terminate(use1, ids[1])
	cases := []struct {
		name  string
		id    string
		state string
		code  string
		frag  string
	}{
		{"stopping will not run", ids[0], ec2.StateRunning, ec2.CodeIncorrectInstanceState, "will not become running"},
		{"shutting-down will not stop", ids[1], ec2.StateStopped, ec2.CodeIncorrectInstanceState, "will not become stopped"},
		{"shutting-down will not run", ids[1], ec2.StateRunning, ec2.CodeIncorrectInstanceState, "is shutting-down"},
		{"not a state", ids[0], "asleep", ec2.CodeInvalidParameterValue, "'asleep'"},
		{"unknown instance", "i-0123456789abcdef0", ec2.StateRunning, ec2.CodeInvalidInstanceIDNotFound, "i-0123456789abcdef0"},
		{"malformed instance", "i-nope", ec2.StateRunning, ec2.CodeInvalidInstanceIDMalformed, "i-nope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.WaitInstances(e.ctx, use1, &ec2.WaitInstancesInput{InstanceIds: []string{tc.id}, State: tc.state, TimeoutSeconds: 5})
			wantCode(t, err, tc.code, tc.frag)
		})
	}
	e.advance(e.stopTime())
	e.wait(use1, ec2.StateTerminated, ids[1])
	_, err := e.c.WaitInstances(e.ctx, use1, &ec2.WaitInstancesInput{InstanceIds: ids[1:], State: ec2.StateRunning, TimeoutSeconds: 5})
	wantCode(t, err, ec2.CodeIncorrectInstanceState, "is terminated")
}

func TestPrivateIPsStayInTheirSubnet(t *testing.T) {
	e := newEnv(t, "[sim]\nboot_seconds = 0\nstop_seconds = 0\n")
	for _, z := range e.cfg.Regions[use1].Zones {
		sub := e.net(use1).SubnetByZone(z)
		for _, in := range e.run(use1, &ec2.RunInstancesInput{MinCount: 5, Placement: &ec2.Placement{AvailabilityZone: z}}).Instances {
			if !sub.Cidr.Contains(netip.MustParseAddr(in.PrivateIpAddress)) || in.SubnetId != sub.SubnetId {
				t.Errorf("%s in %s has %s, outside subnet %s", in.InstanceId, z, in.PrivateIpAddress, sub.Cidr)
			}
		}
	}
	checkInvariants(t, e, use1)
}
