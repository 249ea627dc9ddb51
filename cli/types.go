package cli

import (
	"fmt"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	"strconv"

	cli "github.com/urfave/cli/v2"
)

var typesCommand = &cli.Command{
	Name:  "types",
	Usage: "list instance types with their shape, ENI limits and on-demand price",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "family", Usage: "only this family (t3, m5, ...)"},
		&cli.IntFlag{Name: "min-vcpus", Usage: "at least this many vCPUs"},
		&cli.Float64Flag{Name: "min-memory", Usage: "at least this much memory, GiB"},
	},
	Action: func(c *cli.Context) error {
		e, _, err := setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		in := &ec2.DescribeInstanceTypesInput{}
		if f := c.String("family"); f != "" {
			in.Filters = append(in.Filters, ec2.Filter{Name: "family", Values: []string{f}})
		}
		if n := c.Int("min-vcpus"); n > 0 {
			in.Filters = append(in.Filters, ec2.Filter{Name: "vcpu-info.default-vcpus", Values: []string{">=" + itoa(n)}})
		}
		if g := c.Float64("min-memory"); g > 0 {
			in.Filters = append(in.Filters, ec2.Filter{Name: "memory-info.size-in-mib", Values: []string{">=" + strconv.FormatFloat(g*1024, 'f', 0, 64)}})
		}
		var out ec2.DescribeInstanceTypesOutput
		if err := e.call("DescribeInstanceTypes", in, &out); err != nil {
			return err
		}
		v := view{data: &out, header: []string{"TYPE", "VCPUS", "MEMORY", "NETWORK", "ENIS", "IPV4/ENI", "BURSTABLE", "USD/HOUR"}}
		for _, t := range out.InstanceTypes {
			burst := "-"
			if t.BurstablePerformance {
				burst = fmt.Sprintf("%s %g%%", t.DefaultCreditSpecification, t.BaselineCPUPercent)
			}
			v.ids = append(v.ids, t.InstanceType)
			v.rows = append(v.rows, []string{t.InstanceType, itoa(t.VCpuInfo.DefaultVCpus), gib(t.MemoryInfo.SizeInMiB),
				t.NetworkInfo.NetworkPerformance, itoa(t.NetworkInfo.MaximumNetworkInterfaces),
				itoa(t.NetworkInfo.Ipv4AddressesPerInterface), burst, render.Dash(t.OnDemandPricePerHour)})
		}
		return e.print(v)
	},
}

// gib prints MiB as GiB the way AWS's console does ("0.5 GiB", "8 GiB").
func gib(mib int) string {
	return strconv.FormatFloat(float64(mib)/1024, 'f', -1, 64) + " GiB"
}
