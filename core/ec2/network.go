package ec2

import "time"

// Address is an Elastic IP as DescribeAddresses shows it. HourlyCharge is
// ec2x's addition: what the address costs, associated or idle.
type Address struct {
	PublicIp                string `json:"PublicIp"`
	AllocationId            string `json:"AllocationId"`
	AssociationId           string `json:"AssociationId,omitempty"`
	InstanceId              string `json:"InstanceId,omitempty"`
	NetworkInterfaceId      string `json:"NetworkInterfaceId,omitempty"`
	NetworkInterfaceOwnerId string `json:"NetworkInterfaceOwnerId,omitempty"`
	PrivateIpAddress        string `json:"PrivateIpAddress,omitempty"`
	Domain                  string `json:"Domain"`
	PublicIpv4Pool          string `json:"PublicIpv4Pool"`
	NetworkBorderGroup      string `json:"NetworkBorderGroup"`
	Tags                    []Tag  `json:"Tags,omitempty"`
	HourlyCharge            string `json:"HourlyCharge"`
}

// AllocateAddressInput is EC2's AllocateAddress request.
type AllocateAddressInput struct {
	Domain string `json:"Domain,omitempty"`
	// NetworkBorderGroup must be the region's name: ec2x has no Local or
	// Wavelength Zones with groups of their own.
	NetworkBorderGroup string             `json:"NetworkBorderGroup,omitempty"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun             bool               `json:"DryRun,omitempty"`
}

// AllocateAddressOutput answers AllocateAddress.
type AllocateAddressOutput struct {
	PublicIp           string `json:"PublicIp"`
	AllocationId       string `json:"AllocationId"`
	Domain             string `json:"Domain"`
	PublicIpv4Pool     string `json:"PublicIpv4Pool"`
	NetworkBorderGroup string `json:"NetworkBorderGroup"`
}

// AssociateAddressInput is EC2's AssociateAddress request.
type AssociateAddressInput struct {
	AllocationId       string `json:"AllocationId,omitempty"`
	PublicIp           string `json:"PublicIp,omitempty"`
	InstanceId         string `json:"InstanceId,omitempty"`
	NetworkInterfaceId string `json:"NetworkInterfaceId,omitempty"`
	PrivateIpAddress   string `json:"PrivateIpAddress,omitempty"`
	AllowReassociation bool   `json:"AllowReassociation,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// AssociateAddressOutput answers AssociateAddress.
type AssociateAddressOutput struct {
	AssociationId string `json:"AssociationId"`
}

// DisassociateAddressInput names an association by ID or public IP.
type DisassociateAddressInput struct {
	AssociationId string `json:"AssociationId,omitempty"`
	PublicIp      string `json:"PublicIp,omitempty"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// ReleaseAddressInput names an allocation by ID or public IP.
type ReleaseAddressInput struct {
	AllocationId string `json:"AllocationId,omitempty"`
	PublicIp     string `json:"PublicIp,omitempty"`
	// NetworkBorderGroup must be the address's: the region's name in ec2x.
	NetworkBorderGroup string `json:"NetworkBorderGroup,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// DescribeAddressesInput is EC2's DescribeAddresses request.
type DescribeAddressesInput struct {
	AllocationIds []string `json:"AllocationIds,omitempty"`
	PublicIps     []string `json:"PublicIps,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
}

// DescribeAddressesOutput lists Elastic IPs.
type DescribeAddressesOutput struct {
	Addresses []Address `json:"Addresses"`
}

// NetworkInterface is an interface as DescribeNetworkInterfaces shows it.
type NetworkInterface struct {
	NetworkInterfaceId string                  `json:"NetworkInterfaceId"`
	SubnetId           string                  `json:"SubnetId"`
	VpcId              string                  `json:"VpcId"`
	AvailabilityZone   string                  `json:"AvailabilityZone"`
	Description        string                  `json:"Description"`
	InterfaceType      string                  `json:"InterfaceType"`
	MacAddress         string                  `json:"MacAddress"`
	OwnerId            string                  `json:"OwnerId"`
	PrivateIpAddress   string                  `json:"PrivateIpAddress"`
	PrivateIpAddresses []PrivateIP             `json:"PrivateIpAddresses"`
	Association        *IPAssociation          `json:"Association,omitempty"`
	Attachment         *NetworkInterfaceAttach `json:"Attachment,omitempty"`
	Groups             []GroupIdentifier       `json:"Groups"`
	Status             string                  `json:"Status"`
	SourceDestCheck    bool                    `json:"SourceDestCheck"`
	TagSet             []Tag                   `json:"TagSet"`
}

// NetworkInterfaceAttach is an interface's attachment.
type NetworkInterfaceAttach struct {
	AttachmentId        string    `json:"AttachmentId"`
	InstanceId          string    `json:"InstanceId"`
	InstanceOwnerId     string    `json:"InstanceOwnerId"`
	DeviceIndex         int       `json:"DeviceIndex"`
	Status              string    `json:"Status"`
	AttachTime          time.Time `json:"AttachTime"`
	DeleteOnTermination bool      `json:"DeleteOnTermination"`
}

// CreateNetworkInterfaceInput is EC2's CreateNetworkInterface request;
// AvailabilityZone (an ec2x addition) picks the zone's default subnet.
type CreateNetworkInterfaceInput struct {
	SubnetId                       string             `json:"SubnetId,omitempty"`
	AvailabilityZone               string             `json:"AvailabilityZone,omitempty"`
	PrivateIpAddress               string             `json:"PrivateIpAddress,omitempty"`
	PrivateIpAddresses             []string           `json:"PrivateIpAddresses,omitempty"`
	SecondaryPrivateIpAddressCount int                `json:"SecondaryPrivateIpAddressCount,omitempty"`
	Groups                         []string           `json:"Groups,omitempty"`
	Description                    string             `json:"Description,omitempty"`
	TagSpecifications              []TagSpecification `json:"TagSpecifications,omitempty"`
	// ClientToken makes a retry return the interface the first call made
	// (the AWS SDKs fill it in).
	ClientToken string `json:"ClientToken,omitempty"`
	DryRun      bool   `json:"DryRun,omitempty"`
}

// CreateNetworkInterfaceOutput answers CreateNetworkInterface.
type CreateNetworkInterfaceOutput struct {
	NetworkInterface NetworkInterface `json:"NetworkInterface"`
	ClientToken      string           `json:"ClientToken,omitempty"`
}

// DescribeNetworkInterfacesInput is EC2's DescribeNetworkInterfaces request.
type DescribeNetworkInterfacesInput struct {
	NetworkInterfaceIds []string `json:"NetworkInterfaceIds,omitempty"`
	Filters             []Filter `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeNetworkInterfacesOutput lists interfaces.
type DescribeNetworkInterfacesOutput struct {
	NetworkInterfaces []NetworkInterface `json:"NetworkInterfaces"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// AttachNetworkInterfaceInput is EC2's AttachNetworkInterface request.
type AttachNetworkInterfaceInput struct {
	NetworkInterfaceId string `json:"NetworkInterfaceId"`
	InstanceId         string `json:"InstanceId"`
	DeviceIndex        *int   `json:"DeviceIndex,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// AttachNetworkInterfaceOutput answers AttachNetworkInterface.
type AttachNetworkInterfaceOutput struct {
	AttachmentId string `json:"AttachmentId"`
}

// DetachNetworkInterfaceInput is EC2's DetachNetworkInterface request.
type DetachNetworkInterfaceInput struct {
	AttachmentId string `json:"AttachmentId"`
	Force        bool   `json:"Force,omitempty"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// DeleteNetworkInterfaceInput names an interface.
type DeleteNetworkInterfaceInput struct {
	NetworkInterfaceId string `json:"NetworkInterfaceId"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// AssignPrivateIpAddressesInput is EC2's AssignPrivateIpAddresses request.
type AssignPrivateIpAddressesInput struct {
	NetworkInterfaceId             string   `json:"NetworkInterfaceId"`
	PrivateIpAddresses             []string `json:"PrivateIpAddresses,omitempty"`
	SecondaryPrivateIpAddressCount int      `json:"SecondaryPrivateIpAddressCount,omitempty"`
	DryRun                         bool     `json:"DryRun,omitempty"`
}

// AssignPrivateIpAddressesOutput lists what was assigned.
type AssignPrivateIpAddressesOutput struct {
	NetworkInterfaceId         string      `json:"NetworkInterfaceId"`
	AssignedPrivateIpAddresses []PrivateIP `json:"AssignedPrivateIpAddresses"`
}

// UnassignPrivateIpAddressesInput is EC2's UnassignPrivateIpAddresses request.
type UnassignPrivateIpAddressesInput struct {
	NetworkInterfaceId string   `json:"NetworkInterfaceId"`
	PrivateIpAddresses []string `json:"PrivateIpAddresses"`
	DryRun             bool     `json:"DryRun,omitempty"`
}

// SecurityGroup is a group as DescribeSecurityGroups shows it.
type SecurityGroup struct {
	GroupId             string         `json:"GroupId"`
	GroupName           string         `json:"GroupName"`
	Description         string         `json:"Description"`
	VpcId               string         `json:"VpcId"`
	OwnerId             string         `json:"OwnerId"`
	IpPermissions       []IpPermission `json:"IpPermissions"`
	IpPermissionsEgress []IpPermission `json:"IpPermissionsEgress"`
	Tags                []Tag          `json:"Tags,omitempty"`
}

// CreateSecurityGroupInput is EC2's CreateSecurityGroup request.
type CreateSecurityGroupInput struct {
	GroupName         string             `json:"GroupName"`
	Description       string             `json:"Description"`
	VpcId             string             `json:"VpcId,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateSecurityGroupOutput answers CreateSecurityGroup.
type CreateSecurityGroupOutput struct {
	GroupId string `json:"GroupId"`
	Tags    []Tag  `json:"Tags,omitempty"`
}

// SecurityGroupRuleInput is Authorize/RevokeSecurityGroupIngress's and
// -Egress's request: rules as IpPermissions, or in the old top-level form
// (CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName), or, to
// revoke, by ID.
type SecurityGroupRuleInput struct {
	GroupId                    string         `json:"GroupId,omitempty"`
	GroupName                  string         `json:"GroupName,omitempty"`
	IpPermissions              []IpPermission `json:"IpPermissions"`
	CidrIp                     string         `json:"CidrIp,omitempty"`
	IpProtocol                 string         `json:"IpProtocol,omitempty"`
	FromPort                   *int           `json:"FromPort,omitempty"`
	ToPort                     *int           `json:"ToPort,omitempty"`
	SourceSecurityGroupName    string         `json:"SourceSecurityGroupName,omitempty"`
	SourceSecurityGroupOwnerId string         `json:"SourceSecurityGroupOwnerId,omitempty"`
	DryRun                     bool           `json:"DryRun,omitempty"`
}

// AuthorizeSecurityGroupInput is Authorize*'s request: rules, and the
// tags of the rules it makes.
type AuthorizeSecurityGroupInput struct {
	SecurityGroupRuleInput
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
}

// RevokeSecurityGroupInput is Revoke*'s request: rules, or rule IDs.
type RevokeSecurityGroupInput struct {
	SecurityGroupRuleInput
	SecurityGroupRuleIds []string `json:"SecurityGroupRuleIds,omitempty"`
}

// DeleteSecurityGroupInput names a group by ID or name.
type DeleteSecurityGroupInput struct {
	GroupId   string `json:"GroupId,omitempty"`
	GroupName string `json:"GroupName,omitempty"`
	DryRun    bool   `json:"DryRun,omitempty"`
}

// DescribeSecurityGroupsInput is EC2's DescribeSecurityGroups request.
type DescribeSecurityGroupsInput struct {
	GroupIds   []string `json:"GroupIds,omitempty"`
	GroupNames []string `json:"GroupNames,omitempty"`
	Filters    []Filter `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeSecurityGroupsOutput lists groups.
type DescribeSecurityGroupsOutput struct {
	SecurityGroups []SecurityGroup `json:"SecurityGroups"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// DescribeSubnetsInput is EC2's DescribeSubnets request.
type DescribeSubnetsInput struct {
	SubnetIds []string `json:"SubnetIds,omitempty"`
	Filters   []Filter `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeSubnetsOutput lists subnets.
type DescribeSubnetsOutput struct {
	Subnets []Subnet `json:"Subnets"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// DescribeVpcsOutput lists VPCs.
type DescribeVpcsOutput struct {
	Vpcs []Vpc `json:"Vpcs"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// DescribeVpcsInput selects VPCs by ID and filters.
type DescribeVpcsInput struct {
	VpcIds  []string `json:"VpcIds,omitempty"`
	Filters []Filter `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// IpPermission is one ingress rule set: a protocol, a port range and the
// sources it admits.
type IpPermission struct {
	IpProtocol       string            `json:"IpProtocol"`
	FromPort         *int              `json:"FromPort,omitempty"`
	ToPort           *int              `json:"ToPort,omitempty"`
	IpRanges         []IpRange         `json:"IpRanges"`
	Ipv6Ranges       []Ipv6Range       `json:"Ipv6Ranges,omitempty"`
	PrefixListIds    []PrefixListId    `json:"PrefixListIds,omitempty"`
	UserIdGroupPairs []UserIdGroupPair `json:"UserIdGroupPairs,omitempty"`
}

// Ipv6Range is an IPv6 source (or destination) CIDR of a rule.
type Ipv6Range struct {
	CidrIpv6    string `json:"CidrIpv6"`
	Description string `json:"Description,omitempty"`
}

// PrefixListId names a prefix list in a rule.
type PrefixListId struct {
	PrefixListId string `json:"PrefixListId"`
	Description  string `json:"Description,omitempty"`
}

// UserIdGroupPair admits traffic from members of another group.
type UserIdGroupPair struct {
	GroupId     string `json:"GroupId,omitempty"`
	GroupName   string `json:"GroupName,omitempty"`
	UserId      string `json:"UserId,omitempty"`
	VpcId       string `json:"VpcId,omitempty"`
	Description string `json:"Description,omitempty"`
}

// IpRange is a source CIDR of a rule.
type IpRange struct {
	CidrIp      string `json:"CidrIp"`
	Description string `json:"Description,omitempty"`
}

// AttributeBooleanValue is EC2's {Value: true|false} wrapper.
type AttributeBooleanValue struct {
	Value *bool `json:"Value,omitempty"`
}

// NetworkInterfaceAttachmentChanges names an interface's attachment and
// what changes in it.
type NetworkInterfaceAttachmentChanges struct {
	AttachmentId        string `json:"AttachmentId,omitempty"`
	DeleteOnTermination *bool  `json:"DeleteOnTermination,omitempty"`
}

// ModifyNetworkInterfaceAttributeInput is EC2's
// ModifyNetworkInterfaceAttribute request: exactly one of Groups (security
// group IDs, replacing the interface's set), Description, SourceDestCheck
// and Attachment.
type ModifyNetworkInterfaceAttributeInput struct {
	NetworkInterfaceId string                             `json:"NetworkInterfaceId"`
	Groups             []string                           `json:"Groups,omitempty"`
	Description        *AttributeValue                    `json:"Description,omitempty"`
	SourceDestCheck    *AttributeBooleanValue             `json:"SourceDestCheck,omitempty"`
	Attachment         *NetworkInterfaceAttachmentChanges `json:"Attachment,omitempty"`
	DryRun             bool                               `json:"DryRun,omitempty"`
}
