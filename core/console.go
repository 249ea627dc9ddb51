package core

import (
	"context"
	"errors"

	"github.com/ec2x/ec2x/hv"
)

// GetConsoleOutputInput is EC2's GetConsoleOutput request.
type GetConsoleOutputInput struct {
	InstanceId string `json:"InstanceId"`
	Latest     bool   `json:"Latest,omitempty"`
}

// ConsoleOutput is the system log. Output is plain text here (EC2 sends it
// base64-encoded; the EC2 endpoint encodes it on the way out).
type ConsoleOutput struct {
	InstanceId string `json:"InstanceId"`
	Timestamp  string `json:"Timestamp"`
	Output     string `json:"Output"`
}

// GetConsoleOutput returns an instance's system log: the last 64 KiB its
// guest printed, readable while it is stopped.
func (c *Cloud) GetConsoleOutput(ctx context.Context, region string, in *GetConsoleOutputInput) (*ConsoleOutput, error) {
	c.mu.RLock()
	_, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		c.mu.RUnlock()
		return nil, err
	}
	d := c.driverOf(r.Placement.HostId)
	c.mu.RUnlock()
	out := &ConsoleOutput{InstanceId: r.InstanceId, Timestamp: c.clk.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	data, err := d.Console(ctx, r.InstanceId)
	switch {
	case errors.Is(err, hv.ErrNotFound):
		// A terminated guest is gone, and so is its console.
		return out, nil
	case err != nil:
		return nil, Errorf(CodeInternalError, "console of %s: %v", r.InstanceId, err)
	}
	out.Output = string(data)
	return out, nil
}
