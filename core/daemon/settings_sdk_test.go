package daemon

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The account's instance settings through the SDK: event notification
// tags and IMDS defaults, kept across a restart of the daemon.
func TestSDKInstanceSettings(t *testing.T) {
	home := t.TempDir()
	d := runDaemon(t, home, ec2Config)
	c := newSDK("http://"+d.ec2, testKey, testSecret)
	ctx := context.Background()

	reg, err := c.RegisterInstanceEventNotificationAttributes(ctx, &ec2.RegisterInstanceEventNotificationAttributesInput{
		InstanceTagAttribute: &types.RegisterInstanceTagAttributeRequest{InstanceTagKeys: []string{"team", "env"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := reg.InstanceTagAttribute.InstanceTagKeys; !slices.Equal(got, []string{"team", "env"}) || aws.ToBool(reg.InstanceTagAttribute.IncludeAllTagsOfInstance) {
		t.Fatalf("registered %v", got)
	}
	dereg, err := c.DeregisterInstanceEventNotificationAttributes(ctx, &ec2.DeregisterInstanceEventNotificationAttributesInput{
		InstanceTagAttribute: &types.DeregisterInstanceTagAttributeRequest{InstanceTagKeys: []string{"env"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := dereg.InstanceTagAttribute.InstanceTagKeys; !slices.Equal(got, []string{"team"}) {
		t.Fatalf("after deregistering env: %v", got)
	}
	_, err = c.RegisterInstanceEventNotificationAttributes(ctx, &ec2.RegisterInstanceEventNotificationAttributesInput{
		InstanceTagAttribute: &types.RegisterInstanceTagAttributeRequest{}})
	if code := apiCode(t, err); code != "MissingParameter" {
		t.Errorf("an empty registration: %s, want MissingParameter", code)
	}

	if _, err := c.ModifyInstanceMetadataDefaults(ctx, &ec2.ModifyInstanceMetadataDefaultsInput{
		HttpTokens: types.MetadataDefaultHttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	// Launches take the defaults for what they leave unset.
	for _, tc := range []struct {
		name   string
		opts   *types.InstanceMetadataOptionsRequest
		tokens types.HttpTokensState
		hops   int32
	}{
		{"defaults", nil, types.HttpTokensStateRequired, 2},
		{"the launch's own tokens win", &types.InstanceMetadataOptionsRequest{HttpTokens: types.HttpTokensStateOptional}, types.HttpTokensStateOptional, 2},
	} {
		run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), MetadataOptions: tc.opts})
		if err != nil {
			t.Fatal(err)
		}
		if m := run.Instances[0].MetadataOptions; m == nil || m.HttpTokens != tc.tokens || aws.ToInt32(m.HttpPutResponseHopLimit) != tc.hops {
			t.Errorf("%s: metadata options %+v, want tokens %s, hop limit %d", tc.name, m, tc.tokens, tc.hops)
		}
	}
	_, err = c.ModifyInstanceMetadataDefaults(ctx, &ec2.ModifyInstanceMetadataDefaultsInput{HttpPutResponseHopLimit: aws.Int32(65)})
	if code := apiCode(t, err); code != "InvalidParameterValue" {
		t.Errorf("hop limit 65: %s, want InvalidParameterValue", code)
	}

	// A restart keeps both settings.
	d.cancel()
	<-d.exited
	d = runDaemon(t, home, ec2Config)
	c = newSDK("http://"+d.ec2, testKey, testSecret)
	desc, err := c.DescribeInstanceEventNotificationAttributes(ctx, &ec2.DescribeInstanceEventNotificationAttributesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.InstanceTagAttribute.InstanceTagKeys; !slices.Equal(got, []string{"team"}) {
		t.Errorf("after a restart: %v, want [team]", got)
	}
	def, err := c.GetInstanceMetadataDefaults(ctx, &ec2.GetInstanceMetadataDefaultsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if a := def.AccountLevel; a.HttpTokens != types.HttpTokensStateRequired || aws.ToInt32(a.HttpPutResponseHopLimit) != 2 {
		t.Errorf("defaults after a restart: %+v", a)
	}
	// no-preference clears one default and leaves the other.
	if _, err := c.ModifyInstanceMetadataDefaults(ctx, &ec2.ModifyInstanceMetadataDefaultsInput{
		HttpTokens: types.MetadataDefaultHttpTokensStateNoPreference}); err != nil {
		t.Fatal(err)
	}
	def, err = c.GetInstanceMetadataDefaults(ctx, &ec2.GetInstanceMetadataDefaultsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if a := def.AccountLevel; a.HttpTokens != "" || aws.ToInt32(a.HttpPutResponseHopLimit) != 2 {
		t.Errorf("defaults after no-preference: %+v", a)
	}
}

// ReportInstanceStatus is acknowledged for known instances and checked as
// EC2 checks it; the UEFI and NitroTPM reads answer as EC2 does for
// instances without them.
func TestSDKReportAndFirmware(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(run.Instances[0].InstanceId)
	now := time.Now()
	if _, err := c.ReportInstanceStatus(ctx, &ec2.ReportInstanceStatusInput{Instances: []string{id}, Status: types.ReportStatusTypeImpaired,
		ReasonCodes: []types.ReportInstanceReasonCodes{types.ReportInstanceReasonCodesUnresponsive}, StartTime: aws.Time(now)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   ec2.ReportInstanceStatusInput
		code string
	}{
		{"unknown instance", ec2.ReportInstanceStatusInput{Instances: []string{"i-0123456789abcdef0"}, Status: "ok", ReasonCodes: []types.ReportInstanceReasonCodes{"other"}}, "InvalidInstanceID.NotFound"},
		{"unknown reason", ec2.ReportInstanceStatusInput{Instances: []string{id}, Status: "ok", ReasonCodes: []types.ReportInstanceReasonCodes{"bored"}}, "InvalidParameterValue"},
		{"unknown status", ec2.ReportInstanceStatusInput{Instances: []string{id}, Status: "meh", ReasonCodes: []types.ReportInstanceReasonCodes{"other"}}, "InvalidParameterValue"},
		{"end before start", ec2.ReportInstanceStatusInput{Instances: []string{id}, Status: "ok", ReasonCodes: []types.ReportInstanceReasonCodes{"other"},
			StartTime: aws.Time(now), EndTime: aws.Time(now.Add(-time.Hour))}, "InvalidParameterCombination"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ReportInstanceStatus(ctx, &tc.in)
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
		})
	}
	_, err = c.GetInstanceUefiData(ctx, &ec2.GetInstanceUefiDataInput{InstanceId: aws.String(id)})
	if code := apiCode(t, err); code != "UnsupportedOperation" {
		t.Errorf("GetInstanceUefiData: %s, want UnsupportedOperation", code)
	}
	_, err = c.GetInstanceTpmEkPub(ctx, &ec2.GetInstanceTpmEkPubInput{InstanceId: aws.String(id), KeyType: types.EkPubKeyTypeRsa2048, KeyFormat: types.EkPubKeyFormatDer})
	if code := apiCode(t, err); code != "UnsupportedOperation" {
		t.Errorf("GetInstanceTpmEkPub: %s, want UnsupportedOperation", code)
	}
	_, err = c.GetInstanceUefiData(ctx, &ec2.GetInstanceUefiDataInput{InstanceId: aws.String("i-0123456789abcdef0")})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("GetInstanceUefiData of nothing: %s, want InvalidInstanceID.NotFound", code)
	}
}

// SendDiagnosticInterrupt reaches a running Nitro instance's kernel, which
// says so on its console; a Xen type, or an instance not running, is
// refused as EC2 refuses it.
func TestSDKSendDiagnosticInterrupt(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	launch := func(typ types.InstanceType) string {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: typ})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(out.Instances[0].InstanceId)
		w := ec2.NewInstanceRunningWaiter(c, func(o *ec2.InstanceRunningWaiterOptions) {
			o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
		})
		if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}}, time.Minute); err != nil {
			t.Fatal(err)
		}
		return id
	}
	nitro, xen := launch(types.InstanceTypeT3Micro), launch(types.InstanceTypeT2Micro)
	if _, err := c.SendDiagnosticInterrupt(ctx, &ec2.SendDiagnosticInterruptInput{InstanceId: aws.String(nitro)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetConsoleOutput(ctx, &ec2.GetConsoleOutputInput{InstanceId: aws.String(nitro), Latest: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	text, err := base64.StdEncoding.DecodeString(aws.ToString(out.Output))
	if err != nil || !strings.Contains(string(text), "NMI received for unknown reason") {
		t.Errorf("console after the interrupt (%v): ...%s", err, text[max(0, len(text)-300):])
	}
	_, err = c.SendDiagnosticInterrupt(ctx, &ec2.SendDiagnosticInterruptInput{InstanceId: aws.String(xen)})
	if code := apiCode(t, err); code != "UnsupportedOperation" {
		t.Errorf("t2: %s, want UnsupportedOperation", code)
	}
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{nitro}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SendDiagnosticInterrupt(ctx, &ec2.SendDiagnosticInterruptInput{InstanceId: aws.String(nitro)})
	if code := apiCode(t, err); code != "IncorrectInstanceState" {
		t.Errorf("stopping: %s, want IncorrectInstanceState", code)
	}
	_, err = c.SendDiagnosticInterrupt(ctx, &ec2.SendDiagnosticInterruptInput{InstanceId: aws.String("i-0123456789abcdef0")})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("unknown: %s, want InvalidInstanceID.NotFound", code)
	}
}
