package ec2query

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"strconv"

	"github.com/ec2x/ec2x/core/actions"
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

// paging is a MaxResults/NextToken request the front end pages itself,
// for reads whose core call answers in full.
type paging struct {
	max    int
	offset int
}

// takePaging removes MaxResults and NextToken from form for actions whose
// input does not take them, to page the answer here.
func takePaging(form url.Values, a actions.Action) (*paging, error) {
	if _, has := a.In.FieldByName("MaxResults"); has {
		return nil, nil
	}
	mr, nt := form.Get("MaxResults"), form.Get("NextToken")
	if mr == "" && nt == "" {
		return nil, nil
	}
	if !isRead(a.Name) || listField(a.Out) < 0 {
		return nil, nil // left in the form: reported as unknown
	}
	delete(form, "MaxResults")
	delete(form, "NextToken")
	p := &paging{}
	if mr != "" {
		n, err := strconv.Atoi(mr)
		if err != nil || n < 1 || n > 1000 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value ( %s ) for parameter maxResults is invalid. Expecting a value between 1 and 1000.", mr)
		}
		p.max = n
	}
	if nt != "" {
		b, err := base64.RawURLEncoding.DecodeString(nt)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidPaginationToken, "The pagination token %q is invalid.", nt)
		}
		p.offset = n
	}
	return p, nil
}

// listField is the index of the only list field of an output struct, or -1.
func listField(t reflect.Type) int {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return -1
	}
	found := -1
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Type.Kind() == reflect.Slice && t.Field(i).IsExported() {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// pagedOutput is an answer cut to one page, with the token of the next.
type pagedOutput struct {
	out       any
	nextToken string
}

// adapt reshapes an answer into EC2's, and pages it.
func adapt(action string, out any, pg *paging) (any, error) {
	switch o := out.(type) {
	case *ec2.DescribeInstancesOutput:
		return reservations(o), nil
	case *ec2.ConsoleOutput:
		c := *o
		c.Output = base64.StdEncoding.EncodeToString([]byte(o.Output))
		return &c, nil
	}
	if pg == nil {
		return out, nil
	}
	v := reflect.ValueOf(out).Elem()
	i := listField(v.Type())
	list := v.Field(i)
	start := min(pg.offset, list.Len())
	end := list.Len()
	if pg.max > 0 {
		end = min(end, start+pg.max)
	}
	cp := reflect.New(v.Type()).Elem()
	cp.Set(v)
	cp.Field(i).Set(list.Slice(start, end))
	p := pagedOutput{out: cp.Addr().Interface()}
	if end < list.Len() {
		p.nextToken = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return p, nil
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
