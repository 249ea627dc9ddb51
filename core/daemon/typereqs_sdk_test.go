package daemon

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go/middleware"
)

// TestSDKInstanceTypesFromRequirements: GetInstanceTypesFromInstanceRequirements
// over the endpoint, checked against catalogue facts (t3.micro is 2 vCPUs,
// 1 GiB, Intel, burstable; t3a.micro AMD; t4g.micro Graviton; c5.large
// $0.085, m5.large $0.096 and r5.large $0.126 an hour in us-east-1), in
// EC2's alphabetical order, paged, and the refusals.
func TestSDKInstanceTypesFromRequirements(t *testing.T) {
	c, _ := sdkClient(t, testSecret)
	ctx := context.Background()
	both := []types.ArchitectureType{types.ArchitectureTypeX8664, types.ArchitectureTypeArm64}
	req := func(vmin, vmax, mmin, mmax int32) *types.InstanceRequirementsRequest {
		r := &types.InstanceRequirementsRequest{VCpuCount: &types.VCpuCountRangeRequest{Min: aws.Int32(vmin)},
			MemoryMiB: &types.MemoryMiBRequest{Min: aws.Int32(mmin)}}
		if vmax > 0 {
			r.VCpuCount.Max = aws.Int32(vmax)
		}
		if mmax > 0 {
			r.MemoryMiB.Max = aws.Int32(mmax)
		}
		return r
	}
	micro := func(f func(r *types.InstanceRequirementsRequest)) *types.InstanceRequirementsRequest {
		r := req(2, 2, 1024, 1024)
		r.BurstablePerformance = types.BurstablePerformanceIncluded
		if f != nil {
			f(r)
		}
		return r
	}
	allowed := func(vmin, vmax int32, pats ...string) *types.InstanceRequirementsRequest {
		r := req(vmin, vmax, 0, 0)
		r.AllowedInstanceTypes = pats
		return r
	}
	with := func(r *types.InstanceRequirementsRequest, f func(r *types.InstanceRequirementsRequest)) *types.InstanceRequirementsRequest {
		f(r)
		return r
	}
	for _, tc := range []struct {
		name string
		arch []types.ArchitectureType
		req  *types.InstanceRequirementsRequest
		want []string
	}{
		{"vcpu and memory bounds", both, micro(nil), []string{"t3.micro", "t3a.micro", "t4g.micro"}},
		{"architecture", []types.ArchitectureType{types.ArchitectureTypeArm64}, micro(nil), []string{"t4g.micro"}},
		{"cpu manufacturer", both, micro(func(r *types.InstanceRequirementsRequest) {
			r.CpuManufacturers = []types.CpuManufacturer{types.CpuManufacturerIntel}
		}), []string{"t3.micro"}},
		{"burstable excluded by default", both, req(2, 2, 1024, 1024), []string{}},
		{"burstable required", both, with(req(2, 2, 4096, 8192), func(r *types.InstanceRequirementsRequest) {
			r.BurstablePerformance = types.BurstablePerformanceRequired
		}), []string{"t2.large", "t2.medium", "t3.large", "t3.medium", "t3a.large", "t3a.medium", "t4g.large", "t4g.medium"}},
		{"excluded wildcard", both, micro(func(r *types.InstanceRequirementsRequest) { r.ExcludedInstanceTypes = []string{"t3*"} }), []string{"t4g.micro"}},
		{"excluded type", both, micro(func(r *types.InstanceRequirementsRequest) { r.ExcludedInstanceTypes = []string{"t3a.micro"} }), []string{"t3.micro", "t4g.micro"}},
		{"allowed types", both, allowed(2, 2, "m5.*", "c5.large"), []string{"c5.large", "m5.large"}},
		{"current generation", both, with(allowed(2, 2, "m1.*", "m7i.*"), func(r *types.InstanceRequirementsRequest) {
			r.InstanceGenerations = []types.InstanceGeneration{types.InstanceGenerationCurrent}
		}), []string{"m7i.large"}},
		{"previous generation", both, with(allowed(2, 2, "m1.*", "m7i.*"), func(r *types.InstanceRequirementsRequest) {
			r.InstanceGenerations = []types.InstanceGeneration{types.InstanceGenerationPrevious}
		}), []string{"m1.large"}},
		{"bare metal excluded by default", both, allowed(96, 0, "m5.*"), []string{"m5.24xlarge"}},
		{"bare metal required", both, with(allowed(96, 0, "m5.*"), func(r *types.InstanceRequirementsRequest) { r.BareMetal = types.BareMetalRequired }), []string{"m5.metal"}},
		{"bare metal included", both, with(allowed(96, 0, "m5.*"), func(r *types.InstanceRequirementsRequest) { r.BareMetal = types.BareMetalIncluded }), []string{"m5.24xlarge", "m5.metal"}},
		{"no price threshold", both, allowed(2, 2, "c5.*", "m5.*", "r5.*"), []string{"c5.large", "m5.large", "r5.large"}},
		{"on-demand price over the lowest", both, with(allowed(2, 2, "c5.*", "m5.*", "r5.*"), func(r *types.InstanceRequirementsRequest) {
			r.OnDemandMaxPricePercentageOverLowestPrice = aws.Int32(30) // 0.085 * 1.3 = 0.1105
		}), []string{"c5.large", "m5.large"}},
		{"price reference is the cheapest current C, M or R", both, with(allowed(2, 2, "c7i.*", "m7i.*", "t3.*"), func(r *types.InstanceRequirementsRequest) {
			// c7i.large's 0.08925 * 1.1 = 0.0982: the cheaper t3.medium
			// (0.0416) is not the reference, else only it would pass.
			r.BurstablePerformance = types.BurstablePerformanceIncluded
			r.MemoryMiB = &types.MemoryMiBRequest{Min: aws.Int32(4096), Max: aws.Int32(8192)}
			r.OnDemandMaxPricePercentageOverLowestPrice = aws.Int32(10)
		}), []string{"c7i.large", "t3.large", "t3.medium"}},
		{"spot price of the optimal on-demand", both, with(allowed(2, 2, "c7i.*", "m7i.*", "t3.*"), func(r *types.InstanceRequirementsRequest) {
			r.BurstablePerformance = types.BurstablePerformanceIncluded
			r.MemoryMiB = &types.MemoryMiBRequest{Min: aws.Int32(4096), Max: aws.Int32(8192)}
			r.MaxSpotPriceAsPercentageOfOptimalOnDemandPrice = aws.Int32(50) // 0.0446
		}), []string{"t3.medium"}},
		{"memory per vcpu", both, with(allowed(2, 2, "c5.*", "m5.*", "r5.*"), func(r *types.InstanceRequirementsRequest) {
			r.MemoryGiBPerVCpu = &types.MemoryGiBPerVCpuRequest{Min: aws.Float64(4)}
		}), []string{"m5.large", "r5.large"}},
		{"local storage required", both, with(allowed(2, 2, "m5.*", "m5d.*"), func(r *types.InstanceRequirementsRequest) {
			r.LocalStorage = types.LocalStorageRequired
		}), []string{"m5d.large"}},
		{"gpu accelerators", both, with(allowed(4, 4, "g4dn.*", "m5.*"), func(r *types.InstanceRequirementsRequest) {
			r.AcceleratorTypes = []types.AcceleratorType{types.AcceleratorTypeGpu}
		}), []string{"g4dn.xlarge"}},
		{"no accelerators", both, with(allowed(4, 4, "g4dn.*", "m5.*"), func(r *types.InstanceRequirementsRequest) {
			r.AcceleratorCount = &types.AcceleratorCountRequest{Max: aws.Int32(0)}
		}), []string{"m5.xlarge"}},
		{"network bandwidth minimum", both, with(allowed(8, 32, "m5.*", "m5n.*"), func(r *types.InstanceRequirementsRequest) {
			r.NetworkBandwidthGbps = &types.NetworkBandwidthGbpsRequest{Min: aws.Float64(20)}
		}), []string{"m5n.8xlarge"}},
		{"network bandwidth maximum", both, with(allowed(8, 32, "m5.*", "m5n.*"), func(r *types.InstanceRequirementsRequest) {
			r.NetworkBandwidthGbps = &types.NetworkBandwidthGbpsRequest{Max: aws.Float64(10)}
		}), []string{"m5.2xlarge", "m5.4xlarge", "m5.8xlarge", "m5n.2xlarge", "m5n.4xlarge"}},
		{"encryption in transit", both, with(allowed(2, 2, "m5.*", "m5n.*"), func(r *types.InstanceRequirementsRequest) {
			r.RequireEncryptionInTransit = aws.Bool(true)
		}), []string{"m5n.large"}},
		{"network interfaces", both, with(allowed(2, 4, "m5.*"), func(r *types.InstanceRequirementsRequest) {
			r.NetworkInterfaceCount = &types.NetworkInterfaceCountRequest{Min: aws.Int32(4)}
		}), []string{"m5.xlarge"}},
		{"ebs bandwidth", both, with(allowed(2, 8, "m5.*"), func(r *types.InstanceRequirementsRequest) {
			r.BaselineEbsBandwidthMbps = &types.BaselineEbsBandwidthMbpsRequest{Min: aws.Int32(1000), Max: aws.Int32(2000)}
		}), []string{"m5.xlarge"}},
		{"local storage type", both, with(allowed(8, 8, "d3.*", "h1.*", "m5d.*"), func(r *types.InstanceRequirementsRequest) {
			r.LocalStorageTypes = []types.LocalStorageType{types.LocalStorageTypeHdd}
		}), []string{"d3.2xlarge", "h1.2xlarge"}},
		{"local storage size", both, with(allowed(8, 8, "d3.*", "h1.*", "m5d.*"), func(r *types.InstanceRequirementsRequest) {
			r.TotalLocalStorageGB = &types.TotalLocalStorageGBRequest{Min: aws.Float64(1000), Max: aws.Float64(5000)}
		}), []string{"h1.2xlarge"}},
		{"accelerator names unknown to the catalogue", both, with(allowed(4, 4, "g4dn.*"), func(r *types.InstanceRequirementsRequest) {
			r.AcceleratorNames = []types.AcceleratorName{types.AcceleratorNameT4}
		}), []string{}},
		{"cpu performance of m7i", both, with(allowed(2, 2, "m5.*", "m7g.*", "m7i.*"), func(r *types.InstanceRequirementsRequest) {
			r.BaselinePerformanceFactors = perfRef("m7i")
		}), []string{"m7i.large"}},
		{"cpu performance of m5", both, with(allowed(2, 2, "m5.*", "m7g.*", "m7i.*"), func(r *types.InstanceRequirementsRequest) {
			r.BaselinePerformanceFactors = perfRef("m5")
		}), []string{"m5.large", "m7i.large"}},
		{"cpu performance of an unsupported family", both, with(allowed(2, 2, "m5.*", "m7g.*", "m7i.*"), func(r *types.InstanceRequirementsRequest) {
			r.BaselinePerformanceFactors = perfRef("t1")
		}), []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.GetInstanceTypesFromInstanceRequirements(ctx, &ec2.GetInstanceTypesFromInstanceRequirementsInput{
				ArchitectureTypes: tc.arch, VirtualizationTypes: []types.VirtualizationType{types.VirtualizationTypeHvm},
				InstanceRequirements: tc.req})
			if err != nil {
				t.Fatal(err)
			}
			if got := typeNames(out.InstanceTypes); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("paging", func(t *testing.T) {
		in := &ec2.GetInstanceTypesFromInstanceRequirementsInput{ArchitectureTypes: both,
			VirtualizationTypes: []types.VirtualizationType{types.VirtualizationTypeHvm}, MaxResults: aws.Int32(3),
			InstanceRequirements: with(req(2, 2, 4096, 8192), func(r *types.InstanceRequirementsRequest) {
				r.BurstablePerformance = types.BurstablePerformanceRequired
			})}
		var got []string
		pages := 0
		for p := ec2.NewGetInstanceTypesFromInstanceRequirementsPaginator(c, in); p.HasMorePages(); pages++ {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, typeNames(page.InstanceTypes)...)
		}
		want := []string{"t2.large", "t2.medium", "t3.large", "t3.medium", "t3a.large", "t3a.medium", "t4g.large", "t4g.medium"}
		if pages != 3 || !slices.Equal(got, want) {
			t.Errorf("%d pages of %v, want 3 pages of %v", pages, got, want)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		_, err := c.GetInstanceTypesFromInstanceRequirements(ctx, &ec2.GetInstanceTypesFromInstanceRequirementsInput{DryRun: aws.Bool(true),
			ArchitectureTypes: both, VirtualizationTypes: []types.VirtualizationType{types.VirtualizationTypeHvm}, InstanceRequirements: micro(nil)})
		if code := apiCode(t, err); code != "DryRunOperation" {
			t.Errorf("code %s, want DryRunOperation", code)
		}
	})

	noValidation := func(o *ec2.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			_, err := s.Initialize.Remove("OperationInputValidation")
			return err
		})
	}
	for _, tc := range []struct {
		name string
		arch []types.ArchitectureType
		req  *types.InstanceRequirementsRequest
		code string
	}{
		{"allowed with excluded", both, micro(func(r *types.InstanceRequirementsRequest) {
			r.AllowedInstanceTypes, r.ExcludedInstanceTypes = []string{"t3.*"}, []string{"t3a.*"}
		}), "InvalidParameterCombination"},
		{"bad bare metal", both, micro(func(r *types.InstanceRequirementsRequest) { r.BareMetal = "sometimes" }), "InvalidParameterValue"},
		{"bad architecture", []types.ArchitectureType{"sparc"}, micro(nil), "InvalidParameterValue"},
		{"four architectures", []types.ArchitectureType{"i386", "x86_64", "arm64", "x86_64_mac"}, micro(nil), "InvalidParameterValue"},
		{"bad generation", both, micro(func(r *types.InstanceRequirementsRequest) {
			r.InstanceGenerations = []types.InstanceGeneration{"next"}
		}), "InvalidParameterValue"},
		{"vcpu min over max", both, req(4, 2, 0, 0), "InvalidParameterValue"},
		{"bad type pattern", both, micro(func(r *types.InstanceRequirementsRequest) { r.ExcludedInstanceTypes = []string{"t3?micro"} }), "InvalidParameterValue"},
		{"both spot thresholds", both, micro(func(r *types.InstanceRequirementsRequest) {
			r.SpotMaxPricePercentageOverLowestPrice, r.MaxSpotPriceAsPercentageOfOptimalOnDemandPrice = aws.Int32(50), aws.Int32(50)
		}), "InvalidParameterCombination"},
		{"two performance references", both, micro(func(r *types.InstanceRequirementsRequest) {
			r.BaselinePerformanceFactors = perfRef("m5")
			r.BaselinePerformanceFactors.Cpu.References = append(r.BaselinePerformanceFactors.Cpu.References, perfRef("c5").Cpu.References...)
		}), "InvalidParameterValue"},
		{"missing vcpu count", both, &types.InstanceRequirementsRequest{MemoryMiB: &types.MemoryMiBRequest{Min: aws.Int32(0)}}, "MissingParameter"},
		{"missing memory", both, &types.InstanceRequirementsRequest{VCpuCount: &types.VCpuCountRangeRequest{Min: aws.Int32(2)}}, "MissingParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetInstanceTypesFromInstanceRequirements(ctx, &ec2.GetInstanceTypesFromInstanceRequirementsInput{
				ArchitectureTypes: tc.arch, VirtualizationTypes: []types.VirtualizationType{types.VirtualizationTypeHvm},
				InstanceRequirements: tc.req}, noValidation)
			if err == nil {
				t.Fatalf("accepted, want %s", tc.code)
			}
			if got := apiCode(t, err); got != tc.code {
				t.Errorf("code %s (%v), want %s", got, err, tc.code)
			}
		})
	}
}

func perfRef(family string) *types.BaselinePerformanceFactorsRequest {
	return &types.BaselinePerformanceFactorsRequest{Cpu: &types.CpuPerformanceFactorRequest{
		References: []types.PerformanceFactorReferenceRequest{{InstanceFamily: aws.String(family)}}}}
}

func typeNames(l []types.InstanceTypeInfoFromInstanceRequirements) []string {
	out := []string{}
	for _, t := range l {
		out = append(out, aws.ToString(t.InstanceType))
	}
	return out
}
