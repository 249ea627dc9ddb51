package ec2

import "time"

// Scheduled event codes, as EC2 names them.
const (
	EventInstanceReboot     = "instance-reboot"
	EventSystemReboot       = "system-reboot"
	EventSystemMaintenance  = "system-maintenance"
	EventInstanceRetirement = "instance-retirement"
	EventInstanceStop       = "instance-stop"
)

// ModifyInstanceEventStartTimeInput is EC2's ModifyInstanceEventStartTime
// request: a new start for a scheduled event.
type ModifyInstanceEventStartTimeInput struct {
	InstanceId      string    `json:"InstanceId"`
	InstanceEventId string    `json:"InstanceEventId"`
	NotBefore       time.Time `json:"NotBefore"`
	DryRun          bool      `json:"DryRun,omitempty"`
}

// ModifyInstanceEventStartTimeOutput is the event as rescheduled.
type ModifyInstanceEventStartTimeOutput struct {
	Event *InstanceStatusEvent `json:"Event,omitempty"`
}

// DescribeInstanceTopologyInput is EC2's DescribeInstanceTopology request.
type DescribeInstanceTopologyInput struct {
	InstanceIds []string `json:"InstanceIds,omitempty"`
	GroupNames  []string `json:"GroupNames,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	MaxResults  int      `json:"MaxResults,omitempty"`
	NextToken   string   `json:"NextToken,omitempty"`
	DryRun      bool     `json:"DryRun,omitempty"`
}

// DescribeInstanceTopologyOutput is its answer.
type DescribeInstanceTopologyOutput struct {
	Instances []InstanceTopology `json:"Instances"`
	NextToken string             `json:"NextToken,omitempty"`
}

// InstanceTopology is where an instance sits in the network: its network
// nodes from the top layer down to the one it connects to.
type InstanceTopology struct {
	InstanceId       string   `json:"InstanceId"`
	InstanceType     string   `json:"InstanceType"`
	GroupName        string   `json:"GroupName,omitempty"`
	NetworkNodes     []string `json:"NetworkNodes"`
	AvailabilityZone string   `json:"AvailabilityZone"`
	ZoneId           string   `json:"ZoneId"`
	CapacityBlockId  string   `json:"CapacityBlockId,omitempty"`
}

// MaintainHostInput (ec2x's own) schedules maintenance on a host: every
// instance on it gets a scheduled event of Code starting at NotBefore.
type MaintainHostInput struct {
	HostId    string    `json:"HostId"`
	Code      string    `json:"Code"`
	NotBefore time.Time `json:"NotBefore"`
	// NotAfter is the window's end (default: two hours after NotBefore).
	NotAfter *time.Time `json:"NotAfter,omitempty"`
	// NotBeforeDeadline is how late a reboot event may be moved (reboot
	// events only; default: a week after NotBefore).
	NotBeforeDeadline *time.Time `json:"NotBeforeDeadline,omitempty"`
	// Description replaces the code's own wording.
	Description string `json:"Description,omitempty"`
}

// MaintainHostOutput lists the events scheduled, one per instance.
type MaintainHostOutput struct {
	HostId string              `json:"HostId"`
	Events []HostInstanceEvent `json:"Events"`
}

// HostInstanceEvent is one instance's event of a host's maintenance.
type HostInstanceEvent struct {
	InstanceId string              `json:"InstanceId"`
	Event      InstanceStatusEvent `json:"Event"`
}

// DrainHostInput drains a host (ec2x's own action): it takes no new
// guests, and its running guests move live to other hosts of its zone,
// each announced by a system-maintenance event. Undo ends the drain.
type DrainHostInput struct {
	HostId string `json:"HostId"`
	Undo   bool   `json:"Undo,omitempty"`
}

// DrainHostOutput is the host's drain and the events of the guests that move.
type DrainHostOutput struct {
	HostId   string              `json:"HostId"`
	Draining bool                `json:"Draining"`
	Events   []HostInstanceEvent `json:"Events"`
}

// EvacuateHostInput restarts the instances of a host that does not
// answer on other hosts of its zone, from their disks (ec2x's own action).
type EvacuateHostInput struct {
	HostId string `json:"HostId"`
}

// EvacuateHostOutput lists where each instance of the host went.
type EvacuateHostOutput struct {
	HostId    string      `json:"HostId"`
	Instances []HostMoved `json:"Instances"`
}

// HostMoved is one instance moved off a host.
type HostMoved struct {
	InstanceId string `json:"InstanceId"`
	ToHostId   string `json:"ToHostId,omitempty"`
	// State is the instance's state after the move (pending when it
	// boots again there); Error says why it could not move.
	State string `json:"State,omitempty"`
	Error string `json:"Error,omitempty"`
}
