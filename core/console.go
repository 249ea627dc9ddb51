package core

import (
	"context"
	"errors"

	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/hv"
)

// GetConsoleOutput returns an instance's system log: the last 64 KiB its
// guest printed, readable while it is stopped.
func (c *Cloud) GetConsoleOutput(ctx context.Context, region string, in *ec2.GetConsoleOutputInput) (*ec2.ConsoleOutput, error) {
	c.mu.RLock()
	_, r, err := c.instanceLocked(region, in.InstanceId)
	if err != nil {
		c.mu.RUnlock()
		return nil, err
	}
	d := c.driverOf(r.Placement.HostId)
	c.mu.RUnlock()
	out := &ec2.ConsoleOutput{InstanceId: r.InstanceId, Timestamp: c.clk.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	data, err := d.Console(ctx, r.InstanceId)
	switch {
	case errors.Is(err, hv.ErrNotFound):
		// A terminated guest is gone, and so is its console.
		return out, nil
	case err != nil:
		return nil, ec2.Errorf(ec2.CodeInternalError, "console of %s: %v", r.InstanceId, err)
	}
	out.Output = string(data)
	return out, nil
}
