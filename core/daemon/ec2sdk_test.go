package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// The EC2 endpoint driven by the AWS SDK for Go v2, as a user's program
// drives EC2: a real daemon in this process, its TCP listener, SigV4.

const (
	testKey    = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	ec2Config  = "[sim]\nboot_seconds = 0.1\nstop_seconds = 0.05\n\n[api]\nlisten = \"127.0.0.1:0\"\n"
)

// sdkClient starts a daemon with the endpoint and returns an SDK client
// for it with the given secret, and the endpoint's URL.
func sdkClient(t *testing.T, secret string) (*ec2.Client, string) {
	t.Helper()
	d := runDaemon(t, t.TempDir(), ec2Config)
	url := "http://" + d.ec2
	return newSDK(url, testKey, secret), url
}

func newSDK(url, key, secret string) *ec2.Client {
	return ec2.New(ec2.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		// The SDK's standard retries, as users have them: they retry
		// transport errors and throttling, never EC2's client errors,
		// which reach the test as they are.
		RetryMaxAttempts: 3,
	})
}

// apiCode is the EC2 error code of err as the SDK reports it.
func apiCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v (%T), want an EC2 API error", err, err)
	}
	return ae.ErrorCode()
}

func TestSDKInstanceLifecycle(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()

	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
		MinCount: aws.Int32(7), MaxCount: aws.Int32(7), InstanceType: types.InstanceTypeT3Micro,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
			Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("sdk")}, {Key: aws.String("team"), Value: aws.String("blue")}}}},
	})
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	if len(run.Instances) != 7 || !strings.HasPrefix(aws.ToString(run.ReservationId), "r-") {
		t.Fatalf("RunInstances gave %d instances in reservation %q", len(run.Instances), aws.ToString(run.ReservationId))
	}
	if got := run.Instances[0].State.Name; got != types.InstanceStateNamePending {
		t.Errorf("a new instance is %q, want pending", got)
	}
	if tags := run.Instances[0].Tags; len(tags) != 2 {
		t.Errorf("tags %v, want Name and team", tags)
	}
	ids := make([]string, len(run.Instances))
	for i, in := range run.Instances {
		ids[i] = aws.ToString(in.InstanceId)
	}

	// One more, untagged: the filter must leave it out.
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	pages := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{
		MaxResults: aws.Int32(5),
		Filters:    []types.Filter{{Name: aws.String("tag:team"), Values: []string{"blue"}}},
	})
	var seen []string
	npages := 0
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("DescribeInstances page %d: %v", npages, err)
		}
		npages++
		for _, r := range p.Reservations {
			if aws.ToString(r.ReservationId) != aws.ToString(run.ReservationId) {
				t.Errorf("reservation %s, want %s", aws.ToString(r.ReservationId), aws.ToString(run.ReservationId))
			}
			for _, in := range r.Instances {
				seen = append(seen, aws.ToString(in.InstanceId))
			}
		}
	}
	if npages != 2 || strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("paged %d times over %v, want 2 pages over %v", npages, seen, ids)
	}

	running := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := running.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids}, 30*time.Second); err != nil {
		t.Fatalf("InstanceRunning waiter: %v", err)
	}

	id := ids[0]
	stop, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if ch := stop.StoppingInstances[0]; ch.PreviousState.Name != types.InstanceStateNameRunning || ch.CurrentState.Name != types.InstanceStateNameStopping {
		t.Errorf("StopInstances: %s -> %s", ch.PreviousState.Name, ch.CurrentState.Name)
	}
	stopped := ec2.NewInstanceStoppedWaiter(c, func(o *ec2.InstanceStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := stopped.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatalf("InstanceStopped waiter: %v", err)
	}

	if _, err := c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id),
		InstanceType: &types.AttributeValue{Value: aws.String("t3.large")}}); err != nil {
		t.Fatalf("ModifyInstanceAttribute: %v", err)
	}
	if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if in := d.Reservations[0].Instances[0]; in.InstanceType != "t3.large" || in.LaunchTime == nil || aws.ToString(in.PrivateIpAddress) == "" {
		t.Errorf("after modify and start: type %s, launch time %v, private IP %q", in.InstanceType, in.LaunchTime, aws.ToString(in.PrivateIpAddress))
	}

	out, err := c.GetConsoleOutput(ctx, &ec2.GetConsoleOutputInput{InstanceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	log, err := base64.StdEncoding.DecodeString(aws.ToString(out.Output))
	if err != nil || !strings.Contains(string(log), "Linux version") {
		t.Errorf("console output (base64 %v): %.200q", err, log)
	}

	_, err = c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}, DryRun: aws.Bool(true)})
	if code := apiCode(t, err); code != "DryRunOperation" {
		t.Errorf("a dry run gave %s", code)
	}
	term, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if got := term.TerminatingInstances[0].CurrentState.Name; got != types.InstanceStateNameShuttingDown {
		t.Errorf("terminate: %s, want shutting-down", got)
	}
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-00000000000000000"}})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("an unknown ID gave %s", code)
	}
}

// SDKs retry with the same ClientToken: the retry gets the first answer.
func TestSDKClientTokenIsIdempotent(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	in := &ec2.RunInstancesInput{MinCount: aws.Int32(2), MaxCount: aws.Int32(2), ClientToken: aws.String("retry-me")}
	a, err := c.RunInstances(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.RunInstances(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.ReservationId) != aws.ToString(b.ReservationId) || aws.ToString(a.Instances[1].InstanceId) != aws.ToString(b.Instances[1].InstanceId) {
		t.Errorf("a retry launched again: %s vs %s", aws.ToString(a.ReservationId), aws.ToString(b.ReservationId))
	}
}

func TestSDKAddressLimit(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		out, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc})
		if err != nil {
			t.Fatalf("allocation %d: %v", i+1, err)
		}
		if !strings.HasPrefix(aws.ToString(out.AllocationId), "eipalloc-") || aws.ToString(out.PublicIp) == "" {
			t.Fatalf("allocation %d: %+v", i+1, out)
		}
	}
	_, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{})
	if code := apiCode(t, err); code != "AddressLimitExceeded" {
		t.Errorf("the sixth address gave %s, want AddressLimitExceeded", code)
	}
	all, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	if err != nil || len(all.Addresses) != 5 {
		t.Fatalf("DescribeAddresses: %d, %v", len(all.Addresses), err)
	}
}

func TestSDKNetworkInterfaces(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: "t3.large",
		Placement: &types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	subnet := aws.ToString(run.Instances[0].SubnetId)
	eni, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String(subnet),
		Description: aws.String("second site"), SecondaryPrivateIpAddressCount: aws.Int32(1)})
	if err != nil {
		t.Fatalf("CreateNetworkInterface: %v", err)
	}
	eniID := aws.ToString(eni.NetworkInterface.NetworkInterfaceId)
	if eni.NetworkInterface.Status != types.NetworkInterfaceStatusAvailable || len(eni.NetworkInterface.PrivateIpAddresses) != 2 {
		t.Errorf("new interface: status %s, %d addresses", eni.NetworkInterface.Status, len(eni.NetworkInterface.PrivateIpAddresses))
	}
	att, err := c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: aws.String(eniID),
		InstanceId: aws.String(id), DeviceIndex: aws.Int32(1)})
	if err != nil {
		t.Fatalf("AttachNetworkInterface: %v", err)
	}
	status := func() types.NetworkInterfaceStatus {
		d, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eniID}})
		if err != nil {
			t.Fatal(err)
		}
		return d.NetworkInterfaces[0].Status
	}
	if s := status(); s != types.NetworkInterfaceStatusInUse {
		t.Errorf("attached interface is %s", s)
	}
	_, err = c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(eniID)})
	if code := apiCode(t, err); code != "InvalidNetworkInterface.InUse" {
		t.Errorf("deleting an attached interface gave %s", code)
	}
	if _, err := c.DetachNetworkInterface(ctx, &ec2.DetachNetworkInterfaceInput{AttachmentId: att.AttachmentId}); err != nil {
		t.Fatalf("DetachNetworkInterface: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for status() != types.NetworkInterfaceStatusAvailable {
		if time.Now().After(deadline) {
			t.Fatal("the interface never became available after detaching")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(eniID)}); err != nil {
		t.Fatalf("DeleteNetworkInterface: %v", err)
	}
	_, err = c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eniID}})
	if code := apiCode(t, err); code != "InvalidNetworkInterfaceID.NotFound" {
		t.Errorf("a deleted interface gave %s", code)
	}
}

func TestSDKAuthentication(t *testing.T) {
	_, url := sdkClient(t, testSecret)
	ctx := context.Background()
	cases := []struct {
		name, key, secret, code string
	}{
		{"wrong secret", testKey, "not-the-secret", "SignatureDoesNotMatch"},
		{"unknown key", "AKIDUNKNOWN", testSecret, "AuthFailure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newSDK(url, tc.key, tc.secret).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("got %s, want %s", code, tc.code)
			}
		})
	}
}

// Requests the SDK would not send: unsigned, malformed, unknown.
func TestQueryProtocolErrors(t *testing.T) {
	_, url := sdkClient(t, testSecret)
	cases := []struct {
		name, method, params string
		unsigned             bool
		status               int
		code                 string
	}{
		{"unsigned", "POST", "Action=DescribeInstances&Version=2016-11-15", true, 401, "MissingAuthenticationToken"},
		{"no action", "POST", "Version=2016-11-15", false, 400, "MissingAction"},
		{"unknown action", "POST", "Action=LaunchRocket&Version=2016-11-15", false, 400, "InvalidAction"},
		{"an ec2x-only action", "POST", "Action=DescribeInstanceTable&Version=2016-11-15", false, 400, "InvalidAction"},
		{"unknown parameter", "POST", "Action=DescribeInstances&Version=2016-11-15&Colour=blue", false, 400, "UnknownParameter"},
		{"malformed value", "POST", "Action=RunInstances&Version=2016-11-15&MinCount=many&MaxCount=1", false, 400, "InvalidParameterValue"},
		{"a parameter given twice", "POST", "Action=RunInstances&Version=2016-11-15&MinCount=1&MaxCount=1&MaxCount=900", false, 400, "InvalidQueryParameter"},
		{"a parameter in the query and the body", "POST", "Action=DescribeInstances&Version=2016-11-15?Action=TerminateInstances", false, 400, "InvalidQueryParameter"},
		{"no version", "POST", "Action=DescribeInstances", false, 400, "MissingParameter"},
		{"RunInstances without MinCount", "POST", "Action=RunInstances&Version=2016-11-15&MaxCount=1", false, 400, "MissingParameter"},
		{"RunInstances without either count", "GET", "Action=RunInstances&Version=2016-11-15", false, 400, "MissingParameter"},
		{"a list a call requires", "POST", "Action=TerminateInstances&Version=2016-11-15", false, 400, "MissingParameter"},
		{"a blob that is not base64", "POST", "Action=ImportKeyPair&Version=2016-11-15&KeyName=k&PublicKeyMaterial=%25%25%25", false, 400, "InvalidParameterValue"},
		{"a blob as a list", "POST", "Action=ImportKeyPair&Version=2016-11-15&KeyName=k&PublicKeyMaterial.1=AAAA", false, 400, "UnknownParameter"},
		{"page size zero", "POST", "Action=DescribeInstances&Version=2016-11-15&MaxResults=0", false, 400, "InvalidParameterValue"},
		{"page size out of range", "POST", "Action=DescribeInstances&Version=2016-11-15&MaxResults=2", false, 400, "InvalidParameterValue"},
		{"bad page token", "POST", "Action=DescribeInstances&Version=2016-11-15&NextToken=xyz", false, 400, "InvalidPaginationToken"},
		{"dry run of a read", "GET", "Action=DescribeRegions&Version=2016-11-15&DryRun=true", false, 412, "DryRunOperation"},
		{"GET works", "GET", "Action=DescribeRegions&Version=2016-11-15", false, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var req *http.Request
			body := ""
			if tc.method == "GET" {
				req, _ = http.NewRequest("GET", url+"/?"+tc.params, nil)
			} else {
				// A "?" in the case puts what follows in the URL's query.
				var query string
				body, query, _ = strings.Cut(tc.params, "?")
				req, _ = http.NewRequest("POST", url+"/?"+query, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if !tc.unsigned {
				signRaw(t, req, body)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.code == "" {
				if !strings.Contains(string(b), "<regionInfo><item>") || !strings.Contains(string(b), "<requestId>") {
					t.Errorf("body %s", b)
				}
				return
			}
			if !strings.Contains(string(b), "<Response><Errors><Error><Code>"+tc.code+"</Code><Message>") || !strings.Contains(string(b), "<RequestID>") {
				t.Errorf("body %s", b)
			}
		})
	}
}

// signRaw signs a hand-made request as the SDK would.
func signRaw(t testing.TB, r *http.Request, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret},
		r, hex.EncodeToString(sum[:]), "ec2", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

// With allow_anonymous, unsigned requests from loopback get in.
func TestAnonymousOnLoopback(t *testing.T) {
	d := runDaemon(t, t.TempDir(), ec2Config+"allow_anonymous = true\n")
	resp, err := http.Post("http://"+d.ec2+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=DescribeAvailabilityZones&Version=2016-11-15"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<zoneName>us-east-1a</zoneName>") {
		t.Errorf("status %d: %s", resp.StatusCode, b)
	}
}

// The spot market and reserved instances through the SDK.
func TestSDKPricing(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	hist, err := c.DescribeSpotPriceHistory(ctx, &ec2.DescribeSpotPriceHistoryInput{
		InstanceTypes: []types.InstanceType{"m5.large"}, AvailabilityZone: aws.String("us-east-1a")})
	if err != nil {
		t.Fatalf("DescribeSpotPriceHistory: %v", err)
	}
	if len(hist.SpotPriceHistory) == 0 {
		t.Fatal("no spot prices")
	}
	p := hist.SpotPriceHistory[0]
	if p.InstanceType != "m5.large" || aws.ToString(p.AvailabilityZone) != "us-east-1a" || p.Timestamp == nil || aws.ToString(p.SpotPrice) <= "0.000000" {
		t.Errorf("spot price %+v", p)
	}
	offs, err := c.DescribeReservedInstancesOfferings(ctx, &ec2.DescribeReservedInstancesOfferingsInput{
		InstanceType: "m5.large", OfferingClass: types.OfferingClassTypeStandard, OfferingType: types.OfferingTypeValuesAllUpfront})
	if err != nil {
		t.Fatalf("DescribeReservedInstancesOfferings: %v", err)
	}
	var three *types.ReservedInstancesOffering
	for i, o := range offs.ReservedInstancesOfferings {
		if aws.ToInt64(o.Duration) == 3*365*24*3600 {
			three = &offs.ReservedInstancesOfferings[i]
		}
	}
	if three == nil || aws.ToFloat32(three.FixedPrice) <= 0 {
		t.Fatalf("no priced 3-year all-upfront offering in %d", len(offs.ReservedInstancesOfferings))
	}
	buy, err := c.PurchaseReservedInstancesOffering(ctx, &ec2.PurchaseReservedInstancesOfferingInput{
		ReservedInstancesOfferingId: three.ReservedInstancesOfferingId, InstanceCount: aws.Int32(2)})
	if err != nil {
		t.Fatalf("PurchaseReservedInstancesOffering: %v", err)
	}
	ri, err := c.DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{ReservedInstancesIds: []string{aws.ToString(buy.ReservedInstancesId)}})
	if err != nil || len(ri.ReservedInstances) != 1 {
		t.Fatalf("DescribeReservedInstances: %v", err)
	}
	if r := ri.ReservedInstances[0]; aws.ToInt32(r.InstanceCount) != 2 || r.State != types.ReservedInstanceStateActive || r.InstanceType != "m5.large" {
		t.Errorf("reservation %+v", r)
	}
}

// must stops the test at an error the step cannot go on without.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// apiRefusal is a call EC2 refuses, with the code it refuses it with.
type apiRefusal struct {
	name string
	call func() error
	code string
}

// wantRefusals runs each refusal as a subtest and checks its code.
func wantRefusals(t *testing.T, refusals []apiRefusal) {
	t.Helper()
	for _, r := range refusals {
		t.Run("refused: "+r.name, func(t *testing.T) {
			if code := apiCode(t, r.call()); code != r.code {
				t.Errorf("code %s, want %s", code, r.code)
			}
		})
	}
}
