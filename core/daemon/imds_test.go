package daemon

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ec2x/ec2x/core/api"
	wire "github.com/ec2x/ec2x/core/ec2"
	imdsserver "github.com/ec2x/ec2x/core/imds"
)

// A guest's view of itself through the SDK's IMDSv2 client.
func TestIMDSWithTheSDK(t *testing.T) {
	d := runDaemon(t, t.TempDir(), ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()
	key, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("guest-key")})
	if err != nil {
		t.Fatal(err)
	}
	userData := "#!/bin/sh\necho hello from user data\n"
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: "t3.small",
		KeyName: key.KeyName, UserData: aws.String(base64.StdEncoding.EncodeToString([]byte(userData)))})
	if err != nil {
		t.Fatal(err)
	}
	in := run.Instances[0]
	id := aws.ToString(in.InstanceId)
	running := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 20e6, 100e6 })
	if err := running.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, 30e9); err != nil {
		t.Fatal(err)
	}

	var ep wire.MetadataEndpoint
	api := api.NewClient(api.Paths{Home: d.home}.Socket(), "test")
	if err := api.Call(ctx, "us-east-1", "OpenInstanceMetadataEndpoint", &wire.InstanceIdInput{InstanceId: id}, &ep); err != nil {
		t.Fatal(err)
	}
	md := imds.New(imds.Options{Endpoint: ep.Url})

	desc, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	live := desc.Reservations[0].Instances[0]
	want := map[string]string{
		"instance-id":                 id,
		"instance-type":               "t3.small",
		"ami-id":                      aws.ToString(in.ImageId),
		"local-ipv4":                  aws.ToString(live.PrivateIpAddress),
		"public-ipv4":                 aws.ToString(live.PublicIpAddress),
		"placement/availability-zone": aws.ToString(live.Placement.AvailabilityZone),
		"public-keys/0/openssh-key":   "ssh-rsa ",
	}
	for path, w := range want {
		t.Run(path, func(t *testing.T) {
			out, err := md.GetMetadata(ctx, &imds.GetMetadataInput{Path: path})
			if err != nil {
				t.Fatalf("GetMetadata: %v", err)
			}
			b, _ := io.ReadAll(out.Content)
			if got := string(b); w == "" || !strings.HasPrefix(got, w) {
				t.Errorf("%s = %q, want %q", path, got, w)
			}
		})
	}
	ud, err := md.GetUserData(ctx, &imds.GetUserDataInput{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(ud.Content); string(b) != userData {
		t.Errorf("user-data = %q", b)
	}
	doc, err := md.GetInstanceIdentityDocument(ctx, &imds.GetInstanceIdentityDocumentInput{})
	if err != nil || doc.InstanceID != id || doc.Region != "us-east-1" {
		t.Errorf("identity document %+v, %v", doc, err)
	}
	// No interruption is scheduled: EC2 answers 404.
	_, err = md.GetMetadata(ctx, &imds.GetMetadataInput{Path: "spot/instance-action"})
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusNotFound {
		t.Errorf("spot/instance-action: %v, want 404", err)
	}

	// HttpTokens is optional by default, as on EC2: a GET without a token
	// is answered (TestSDKMetadataOptionsEnforced turns IMDSv1 off).
	resp, err := http.Get(ep.Url + "/latest/meta-data/instance-id")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a GET without a token: %d, want 200", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPut, ep.Url+"/latest/api/token", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a token without a TTL: %d, want 400", resp.StatusCode)
	}
}

// A guest that floods the token endpoint keeps at most imds.MaxTokens
// live tokens: past that, each new token evicts the oldest, which then
// answers 401 like an expired one, while the newest keep working.
func TestIMDSTokenFlood(t *testing.T) {
	c, _ := startDaemon(t, instantBoot)
	ctx := context.Background()
	var run wire.RunInstancesOutput
	if err := c.Call(ctx, "us-east-1", "RunInstances", &wire.RunInstancesInput{MinCount: 1, MaxCount: 1}, &run); err != nil {
		t.Fatal(err)
	}
	var ep wire.MetadataEndpoint
	id := run.Instances[0].InstanceId
	if err := c.Call(ctx, "us-east-1", "OpenInstanceMetadataEndpoint", &wire.InstanceIdInput{InstanceId: id}, &ep); err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{}
	put := func() string {
		req, _ := http.NewRequest(http.MethodPut, ep.Url+"/latest/api/token", nil)
		req.Header.Set(imdsserver.HeaderTTL, "21600")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT token: %d %s", resp.StatusCode, b)
		}
		return string(b)
	}
	get := func(tok string) int {
		req, _ := http.NewRequest(http.MethodGet, ep.Url+"/latest/meta-data/instance-id", nil)
		req.Header.Set(imdsserver.HeaderToken, tok)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	tokens := make([]string, 0, imdsserver.MaxTokens+10)
	for range imdsserver.MaxTokens + 10 {
		tokens = append(tokens, put())
	}
	cases := []struct {
		name string
		tok  string
		want int
	}{
		{"the first token, evicted", tokens[0], http.StatusUnauthorized},
		{"the tenth, evicted", tokens[9], http.StatusUnauthorized},
		{"the oldest kept", tokens[10], http.StatusOK},
		{"the newest", tokens[len(tokens)-1], http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := get(tc.tok); got != tc.want {
				t.Errorf("GET with %s: %d, want %d", tc.name, got, tc.want)
			}
		})
	}
}
