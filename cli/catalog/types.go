package catalog

import (
	"fmt"
	"strconv"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// TypesCommand is `ec2x types`: list instance types.
var TypesCommand = &cli.Command{
	Name:  "types",
	Usage: "list instance types with their shape, ENI limits and on-demand price",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "family", Usage: "only this family (t3, m5, ...)"},
		&cli.IntFlag{Name: "min-vcpus", Usage: "at least this many vCPUs"},
		&cli.IntFlag{Name: "max-vcpus", Usage: "at most this many vCPUs"},
		&cli.Float64Flag{Name: "min-memory", Usage: "at least this much memory, GiB"},
		&cli.Float64Flag{Name: "max-memory", Usage: "at most this much memory, GiB"},
		&cli.StringFlag{Name: "arch", Usage: "only this architecture (x86_64, arm64, i386)"},
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] (repeatable): any DescribeInstanceTypes filter"},
		&cli.BoolFlag{Name: "all", Usage: "also the types the region does not offer"},
	},
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		in := &ec2.DescribeInstanceTypesInput{IncludeUnsupportedInRegion: c.Bool("all")}
		if in.Filters, err = command.ParseFilters(c.StringSlice("filter")); err != nil {
			return err
		}
		if f := c.String("family"); f != "" {
			in.Filters = append(in.Filters, ec2.Filter{Name: "family", Values: []string{f}})
		}
		if f := c.String("arch"); f != "" {
			in.Filters = append(in.Filters, ec2.Filter{Name: "processor-info.supported-architecture", Values: []string{f}})
		}
		// A bound each, as filters (which AND): ">=N" and "<=N" are
		// ec2x's numeric filters.
		gib := func(name string) float64 { return c.Float64(name) * 1024 }
		vcpus := func(name string) float64 { return float64(c.Int(name)) }
		for _, b := range []struct {
			flag, filter, op string
			value            func(string) float64
		}{
			{"min-vcpus", "vcpu-info.default-vcpus", ">=", vcpus}, {"max-vcpus", "vcpu-info.default-vcpus", "<=", vcpus},
			{"min-memory", "memory-info.size-in-mib", ">=", gib}, {"max-memory", "memory-info.size-in-mib", "<=", gib},
		} {
			if v := b.value(b.flag); c.IsSet(b.flag) && (v > 0 || b.op == "<=") {
				in.Filters = append(in.Filters, ec2.Filter{Name: b.filter, Values: []string{b.op + strconv.FormatFloat(v, 'f', 0, 64)}})
			}
		}
		var out ec2.DescribeInstanceTypesOutput
		if err := e.Call("DescribeInstanceTypes", in, &out); err != nil {
			return err
		}
		v := command.View{Data: &out, Header: []string{"TYPE", "VCPUS", "MEMORY", "NETWORK", "ENIS", "IPV4/ENI", "BURSTABLE", "USD/HOUR"}}
		for _, t := range out.InstanceTypes {
			burst := "-"
			if t.BurstablePerformanceSupported {
				burst = fmt.Sprintf("%s %g%%", t.DefaultCreditSpecification, t.BaselineCPUPercent)
			}
			v.IDs = append(v.IDs, t.InstanceType)
			v.Rows = append(v.Rows, []string{t.InstanceType, strconv.Itoa(t.VCpuInfo.DefaultVCpus), command.GiB(t.MemoryInfo.SizeInMiB),
				t.NetworkInfo.NetworkPerformance, strconv.Itoa(t.NetworkInfo.MaximumNetworkInterfaces),
				strconv.Itoa(t.NetworkInfo.Ipv4AddressesPerInterface), burst, render.Dash(t.OnDemandPricePerHour)})
		}
		return e.Print(v)
	},
}
