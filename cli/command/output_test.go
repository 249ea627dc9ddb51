package command_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	ec2x "github.com/ec2x/ec2x/cli"
	"github.com/ec2x/ec2x/cli/command"
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
			command.WriteText(&b, v)
			if b.String() != tt.want {
				t.Errorf("writeText(%s) = %q, want %q", tt.json, b.String(), tt.want)
			}
		})
	}
}

// testEnv is an env printing to a buffer, as a command's env does.
func testEnv(output, query string, quiet bool) (*command.Env, *bytes.Buffer) {
	var out bytes.Buffer
	app := ec2x.NewApp(&out, io.Discard)
	return command.EnvOf(cli.NewContext(app, nil, nil), output, query, quiet), &out
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
	v := command.View{Data: data, IDs: []string{"i-1", "i-2"}, Header: []string{"INSTANCE", "STATE"},
		Rows: [][]string{{"i-1", "running"}, {"i-2", "stopped"}}}
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
			err := e.Print(v)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ec2x.Report(io.Discard, err) != ec2x.ExitUsage {
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
		if err := e.Print(command.View{Data: map[string]string{"Message": "a < b & c"}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "a < b & c") {
			t.Errorf("printed %q", out.String())
		}
	})
}

func TestColorPolicy(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		noColor bool
		env     map[string]string
		want    bool
	}{
		{"terminal", true, false, nil, true},
		{"pipe", false, false, nil, false},
		{"--no-color", true, true, nil, false},
		{"NO_COLOR", true, false, map[string]string{"NO_COLOR": "1"}, false},
		{"CLICOLOR=0", true, false, map[string]string{"CLICOLOR": "0"}, false},
		{"TERM=dumb", true, false, map[string]string{"TERM": "dumb"}, false},
		{"CLICOLOR_FORCE on a pipe", false, false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"CLICOLOR_FORCE=0", false, false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"NO_COLOR beats CLICOLOR_FORCE", false, false, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{"COLORFGBG light is still colour", true, false, map[string]string{"COLORFGBG": "0;15"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := command.ColorPolicy(tc.tty, tc.noColor, func(k string) string { return tc.env[k] })
			if got != tc.want {
				t.Errorf("colour = %v, want %v", got, tc.want)
			}
		})
	}
}
