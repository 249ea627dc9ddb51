package cli

import (
	"regexp"
	"strings"
	"testing"
)

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
		// The regions every account has (17); opt-in ones only with --all.
		{"regions -q", []string{"regions", "-q"}, "",
			regexp.MustCompile(`^ap-northeast-1\n(?:[a-z]+-[a-z]+-\d\n){15}us-west-2\n$`)},
		{"regions --query implies json", []string{"regions", "--query", "Regions[?RegionName=='eu-west-1' || RegionName=='us-east-1'].RegionName"},
			"[\n    \"eu-west-1\",\n    \"us-east-1\"\n]\n", nil},
		{"regions --query -o text", []string{"regions", "--query", "Regions[?starts_with(RegionName, 'us-')].RegionName", "-o", "text"},
			"us-east-1\tus-east-2\tus-west-1\tus-west-2\n", nil},
		{"regions -o text", []string{"regions", "-o", "text"}, "",
			regexp.MustCompile(`(?m)^us-east-1\tUS East \(N\. Virginia\)\t3\topt-in-not-required\t\*$`)},
		{"region flag", []string{"regions", "-r", "eu-west-1", "-o", "text"}, "",
			regexp.MustCompile(`(?m)^eu-west-1\tEurope \(Ireland\)\t3\topt-in-not-required\t\*$`)},
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
