package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"

	cli "github.com/urfave/cli/v2"
)

// TestWriteText: -o text renders JMESPath results as the AWS CLI does.
func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string
	}{
		{"null", `null`, "None\n"},
		{"string", `"i-0a1b"`, "i-0a1b\n"},
		{"integer", `42`, "42\n"},
		{"decimal", `0.0116`, "0.0116\n"},
		{"booleans", `[true, false]`, "True\tFalse\n"},
		{"list of scalars on one line", `["a", "b", 3, null]`, "a\tb\t3\tNone\n"},
		{"empty list", `[]`, "\n"},
		{"list of lists: a line each", `[["i-1", "running"], ["i-2", "stopped"]]`, "i-1\trunning\ni-2\tstopped\n"},
		{"object: values in key order", `{"Name": "running", "Code": 16}`, "16\trunning\n"},
		{"list of objects: a line each", `[{"B": 2, "A": 1}, {"B": 4, "A": 3}]`, "1\t2\n3\t4\n"},
		{"nested object after the scalars", `{"InstanceId": "i-1", "State": {"Code": 16, "Name": "running"}, "Az": "us-east-1a"}`,
			"us-east-1a\ti-1\n16\trunning\n"},
		{"nested list inside an object", `{"Id": "i-1", "Tags": [{"Key": "env", "Value": "prod"}]}`, "i-1\nenv\tprod\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.json), &v); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			writeText(&b, v)
			if b.String() != tt.want {
				t.Errorf("writeText(%s) = %q, want %q", tt.json, b.String(), tt.want)
			}
		})
	}
}

// testEnv is an env printing to a buffer, as a command's env does.
func testEnv(output, query string, quiet bool) (*env, *bytes.Buffer) {
	var out bytes.Buffer
	app := NewApp(&out, io.Discard)
	return &env{c: cli.NewContext(app, nil, nil), output: output, query: query, quiet: quiet}, &out
}

// TestPrint: one view printed in every format a user can choose.
func TestPrint(t *testing.T) {
	type state struct {
		Code int    `json:"Code"`
		Name string `json:"Name"`
	}
	type inst struct {
		InstanceId string `json:"InstanceId"`
		State      state  `json:"State"`
	}
	data := map[string]any{"Instances": []inst{{"i-1", state{16, "running"}}, {"i-2", state{80, "stopped"}}}}
	v := view{data: data, ids: []string{"i-1", "i-2"}, header: []string{"INSTANCE", "STATE"},
		rows: [][]string{{"i-1", "running"}, {"i-2", "stopped"}}}
	tests := []struct {
		name    string
		output  string
		query   string
		quiet   bool
		want    string
		wantErr string
	}{
		{"table: aligned columns, upper-case header", "table", "", false, "INSTANCE   STATE\ni-1        running\ni-2        stopped\n", ""},
		{"json, indented with four spaces", "json", "", false,
			"{\n    \"Instances\": [\n        {\n            \"InstanceId\": \"i-1\",\n            \"State\": {\n                \"Code\": 16,\n                \"Name\": \"running\"\n            }\n        },\n        {\n            \"InstanceId\": \"i-2\",\n            \"State\": {\n                \"Code\": 80,\n                \"Name\": \"stopped\"\n            }\n        }\n    ]\n}\n", ""},
		{"text: tab-separated rows", "text", "", false, "i-1\trunning\ni-2\tstopped\n", ""},
		{"quiet: IDs only", "table", "", true, "i-1\ni-2\n", ""},
		{"quiet wins over json", "json", "", true, "i-1\ni-2\n", ""},
		{"query with json", "json", "Instances[].InstanceId", false, "[\n    \"i-1\",\n    \"i-2\"\n]\n", ""},
		{"query with text", "text", "Instances[].InstanceId", false, "i-1\ti-2\n", ""},
		{"query selecting objects with text", "text", "Instances[].State", false, "16\trunning\n80\tstopped\n", ""},
		{"query filter", "json", "Instances[?State.Name=='stopped'].InstanceId | [0]", false, "\"i-2\"\n", ""},
		{"query wins over quiet", "json", "length(Instances)", true, "2\n", ""},
		{"query on nothing", "text", "Reservations", false, "None\n", ""},
		{"bad query is a usage error", "json", "Instances[", false, "", "bad --query \"Instances[\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, out := testEnv(tt.output, tt.query, tt.quiet)
			err := e.print(v)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || report(io.Discard, err) != ExitUsage {
					t.Fatalf("print = %v, want a usage error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("printed\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
	t.Run("no HTML escaping in JSON", func(t *testing.T) {
		e, out := testEnv("json", "", false)
		if err := e.print(view{data: map[string]string{"Message": "a < b & c"}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "a < b & c") {
			t.Errorf("printed %q", out.String())
		}
	})
}

var instanceIDRe = regexp.MustCompile(`^i-[0-9a-f]{17}$`)

// TestOutputFormats runs real commands in every output format.
func TestOutputFormats(t *testing.T) {
	home := sharedHome
	suite := unique("output")
	ids := strings.Fields(ok(t, home, "run", "--count", "2", "--tag", "suite="+suite, "--name", "web", "-q"))
	if len(ids) != 2 || !instanceIDRe.MatchString(ids[0]) || !instanceIDRe.MatchString(ids[1]) {
		t.Fatalf("run -q printed %q, want two instance IDs", ids)
	}
	mine := "--filter=tag:suite=" + suite
	tests := []struct {
		name  string
		args  []string
		want  string         // exact output, or
		match *regexp.Regexp // a pattern it must match
	}{
		{"regions -q", []string{"regions", "-q"}, "ap-northeast-1\neu-west-1\nus-east-1\nus-west-2\n", nil},
		{"regions --query implies json", []string{"regions", "--query", "Regions[].RegionName"},
			"[\n    \"ap-northeast-1\",\n    \"eu-west-1\",\n    \"us-east-1\",\n    \"us-west-2\"\n]\n", nil},
		{"regions --query -o text", []string{"regions", "--query", "Regions[].RegionName", "-o", "text"},
			"ap-northeast-1\teu-west-1\tus-east-1\tus-west-2\n", nil},
		{"regions -o text", []string{"regions", "-o", "text"}, "",
			regexp.MustCompile(`(?m)^us-east-1\tUS East \(N\. Virginia\)\t3\t\*$`)},
		{"region flag", []string{"regions", "-r", "eu-west-1", "-o", "text"}, "",
			regexp.MustCompile(`(?m)^eu-west-1\tEurope \(Ireland\)\t3\t\*$`)},
		{"region object as text", []string{"regions", "--query", "Regions[?RegionName=='eu-west-1'] | [0].[RegionName, Endpoint]", "-o", "text"},
			"eu-west-1\tec2.eu-west-1.amazonaws.com\n", nil},
		{"types -o text", []string{"types", "--family", "t2", "-o", "text"}, "",
			regexp.MustCompile(`^t2\.nano\t1\t0\.5 GiB\t[^\n]+\t2\t2\tstandard 5%\t0\.0058\nt2\.micro\t`)},
		{"types table header", []string{"types", "--family", "m5"}, "",
			regexp.MustCompile(`^TYPE +VCPUS +MEMORY +NETWORK +ENIS +IPV4/ENI +BURSTABLE +USD/HOUR\nm5\.large +2 +8 GiB `)},
		{"ls -q", []string{"ls", mine, "-q"}, ids[0] + "\n" + ids[1] + "\n", nil},
		{"ls --query -o text", []string{"ls", mine, "--query", "Instances[].InstanceId", "-o", "text"}, ids[0] + "\t" + ids[1] + "\n", nil},
		{"ls --query count", []string{"ls", mine, "--query", "length(Instances)"}, "2\n", nil},
		{"ls -o text rows", []string{"ls", mine, "-o", "text"}, "",
			regexp.MustCompile(`^` + ids[0] + `\tweb\t[^\n]*running[^\n]*\n` + ids[1] + `\t`)},
		{"ls -o json is EC2's shape", []string{"ls", mine, "-o", "json", "--query", "Instances[0].[InstanceId, State.Code, State.Name, Tags[?Key=='Name'].Value | [0]]", "-o", "text"},
			ids[0] + "\t16\trunning\tweb\n", nil},
		{"ls table", []string{"ls", mine}, "", regexp.MustCompile(`^INSTANCE[^\n]*\n` + ids[0] + ` +web +`)},
		{"show -o text is the key/value listing", []string{"show", ids[0], "-o", "text"}, "",
			regexp.MustCompile(`(?m)^InstanceId: +` + ids[0] + `$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ok(t, home, tt.args...)
			if tt.match != nil {
				if !tt.match.MatchString(got) {
					t.Errorf("ec2x %s printed\n%s\nwant a match for %s", strings.Join(tt.args, " "), got, tt.match)
				}
				return
			}
			if got != tt.want {
				t.Errorf("ec2x %s printed\n%q\nwant\n%q", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
}
