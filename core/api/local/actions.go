// Package local is the daemon's side of its local protocol (package api):
// the HTTP server of the action table on the unix socket, which the CLI
// calls. It is apart from api so that the CLI links no HTTP server, no
// logger and none of the action table.
package local

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
)

// dispatchJSON decodes body into the action's input and runs it.
func dispatchJSON(ctx context.Context, a actions.Def, region string, body []byte) (any, error) {
	in, err := decodeInput(a, body)
	if err != nil {
		return nil, err
	}
	return a.Call(ctx, region, in)
}

// decodeInput decodes an action's JSON input strictly: a field the input
// does not have is EC2's UnknownParameter.
func decodeInput(a actions.Def, body []byte) (any, error) {
	in := a.New()
	if len(body) == 0 {
		return in, nil
	}
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return nil, ec2.Errorf(ec2.CodeUnknownParameter, "%s: %v", a.Name, err)
		}
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "%s: malformed request: %v", a.Name, err)
	}
	return in, nil
}
