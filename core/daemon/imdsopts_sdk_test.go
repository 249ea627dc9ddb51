package daemon

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/ec2x/ec2x/core/api"
	wire "github.com/ec2x/ec2x/core/ec2"
)

// get fetches path from an IMDS with an optional token; it returns the
// status and body, or status 0 when the connection failed.
func imdsGet(t *testing.T, url, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+path, nil)
	if token != "" {
		req.Header.Set(wire.HeaderIMDSToken, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func imdsToken(t *testing.T, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url+"/latest/api/token", nil)
	req.Header.Set(wire.HeaderIMDSTokenTTL, "60")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSDKMetadataOptionsEnforced: ModifyInstanceMetadataOptions changes
// what the instance's real metadata listener allows, at once.
func TestSDKMetadataOptionsEnforced(t *testing.T) {
	d := runDaemon(t, t.TempDir(), ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()
	id := runOne(t, c, &ec2.RunInstancesInput{TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("web-1")}, {Key: aws.String("team"), Value: aws.String("blue")}}}}})
	var ep wire.MetadataEndpoint
	if err := api.NewClient(api.Paths{Home: d.home}.Socket(), "test").Call(ctx, "us-east-1", "OpenInstanceMetadataEndpoint", &wire.InstanceIdInput{InstanceId: id}, &ep); err != nil {
		t.Fatal(err)
	}
	set := func(in *ec2.ModifyInstanceMetadataOptionsInput) *types.InstanceMetadataOptionsResponse {
		t.Helper()
		in.InstanceId = aws.String(id)
		out, err := c.ModifyInstanceMetadataOptions(ctx, in)
		if err != nil {
			t.Fatalf("ModifyInstanceMetadataOptions: %v", err)
		}
		return out.InstanceMetadataOptions
	}
	const path = "/latest/meta-data/instance-id"

	if st, body := imdsGet(t, ep.Url, path, ""); st != 200 || body != id {
		t.Errorf("IMDSv1 with tokens optional: %d %q, want 200 %s", st, body, id)
	}
	if st, _ := imdsGet(t, ep.Url, path, "forged"); st != 401 {
		t.Errorf("a forged token: %d, want 401", st)
	}
	if st, _ := imdsGet(t, ep.Url, "/latest/meta-data/tags/instance", ""); st != 404 {
		t.Errorf("tags while InstanceMetadataTags is disabled: %d, want 404", st)
	}

	o := set(&ec2.ModifyInstanceMetadataOptionsInput{HttpTokens: types.HttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)})
	if o.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(o.HttpPutResponseHopLimit) != 2 || o.State != types.InstanceMetadataOptionsStatePending {
		t.Errorf("answer %+v", o)
	}
	if st, _ := imdsGet(t, ep.Url, path, ""); st != 401 {
		t.Errorf("IMDSv1 with tokens required: %d, want 401", st)
	}
	st, tok := imdsToken(t, ep.Url)
	if st != 200 {
		t.Fatalf("token: %d", st)
	}
	if st, body := imdsGet(t, ep.Url, path, tok); st != 200 || body != id {
		t.Errorf("IMDSv2 with tokens required: %d %q", st, body)
	}

	set(&ec2.ModifyInstanceMetadataOptionsInput{InstanceMetadataTags: types.InstanceMetadataTagsStateEnabled})
	if st, body := imdsGet(t, ep.Url, "/latest/meta-data/tags/instance", tok); st != 200 || body != "Name\nteam" {
		t.Errorf("tags/instance: %d %q, want Name and team", st, body)
	}
	if st, body := imdsGet(t, ep.Url, "/latest/meta-data/tags/instance/team", tok); st != 200 || body != "blue" {
		t.Errorf("tags/instance/team: %d %q", st, body)
	}
	if st, body := imdsGet(t, ep.Url, "/latest/meta-data/", tok); st != 200 || !strings.Contains(body, "tags/") {
		t.Errorf("meta-data/ lists %q, want tags/ in it", body)
	}

	set(&ec2.ModifyInstanceMetadataOptionsInput{HttpEndpoint: types.InstanceMetadataEndpointStateDisabled})
	if st, _ := imdsGet(t, ep.Url, path, tok); st != 403 {
		t.Errorf("GET with the endpoint disabled: %d, want 403", st)
	}
	if st, _ := imdsToken(t, ep.Url); st != 403 {
		t.Errorf("token with the endpoint disabled: %d, want 403", st)
	}
	mo := describeOne(t, c, id).MetadataOptions
	if mo.HttpEndpoint != types.InstanceMetadataEndpointStateDisabled || mo.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(mo.HttpPutResponseHopLimit) != 2 {
		t.Errorf("DescribeInstances shows %+v", mo)
	}
	for _, bad := range []*ec2.ModifyInstanceMetadataOptionsInput{
		{InstanceId: aws.String(id), HttpPutResponseHopLimit: aws.Int32(65)},
		{InstanceId: aws.String(id), HttpTokens: "sometimes"},
	} {
		if _, err := c.ModifyInstanceMetadataOptions(ctx, bad); apiCode(t, err) != "InvalidParameterValue" {
			t.Errorf("%+v: %v, want InvalidParameterValue", bad, err)
		}
	}
}

// TestSDKMonitoring: Monitor/UnmonitorInstances answer pending and
// disabling, the instances show enabled and disabled, and the
// monitoring-state filter finds them.
func TestSDKMonitoring(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	a, b := runOne(t, c, &ec2.RunInstancesInput{}), runOne(t, c, &ec2.RunInstancesInput{})
	mon, err := c.MonitorInstances(ctx, &ec2.MonitorInstancesInput{InstanceIds: []string{a}})
	if err != nil {
		t.Fatal(err)
	}
	if m := mon.InstanceMonitorings; len(m) != 1 || aws.ToString(m[0].InstanceId) != a || m[0].Monitoring.State != types.MonitoringStatePending {
		t.Errorf("MonitorInstances = %+v", m)
	}
	filtered := func(state string) []string {
		t.Helper()
		d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("monitoring-state"), Values: []string{state}}}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range d.Reservations {
			for _, in := range r.Instances {
				ids = append(ids, aws.ToString(in.InstanceId))
			}
		}
		return ids
	}
	if got := filtered("enabled"); len(got) != 1 || got[0] != a {
		t.Errorf("monitoring-state=enabled: %v, want %s", got, a)
	}
	if got := filtered("disabled"); len(got) != 1 || got[0] != b {
		t.Errorf("monitoring-state=disabled: %v, want %s", got, b)
	}
	un, err := c.UnmonitorInstances(ctx, &ec2.UnmonitorInstancesInput{InstanceIds: []string{a}})
	if err != nil {
		t.Fatal(err)
	}
	if m := un.InstanceMonitorings; len(m) != 1 || m[0].Monitoring.State != types.MonitoringStateDisabling {
		t.Errorf("UnmonitorInstances = %+v", m)
	}
	if got := filtered("enabled"); len(got) != 0 {
		t.Errorf("after unmonitor, enabled: %v", got)
	}
	_, err = c.MonitorInstances(ctx, &ec2.MonitorInstancesInput{InstanceIds: []string{a, "i-0123456789abcdef0"}})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("an unknown ID: %s", code)
	}
	if st := describeOne(t, c, a).Monitoring.State; st != types.MonitoringStateDisabled {
		t.Errorf("a failed call changed %s's monitoring to %s", a, st)
	}
}
