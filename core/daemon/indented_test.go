package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
)

// indented calls IndentedJSON for action through the socket, as the CLI's
// `-o json` listings do.
func indented(c *api.Client, action string, in any) ([]byte, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var out ec2.IndentedJSONOutput
	err = c.Call(context.Background(), "", ec2.ActionIndentedJSON, &ec2.IndentedJSONInput{Action: action, Input: raw}, &out)
	return out.Body, err
}

// IndentedJSON answers the bytes of the plain answer, indented by four
// spaces and ending in a newline (what `ec2x ls -o json` printed when the
// client indented it), or the plain call's error; whether the action has
// a JSON form of its own (DescribeInstances) or is encoded afresh.
func TestIndentedJSON(t *testing.T) {
	c, _ := startDaemon(t, instantBoot)
	ctx := context.Background()
	var run ec2.RunInstancesOutput
	if err := c.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 3, MaxCount: 3,
		TagSpecifications: []ec2.TagSpecification{{ResourceType: "instance", Tags: []ec2.Tag{{Key: "Name", Value: "<web> & \"co\""}}}}}, &run); err != nil {
		t.Fatal(err)
	}
	var alloc ec2.AllocateAddressOutput
	if err := c.Call(ctx, "", "AllocateAddress", &ec2.AllocateAddressInput{Domain: "vpc"}, &alloc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, action string
		in           any
		code         string // the error, if any
	}{
		{"instances", "DescribeInstances", &ec2.DescribeInstancesInput{}, ""},
		{"instances twice (cached)", "DescribeInstances", &ec2.DescribeInstancesInput{}, ""},
		{"a page of instances", "DescribeInstances", &ec2.DescribeInstancesInput{MaxResults: 5}, ""},
		{"addresses", "DescribeAddresses", &ec2.DescribeAddressesInput{}, ""},
		{"interfaces", "DescribeNetworkInterfaces", &ec2.DescribeNetworkInterfacesInput{}, ""},
		{"missing instance", "DescribeInstances", &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}}, ec2.CodeInvalidInstanceIDNotFound},
		{"unknown parameter", "DescribeInstances", map[string]any{"Nope": 1}, ec2.CodeUnknownParameter},
		{"unknown action", "DescribeNothing", &ec2.DescribeInstancesInput{}, ec2.CodeInvalidAction},
		{"an action answering text", "DescribeInstanceRows", &ec2.DescribeInstanceRowsInput{}, ec2.CodeInvalidAction},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := indented(c, tc.action, tc.in)
			if tc.code != "" {
				var ce *ec2.Error
				if !errors.As(err, &ce) || ce.Code != tc.code {
					t.Fatalf("got %q, %v; want %s", got, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var plain json.RawMessage
			if err := c.Call(ctx, "", tc.action, tc.in, &plain); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Indent(&want, bytes.TrimSpace(plain), "", "    "); err != nil {
				t.Fatal(err)
			}
			want.WriteByte('\n')
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("got\n%s\nwant\n%s", got, want.Bytes())
			}
		})
	}
}

// BenchmarkLsJSONClientPath1000 is `ec2x ls -o json` over 1,000 instances
// through the socket, from the client's side: "plain" is how the CLI did
// it before (the plain answer, then indented by the client), "indented"
// is how it does it now (IndentedJSON, whose bytes it only writes).
func BenchmarkLsJSONClientPath1000(b *testing.B) {
	c, _ := startDaemon(b, instantBoot)
	ctx := context.Background()
	var run ec2.RunInstancesOutput
	if err := c.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 1000, MaxCount: 1000}, &run); err != nil {
		b.Fatal(err)
	}
	in := &ec2.DescribeInstancesInput{}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			var raw json.RawMessage
			if err := c.Call(ctx, "", "DescribeInstances", in, &raw); err != nil {
				b.Fatal(err)
			}
			src := bytes.TrimRight(raw, " \r\n")
			out := append(ec2.AppendIndent(make([]byte, 0, 2*len(src)+1), src, "", "    "), '\n')
			_, _ = io.Discard.Write(out)
		}
	})
	b.Run("indented", func(b *testing.B) {
		for b.Loop() {
			out, err := indented(c, "DescribeInstances", in)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Discard.Write(out)
		}
	})
}

// TestIndentedJSONIntoPipe: an answer written into a pipe (`ec2x ls -o
// json | jq`, moved by splice) is byte for byte the answer read through
// the process, and a reader that leaves early is the writer's error, not
// a lost daemon.
func TestIndentedJSONIntoPipe(t *testing.T) {
	c, _ := startDaemon(t, instantBoot)
	ctx := context.Background()
	var run ec2.RunInstancesOutput
	if err := c.Call(ctx, "", "RunInstances", &ec2.RunInstancesInput{MinCount: 300, MaxCount: 300}, &run); err != nil {
		t.Fatal(err)
	}
	// every instance running first: a state that changes between the two
	// reads would change the answer (pending's code 0 is a byte shorter)
	ids := make([]string, len(run.Instances))
	for i, in := range run.Instances {
		ids[i] = in.InstanceId
	}
	var waited ec2.WaitInstancesOutput
	if err := c.Call(ctx, "", "WaitInstances", &ec2.WaitInstancesInput{InstanceIds: ids, State: ec2.StateRunning, TimeoutSeconds: 30}, &waited); err != nil {
		t.Fatal(err)
	}
	in := &ec2.IndentedJSONInput{Action: "DescribeInstances", Input: json.RawMessage(`{}`)}
	want, err := indented(c, "DescribeInstances", &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 1<<20 {
		t.Fatalf("the answer is %d bytes; the test wants one larger than a pipe's buffer", len(want))
	}
	t.Run("whole", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan []byte)
		go func() { b, _ := io.ReadAll(r); got <- b }()
		err = c.CallTo(ctx, "", ec2.ActionIndentedJSON, in, w)
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := <-got; !bytes.Equal(b, want) {
			t.Errorf("through the pipe: %d bytes, want %d the same as read", len(b), len(want))
		}
	})
	t.Run("the reader leaves", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = io.ReadFull(r, make([]byte, 4096)); r.Close() }()
		err = c.CallTo(ctx, "", ec2.ActionIndentedJSON, in, w)
		w.Close()
		var lost *api.LostError
		if err == nil || errors.As(err, &lost) || !errors.Is(err, syscall.EPIPE) {
			t.Errorf("CallTo into a pipe closed early: %v; want the pipe's EPIPE", err)
		}
	})
}
