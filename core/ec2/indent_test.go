package ec2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// AppendIndent lays out what json.Indent does, byte for byte, with a
// prefix or without.
func TestAppendIndent(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"scalar", `42`},
		{"string", `"a"`},
		{"empty object", `{}`},
		{"empty array", `[]`},
		{"nested empties", `{"a":{},"b":[],"c":[{}],"d":[[]]}`},
		{"escapes", `{"k\"ey":"v\\","x":"\"}]{[,:","u":"\u00e9\n"}`},
		{"numbers and literals", `[1,-2.5e10,true,false,null]`},
		{"deep", `{"Reservations":[{"Instances":[{"InstanceId":"i-0123","Tags":[{"Key":"Name","Value":"web"}],"State":{"Code":16,"Name":"running"}}]}]}`},
		{"spaces in source", " { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } } "},
		{"string ending in backslash pair", `["\\\\","x"]`},
	} {
		for _, prefix := range []string{"", "        "} {
			t.Run(tc.name+"/prefix "+fmt.Sprint(len(prefix)), func(t *testing.T) {
				var want bytes.Buffer
				if err := json.Indent(&want, []byte(strings.TrimRight(tc.src, " \n\t")), prefix, "    "); err != nil {
					t.Fatal(err)
				}
				// json.Indent keeps leading space out, as AppendIndent does.
				if got := AppendIndent(nil, []byte(tc.src), prefix, "    "); string(got) != strings.TrimLeft(want.String(), " \n\t") {
					t.Errorf("AppendIndent(%s) =\n%s\nwant\n%s", tc.src, got, want.String())
				}
			})
		}
	}
}

func FuzzAppendIndent(f *testing.F) {
	f.Add(`{"a":[1,{},[]],"b":"x\"y"}`)
	f.Fuzz(func(t *testing.T, src string) {
		src = strings.TrimSpace(src)
		if !json.Valid([]byte(src)) {
			return
		}
		for _, prefix := range []string{"", "        "} {
			var want bytes.Buffer
			if err := json.Indent(&want, []byte(src), prefix, "    "); err != nil {
				t.Fatal(err)
			}
			if got := AppendIndent(nil, []byte(src), prefix, "    "); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("AppendIndent(%q, %q) = %q, want %q", src, prefix, got, want.Bytes())
			}
		}
	})
}

// fleetJSON is a DescribeInstances-like answer of n instances.
func fleetJSON(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Reservations":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"ReservationId":"r-%017x","OwnerId":"123456789012","Groups":[],"Instances":[{"InstanceId":"i-%017x","ImageId":"ami-0abcdef1234567890","InstanceType":"t3.micro","State":{"Code":16,"Name":"running"},"Placement":{"AvailabilityZone":"us-east-1a","Tenancy":"default"},"PrivateIpAddress":"10.0.0.%d","Tags":[{"Key":"Name","Value":"web-%d"}],"SecurityGroups":[{"GroupId":"sg-0123456789abcdef0","GroupName":"default"}],"NetworkInterfaces":[{"NetworkInterfaceId":"eni-%017x","Status":"in-use","PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.0.0.%d"}]}]}]}`, i, i, i%250, i, i, i%250)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkIndent(b *testing.B) {
	src := fleetJSON(1000)
	b.Run("json.Indent", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			var out bytes.Buffer
			_ = json.Indent(&out, src, "", "    ")
		}
	})
	b.Run("AppendIndent", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			_ = AppendIndent(make([]byte, 0, 2*len(src)), src, "", "    ")
		}
	})
}
