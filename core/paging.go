package core

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// Paging of DescribeInstances: the token names the last instance of the
// page by its place in the listing's order (launch time, launch index,
// ID), so a page boundary holds while instances come and go.

// pagePos is an instance's place in DescribeInstances' order.
type pagePos struct {
	Launch time.Time `json:"t"`
	Index  int       `json:"n"`
	ID     string    `json:"i"`
}

func (p pagePos) before(r *instRecord) bool {
	if !p.Launch.Equal(r.LaunchTime) {
		return p.Launch.Before(r.LaunchTime)
	}
	if p.Index != r.AmiLaunchIndex {
		return p.Index < r.AmiLaunchIndex
	}
	return p.ID < r.InstanceId
}

// pageToken is the NextToken after r.
func pageToken(r *instRecord) string {
	b, _ := json.Marshal(pagePos{Launch: r.LaunchTime, Index: r.AmiLaunchIndex, ID: r.InstanceId})
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkPaging validates MaxResults and NextToken as EC2 does and returns
// the position the page starts after (nil: from the start).
func checkPaging(in *ec2.DescribeInstancesInput) (*pagePos, error) {
	if in.MaxResults != 0 {
		if len(in.InstanceIds) > 0 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterCombination, "The parameter instancesSet cannot be used with the parameter maxResults")
		}
		if in.MaxResults < 5 || in.MaxResults > 1000 {
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", in.MaxResults)
		}
	}
	if in.NextToken == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
	var p pagePos
	if err != nil || json.Unmarshal(b, &p) != nil || p.ID == "" {
		return nil, ec2.Errorf(ec2.CodeInvalidPaginationToken, "The pagination token %q is invalid.", in.NextToken)
	}
	return &p, nil
}

// page cuts the sorted records to those after the token, at most max.
func page(recs []*instRecord, after *pagePos, max int) []*instRecord {
	if after != nil {
		recs = recs[sort.Search(len(recs), func(i int) bool { return after.before(recs[i]) }):]
	}
	if max > 0 && len(recs) > max {
		recs = recs[:max]
	}
	return recs
}

// reservation is the instance's reservation ID; records from before
// reservations were stored get one derived from the instance ID.
func (r *instRecord) reservation() string {
	if r.ReservationId != "" {
		return r.ReservationId
	}
	return "r-" + r.InstanceId[len("i-"):]
}
