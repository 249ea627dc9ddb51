// Package api is the daemon's protocol: JSON over HTTP on a unix socket,
// one POST per EC2 action, plus the Go client the CLI uses and the daemon's
// process management (start on demand, handshake, shutdown).
package api

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ec2x/ec2x/core"
	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
)

// dispatchJSON decodes body into the action's input and runs it.
func dispatchJSON(ctx context.Context, c *core.Cloud, name, region string, body []byte) (any, error) {
	a, ok := actions.Lookup(name)
	if !ok {
		return nil, ec2.Errorf(ec2.CodeInvalidAction, "The action %s is not valid for this web service.", name)
	}
	in := a.New()
	if len(body) > 0 {
		if err := decodeStrict(body, in); err != nil {
			if strings.HasPrefix(err.Error(), "json: unknown field") {
				return nil, ec2.Errorf(ec2.CodeUnknownParameter, "%s: %v", name, err)
			}
			return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%s: malformed request: %v", name, err)
		}
	}
	return a.Call(ctx, c, region, in)
}

// Stream is a streaming action: the answer is a sequence of JSON frames,
// one a line, until the client hangs up.
type Stream struct {
	Name string
	New  func() any
	Run  func(ctx context.Context, c *core.Cloud, region string, in any, emit func(any) error) error
}

func stream[I, O any](name string, f func(*core.Cloud, context.Context, string, *I, func(*O) error) error) Stream {
	return Stream{
		Name: name,
		New:  func() any { return new(I) },
		Run: func(ctx context.Context, c *core.Cloud, region string, in any, emit func(any) error) error {
			return f(c, ctx, region, in.(*I), func(o *O) error { return emit(o) })
		},
	}
}

// streams is the table of streaming actions.
var streams = map[string]Stream{
	"StreamFleet": stream("StreamFleet", (*core.Cloud).StreamFleet),
}

// decodeStrict decodes JSON and refuses fields the input does not have.
func decodeStrict(body []byte, in any) error {
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(in)
}
