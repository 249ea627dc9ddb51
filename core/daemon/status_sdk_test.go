package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// runningSDK launches n instances of typ (with opts applied) and waits
// until they run.
func runningSDK(t *testing.T, c *ec2.Client, n int, typ types.InstanceType, opts func(*ec2.RunInstancesInput)) []string {
	t.Helper()
	ctx := context.Background()
	in := &ec2.RunInstancesInput{MinCount: aws.Int32(int32(n)), MaxCount: aws.Int32(int32(n)), InstanceType: typ}
	if opts != nil {
		opts(in)
	}
	run, err := c.RunInstances(ctx, in)
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	ids := make([]string, len(run.Instances))
	for i, x := range run.Instances {
		ids[i] = aws.ToString(x.InstanceId)
	}
	w := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, 30*time.Second); err != nil {
		t.Fatalf("wait running: %v", err)
	}
	return ids
}

func TestSDKDescribeInstanceStatus(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	ids := runningSDK(t, c, 6, types.InstanceTypeT3Micro, nil)
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: ids[:1]}); err != nil {
		t.Fatal(err)
	}
	stopped := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := stopped.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[:1]}, 30*time.Second); err != nil {
		t.Fatal(err)
	}

	// Running only by default, five a page.
	pages := ec2.NewDescribeInstanceStatusPaginator(c, &ec2.DescribeInstanceStatusInput{MaxResults: aws.Int32(5)})
	var seen []types.InstanceStatus
	n := 0
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		n++
		seen = append(seen, p.InstanceStatuses...)
	}
	if n != 1 || len(seen) != 5 {
		t.Fatalf("%d pages, %d statuses; want the 5 running ones on 1 page", n, len(seen))
	}
	for _, s := range seen {
		if aws.ToString(s.InstanceId) == ids[0] {
			t.Errorf("the stopped instance is listed without IncludeAllInstances")
		}
		if s.InstanceState.Name != types.InstanceStateNameRunning || s.SystemStatus.Status != types.SummaryStatusInitializing ||
			len(s.InstanceStatus.Details) != 1 || s.InstanceStatus.Details[0].Status != types.StatusTypeInitializing || s.InstanceStatus.Details[0].Name != types.StatusNameReachability {
			t.Errorf("a just-booted instance: state %s system %s instance %+v", s.InstanceState.Name, s.SystemStatus.Status, s.InstanceStatus)
		}
	}
	all, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{IncludeAllInstances: aws.Bool(true), MaxResults: aws.Int32(5)})
	if err != nil || len(all.InstanceStatuses) != 5 || all.NextToken == nil {
		t.Fatalf("IncludeAllInstances, 5 a page: %v, %v", all, err)
	}
	rest, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{IncludeAllInstances: aws.Bool(true), MaxResults: aws.Int32(5), NextToken: all.NextToken})
	if err != nil || len(rest.InstanceStatuses) != 1 || rest.NextToken != nil {
		t.Fatalf("second page: %v, %v; want the sixth instance", rest, err)
	}

	// Filters.
	cases := []struct {
		name   string
		filter types.Filter
		all    bool
		want   int
	}{
		{"state name", types.Filter{Name: aws.String("instance-state-name"), Values: []string{"stopped"}}, true, 1},
		{"state code", types.Filter{Name: aws.String("instance-state-code"), Values: []string{"16"}}, true, 5},
		{"instance status", types.Filter{Name: aws.String("instance-status.status"), Values: []string{"initializing"}}, false, 5},
		{"system reachability", types.Filter{Name: aws.String("system-status.reachability"), Values: []string{"passed"}}, false, 0},
		{"not applicable", types.Filter{Name: aws.String("system-status.status"), Values: []string{"not-applicable"}}, true, 1},
		{"zone wildcard", types.Filter{Name: aws.String("availability-zone"), Values: []string{"us-east-1*"}}, false, 5},
		{"no events", types.Filter{Name: aws.String("event.code"), Values: []string{"*"}}, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{Filters: []types.Filter{tc.filter}, IncludeAllInstances: aws.Bool(tc.all)})
			if err != nil || len(out.InstanceStatuses) != tc.want {
				t.Fatalf("%v: %d statuses, %v; want %d", tc.filter.Values, len(out.InstanceStatuses), err, tc.want)
			}
		})
	}
	_, err = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{Filters: []types.Filter{{Name: aws.String("instance-type"), Values: []string{"t3.micro"}}}})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("an unknown filter: %s", code)
	}
	_, err = c.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("a missing ID: %s", code)
	}
}

func TestSDKCreditSpecifications(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	unl := runningSDK(t, c, 1, types.InstanceTypeT2Micro, func(in *ec2.RunInstancesInput) {
		in.CreditSpecification = &types.CreditSpecificationRequest{CpuCredits: aws.String("unlimited")}
	})[0]
	std := runningSDK(t, c, 1, types.InstanceTypeT2Micro, nil)[0]
	m5 := runningSDK(t, c, 1, types.InstanceTypeM5Large, nil)[0]

	_, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: types.InstanceTypeM5Large,
		CreditSpecification: &types.CreditSpecificationRequest{CpuCredits: aws.String("unlimited")}})
	if code := apiCode(t, err); code != "InstanceCreditSpecification.NotSupported" {
		t.Errorf("unlimited on m5.large: %s", code)
	}

	modes := func(ids ...string) map[string]string {
		t.Helper()
		out, err := c.DescribeInstanceCreditSpecifications(ctx, &ec2.DescribeInstanceCreditSpecificationsInput{InstanceIds: ids})
		if err != nil {
			t.Fatalf("DescribeInstanceCreditSpecifications: %v", err)
		}
		m := map[string]string{}
		for _, s := range out.InstanceCreditSpecifications {
			m[aws.ToString(s.InstanceId)] = aws.ToString(s.CpuCredits)
		}
		return m
	}
	if m := modes(unl, std); m[unl] != "unlimited" || m[std] != "standard" {
		t.Fatalf("after launch: %v", m)
	}
	if m := modes(); len(m) != 2 || m[m5] != "" {
		t.Fatalf("without IDs: %v, want the two burstable instances only", m)
	}

	mod, err := c.ModifyInstanceCreditSpecification(ctx, &ec2.ModifyInstanceCreditSpecificationInput{InstanceCreditSpecifications: []types.InstanceCreditSpecificationRequest{
		{InstanceId: aws.String(std), CpuCredits: aws.String("unlimited")},
		{InstanceId: aws.String(m5), CpuCredits: aws.String("unlimited")},
		{InstanceId: aws.String("i-0123456789abcdef0"), CpuCredits: aws.String("unlimited")},
	}})
	if err != nil {
		t.Fatalf("ModifyInstanceCreditSpecification: %v", err)
	}
	if len(mod.SuccessfulInstanceCreditSpecifications) != 1 || aws.ToString(mod.SuccessfulInstanceCreditSpecifications[0].InstanceId) != std {
		t.Errorf("successful: %+v", mod.SuccessfulInstanceCreditSpecifications)
	}
	bad := map[string]string{}
	for _, u := range mod.UnsuccessfulInstanceCreditSpecifications {
		bad[aws.ToString(u.InstanceId)] = string(u.Error.Code)
	}
	if bad[m5] != "InstanceCreditSpecification.NotSupported" || bad["i-0123456789abcdef0"] != "InvalidInstanceID.NotFound" {
		t.Errorf("unsuccessful: %v", bad)
	}
	if m := modes(std); m[std] != "unlimited" {
		t.Errorf("after modify: %v", m)
	}

	// Family defaults: per region, used by later launches.
	def, err := c.GetDefaultCreditSpecification(ctx, &ec2.GetDefaultCreditSpecificationInput{InstanceFamily: types.UnlimitedSupportedInstanceFamilyT2})
	if err != nil || aws.ToString(def.InstanceFamilyCreditSpecification.CpuCredits) != "standard" {
		t.Fatalf("t2 default: %v, %v", def, err)
	}
	if _, err := c.ModifyDefaultCreditSpecification(ctx, &ec2.ModifyDefaultCreditSpecificationInput{InstanceFamily: types.UnlimitedSupportedInstanceFamilyT2, CpuCredits: aws.String("unlimited")}); err != nil {
		t.Fatal(err)
	}
	def, err = c.GetDefaultCreditSpecification(ctx, &ec2.GetDefaultCreditSpecificationInput{InstanceFamily: types.UnlimitedSupportedInstanceFamilyT2})
	if err != nil || aws.ToString(def.InstanceFamilyCreditSpecification.CpuCredits) != "unlimited" {
		t.Fatalf("t2 default after modify: %v, %v", def, err)
	}
	west := newSDKRegion(c, "us-west-2")
	def, err = west.GetDefaultCreditSpecification(ctx, &ec2.GetDefaultCreditSpecificationInput{InstanceFamily: types.UnlimitedSupportedInstanceFamilyT2})
	if err != nil || aws.ToString(def.InstanceFamilyCreditSpecification.CpuCredits) != "standard" {
		t.Fatalf("t2 default in another region: %v, %v", def, err)
	}
	later := runningSDK(t, c, 1, types.InstanceTypeT2Micro, nil)[0]
	if m := modes(later); m[later] != "unlimited" {
		t.Errorf("a launch after the default changed: %v", m)
	}
	_, err = c.GetDefaultCreditSpecification(ctx, &ec2.GetDefaultCreditSpecificationInput{InstanceFamily: "m5"})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("family m5: %s", code)
	}
}

func TestSDKPasswordAndScreenshot(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	id := runningSDK(t, c, 1, types.InstanceTypeT3Micro, nil)[0]
	pw, err := c.GetPasswordData(ctx, &ec2.GetPasswordDataInput{InstanceId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetPasswordData: %v", err)
	}
	if aws.ToString(pw.InstanceId) != id || aws.ToString(pw.PasswordData) != "" || pw.Timestamp == nil || time.Since(*pw.Timestamp) > time.Hour {
		t.Errorf("GetPasswordData: %s %q %v", aws.ToString(pw.InstanceId), aws.ToString(pw.PasswordData), pw.Timestamp)
	}
	_, err = c.GetPasswordData(ctx, &ec2.GetPasswordDataInput{InstanceId: aws.String("i-0123456789abcdef0")})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("GetPasswordData of a missing instance: %s", code)
	}
	_, err = c.GetConsoleScreenshot(ctx, &ec2.GetConsoleScreenshotInput{InstanceId: aws.String(id)})
	if code := apiCode(t, err); code != "UnsupportedOperation" {
		t.Errorf("GetConsoleScreenshot on sim: %s", code)
	}
}

// newSDKRegion is c speaking to another region of the same endpoint.
func newSDKRegion(c *ec2.Client, region string) *ec2.Client {
	return ec2.New(c.Options(), func(o *ec2.Options) { o.Region = region })
}
