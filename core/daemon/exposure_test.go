package daemon

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/actions"
)

// The EC2 endpoint serves EC2's own actions only: every action the table
// exposes publicly is an operation of the AWS SDK's EC2 model, and every
// other action (ec2x's: plugins, hosts, bills, listings for the CLI,
// metadata endpoints) answers InvalidAction there, signed or not.
func TestEC2EndpointServesOnlyEC2Actions(t *testing.T) {
	sdk := reflect.TypeFor[*ec2.Client]()
	table := core.ActionTable()
	var local []string
	for _, name := range table.Names() {
		a, _ := table.Lookup(name)
		_, inModel := sdk.MethodByName(name)
		switch {
		case a.Expose == actions.Public && !inModel:
			t.Errorf("%s is served by the EC2 endpoint but is not an operation of EC2's model", name)
		case a.Expose == actions.Public && a.Stream != nil:
			t.Errorf("%s streams: the EC2 endpoint cannot serve it", name)
		case a.Expose == actions.Local:
			local = append(local, name)
		}
	}
	// The ec2x-only actions of today, and those the issue names: if one
	// were missing here it would have been made public or renamed.
	for _, must := range []string{"RemovePlugin", "TestPlugin", "InstallPlugin", "DescribePlugins", "Bill", "CostCompare",
		"DescribeHosts", "ExplainPlacement", "DrainHost", "EvacuateHost", "MaintainHost", "DescribeInstanceRows", "WaitInstances", "DescribeSSHTarget",
		"DescribeInstanceMetadata", "OpenInstanceMetadataEndpoint", "DescribePrices", "StreamFleet", "DescribeFleet"} {
		if a, ok := table.Lookup(must); !ok || a.Expose != actions.Local {
			t.Errorf("%s should be a local action (found %v, %v)", must, ok, a.Expose)
		}
	}
	_, url := sdkClient(t, testSecret)
	for _, name := range local {
		t.Run(name, func(t *testing.T) {
			body := "Action=" + name + "&Version=2016-11-15"
			req, _ := http.NewRequest("POST", url+"/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			signRaw(t, req, body)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "<Code>InvalidAction</Code>") {
				t.Errorf("the EC2 endpoint answered the ec2x-only %s: %d %s", name, resp.StatusCode, b)
			}
		})
	}
	if len(local) < 16 {
		t.Errorf("only %d local actions: %v", len(local), local)
	}
}
