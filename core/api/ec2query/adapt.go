package ec2query

import (
	"encoding/base64"

	"github.com/ec2x/ec2x/core/ec2"
)

// Where EC2's answer has a shape the core types leave out (the
// Reservations layer of DescribeInstances, base64 console output), the
// answer is rebuilt here from the same core types.

// Reservation is EC2's grouping of the instances of one RunInstances call.
type Reservation struct {
	ReservationId string                `json:"ReservationId"`
	OwnerId       string                `json:"OwnerId"`
	Groups        []ec2.GroupIdentifier `json:"Groups"`
	Instances     []*ec2.Instance       `json:"Instances"`
}

// DescribeInstancesOutput is EC2's DescribeInstances answer.
type DescribeInstancesOutput struct {
	Reservations []Reservation `json:"Reservations"`
	NextToken    string        `json:"NextToken,omitempty"`
}

// adaptedNames are the XML names of the types above (names_gen.go is made
// from the action table's types only).
var adaptedNames = map[string]string{
	"Reservation.Groups":                   "groupSet",
	"Reservation.Instances":                "instancesSet",
	"DescribeInstancesOutput.Reservations": "reservationSet",
}

// adapt reshapes an answer into EC2's where ec2x's JSON differs.
func adapt(out any) any {
	switch o := out.(type) {
	case *ec2.DescribeInstancesOutput:
		return reservations(o)
	case *ec2.ConsoleOutput:
		c := *o
		c.Output = base64.StdEncoding.EncodeToString([]byte(o.Output))
		return &c
	}
	return out
}

// reservations groups DescribeInstances' instances by reservation, as
// EC2 answers; instances of one launch are adjacent in core's order.
func reservations(o *ec2.DescribeInstancesOutput) *DescribeInstancesOutput {
	out := &DescribeInstancesOutput{Reservations: []Reservation{}, NextToken: o.NextToken}
	for i, in := range o.Instances {
		rid := o.ReservationIds[i]
		n := len(out.Reservations)
		if n == 0 || out.Reservations[n-1].ReservationId != rid {
			out.Reservations = append(out.Reservations, Reservation{ReservationId: rid, OwnerId: ec2.OwnerID, Groups: []ec2.GroupIdentifier{}})
			n++
		}
		out.Reservations[n-1].Instances = append(out.Reservations[n-1].Instances, in)
	}
	return out
}
