package main

import "regexp"

// A family is a group of EC2 actions that ec2x has (or will have) as one
// part of its core; the file has a section for each, in this order.
var families = []string{
	"Instances",
	"Instance types",
	"Images",
	"Volumes and snapshots",
	"VPCs",
	"Subnets",
	"Internet gateways",
	"Route tables",
	"Network ACLs",
	"DHCP options",
	"Security groups",
	"Addresses (Elastic IPs)",
	"Network interfaces",
	"Key pairs",
	"Tags",
	"Spot",
	"Reserved instances",
	"Launch templates",
	"Placement groups",
	"Prefix lists",
	"NAT gateways",
	"VPC peering",
	"VPC endpoints",
	"VPC block public access and encryption",
	"Regions and zones",
	"Account attributes",
}

// outside is the family of the actions this file leaves out.
const outside = ""

// rules classify an action by its name: the first pattern that matches
// decides. This is classification only: what is implemented comes from
// the action table. Actions no rule matches are outside the families.
var rules = []struct {
	family  string
	pattern *regexp.Regexp
}{
	// Services of their own that share a word with a family: fleets (spot
	// fleets included), capacity reservations and blocks, dedicated and
	// Mac hosts, transit gateways, VPN, client VPN, IPAM and BYOIP, local
	// and carrier gateways, instance connect endpoints, event windows,
	// SQL HA, ClassicLink (retired), the recycle bin, S3-backed import,
	// export and store tasks, traffic mirroring, Reachability Analyzer,
	// route servers, flow logs, prefix lists, trunk and secondary
	// interfaces, Verified Access.
	{outside, regexp.MustCompile(`Fleet|CapacityReservation|CapacityBlock|CapacityManager|Hosts?$|HostReservation|Mac(Hosts|Modification|SystemIntegrity|Volume)|TransitGateway|Vpn|Vgw|CustomerGateway|Ipam|Byoip|Byoasn|Ipv6Pool|PublicIpv4Pool|LocalGateway|CarrierGateway|Coip|InstanceConnectEndpoint|InstanceEventWindow|SqlHa|ClassicLink|RecycleBin|Fpga|^Import(Image|Instance|Snapshot|Volume)$|^Export|Export\w*Tasks?$|Import\w*Tasks?$|StoreImageTask|RestoreImageTask|BundleTask|BundleInstance|ImageUsageReport|TrafficMirror|NetworkInsights|ReachabilityAnalyzer|RouteServer|FlowLogs|Trunk|Secondary|VerifiedAccess|EnclaveCertificate|ScheduledInstance|ProductInstance|ConversionTask|ElasticGpus|IdFormat|ApplicationStatus|DeclarativePolicies|AwsNetworkPerformance|SerialConsole|ManagedResourceVisibility`)},
	{"Spot", regexp.MustCompile(`Spot`)},
	{"Reserved instances", regexp.MustCompile(`ReservedInstances`)},
	{"Launch templates", regexp.MustCompile(`LaunchTemplate`)},
	{"Images", regexp.MustCompile(`Image|FastLaunch`)},
	{"Instance types", regexp.MustCompile(`InstanceType`)},
	{"Security groups", regexp.MustCompile(`SecurityGroup`)},
	{"Network interfaces", regexp.MustCompile(`NetworkInterface|PrivateIpAddresses|Ipv6Addresses|PublicIpDnsNameOptions`)},
	{"NAT gateways", regexp.MustCompile(`NatGateway`)},
	{"Addresses (Elastic IPs)", regexp.MustCompile(`Address`)},
	{"VPC peering", regexp.MustCompile(`VpcPeering`)},
	{"VPC endpoints", regexp.MustCompile(`VpcEndpoint`)},
	{"VPC block public access and encryption", regexp.MustCompile(`VpcBlockPublicAccess|VpcEncryption|BlockingEncryption`)},
	{"Subnets", regexp.MustCompile(`Subnet`)},
	{"Internet gateways", regexp.MustCompile(`InternetGateway`)},
	{"Network ACLs", regexp.MustCompile(`NetworkAcl`)},
	{"DHCP options", regexp.MustCompile(`DhcpOptions`)},
	{"Route tables", regexp.MustCompile(`Route`)},
	{"VPCs", regexp.MustCompile(`Vpc`)},
	{"Volumes and snapshots", regexp.MustCompile(`Volume|Snapshot|Ebs`)},
	{"Key pairs", regexp.MustCompile(`KeyPair`)},
	{"Prefix lists", regexp.MustCompile(`PrefixList`)},
	{"Tags", regexp.MustCompile(`^(Create|Delete|Describe)Tags$`)},
	{"Placement groups", regexp.MustCompile(`PlacementGroup`)},
	{"Regions and zones", regexp.MustCompile(`Regions|AvailabilityZone`)},
	{"Account attributes", regexp.MustCompile(`^DescribeAccountAttributes$`)},
	{"Instances", regexp.MustCompile(`Instance|Console|PasswordData|CreditSpecification|DiagnosticInterrupt|PrivateDnsNameOptions`)},
}

// familyOf is the family of an action, or outside.
func familyOf(action string) string {
	for _, r := range rules {
		if r.pattern.MatchString(action) {
			return r.family
		}
	}
	return outside
}
