package local

import (
	"context"
	"encoding/json"

	"github.com/ec2x/ec2x/core/actions"
	"github.com/ec2x/ec2x/core/ec2"
)

// lookup finds an action of the table, or ec2.ActionIndentedJSON, which
// wraps them all.
func (s *Server) lookup(name string) (actions.Def, bool) {
	if name == ec2.ActionIndentedJSON {
		return actions.New(name, actions.Local, s.indented), true
	}
	return s.table.Lookup(name)
}

// indented runs an action and answers with its output indented as the CLI
// prints it: the action's own JSON form when it has one, else its output
// encoded as writeJSON encodes it, then indented.
func (s *Server) indented(ctx context.Context, region string, in *ec2.IndentedJSONInput) (*ec2.IndentedJSONOutput, error) {
	a, ok := s.table.Lookup(in.Action)
	if !ok || a.Call == nil {
		return nil, ec2.Errorf(ec2.CodeInvalidAction, "The action %s is not valid for this web service.", in.Action)
	}
	if a.JSON != nil {
		dec, err := decodeInput(a, in.Input)
		if err != nil {
			return nil, err
		}
		body, err := a.JSON(ctx, region, dec)
		if err != nil {
			return nil, err
		}
		return &ec2.IndentedJSONOutput{Body: body}, nil
	}
	out, err := dispatchJSON(ctx, a, region, in.Input)
	if err != nil {
		return nil, err
	}
	if _, text := out.(interface{ Raw() []byte }); text {
		return nil, ec2.Errorf(ec2.CodeInvalidAction, "The action %s does not answer in JSON.", in.Action)
	}
	// json.Marshal escapes HTML as writeJSON's encoder does: the same
	// bytes as the plain answer, laid out.
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &ec2.IndentedJSONOutput{Body: append(ec2.AppendIndent(make([]byte, 0, 2*len(raw)+1), raw, "", "    "), '\n')}, nil
}
