package ec2

// Vpc is a VPC as DescribeVpcs shows it.
type Vpc struct {
	VpcId                       string                        `json:"VpcId"`
	CidrBlock                   string                        `json:"CidrBlock"`
	CidrBlockAssociationSet     []VpcCidrBlockAssociation     `json:"CidrBlockAssociationSet"`
	Ipv6CidrBlockAssociationSet []VpcIpv6CidrBlockAssociation `json:"Ipv6CidrBlockAssociationSet,omitempty"`
	DhcpOptionsId               string                        `json:"DhcpOptionsId,omitempty"`
	InstanceTenancy             string                        `json:"InstanceTenancy"`
	IsDefault                   bool                          `json:"IsDefault"`
	State                       string                        `json:"State"`
	OwnerId                     string                        `json:"OwnerId"`
	Tags                        []Tag                         `json:"Tags,omitempty"`
}

// VpcCidrBlockAssociation is one of a VPC's IPv4 blocks.
type VpcCidrBlockAssociation struct {
	AssociationId  string            `json:"AssociationId"`
	CidrBlock      string            `json:"CidrBlock"`
	CidrBlockState VpcCidrBlockState `json:"CidrBlockState"`
}

// VpcCidrBlockState is a block's association state.
type VpcCidrBlockState struct {
	State         string `json:"State"`
	StatusMessage string `json:"StatusMessage,omitempty"`
}

// VpcIpv6CidrBlockAssociation is one of a VPC's IPv6 blocks.
type VpcIpv6CidrBlockAssociation struct {
	AssociationId      string            `json:"AssociationId"`
	Ipv6CidrBlock      string            `json:"Ipv6CidrBlock"`
	Ipv6CidrBlockState VpcCidrBlockState `json:"Ipv6CidrBlockState"`
	NetworkBorderGroup string            `json:"NetworkBorderGroup,omitempty"`
	Ipv6Pool           string            `json:"Ipv6Pool,omitempty"`
}

// Subnet is a subnet as DescribeSubnets shows it.
type Subnet struct {
	SubnetId                      string                         `json:"SubnetId"`
	SubnetArn                     string                         `json:"SubnetArn"`
	VpcId                         string                         `json:"VpcId"`
	AvailabilityZone              string                         `json:"AvailabilityZone"`
	AvailabilityZoneId            string                         `json:"AvailabilityZoneId"`
	CidrBlock                     string                         `json:"CidrBlock"`
	AvailableIpAddressCount       int                            `json:"AvailableIpAddressCount"`
	DefaultForAz                  bool                           `json:"DefaultForAz"`
	MapPublicIpOnLaunch           bool                           `json:"MapPublicIpOnLaunch"`
	MapCustomerOwnedIpOnLaunch    bool                           `json:"MapCustomerOwnedIpOnLaunch"`
	AssignIpv6AddressOnCreation   bool                           `json:"AssignIpv6AddressOnCreation"`
	EnableDns64                   bool                           `json:"EnableDns64"`
	Ipv6Native                    bool                           `json:"Ipv6Native"`
	Ipv6CidrBlockAssociationSet   []VpcIpv6CidrBlockAssociation  `json:"Ipv6CidrBlockAssociationSet"`
	PrivateDnsNameOptionsOnLaunch *PrivateDnsNameOptionsOnLaunch `json:"PrivateDnsNameOptionsOnLaunch,omitempty"`
	State                         string                         `json:"State"`
	OwnerId                       string                         `json:"OwnerId"`
	Tags                          []Tag                          `json:"Tags,omitempty"`
}

// PrivateDnsNameOptionsOnLaunch is how a subnet names its instances.
type PrivateDnsNameOptionsOnLaunch struct {
	HostnameType                    string `json:"HostnameType"`
	EnableResourceNameDnsARecord    bool   `json:"EnableResourceNameDnsARecord"`
	EnableResourceNameDnsAAAARecord bool   `json:"EnableResourceNameDnsAAAARecord"`
}

// CreateVpcInput is EC2's CreateVpc request.
type CreateVpcInput struct {
	CidrBlock                       string             `json:"CidrBlock,omitempty"`
	AmazonProvidedIpv6CidrBlock     bool               `json:"AmazonProvidedIpv6CidrBlock,omitempty"`
	InstanceTenancy                 string             `json:"InstanceTenancy,omitempty"`
	Ipv4IpamPoolId                  string             `json:"Ipv4IpamPoolId,omitempty"`
	Ipv4NetmaskLength               int                `json:"Ipv4NetmaskLength,omitempty"`
	Ipv6CidrBlock                   string             `json:"Ipv6CidrBlock,omitempty"`
	Ipv6CidrBlockNetworkBorderGroup string             `json:"Ipv6CidrBlockNetworkBorderGroup,omitempty"`
	Ipv6IpamPoolId                  string             `json:"Ipv6IpamPoolId,omitempty"`
	Ipv6NetmaskLength               int                `json:"Ipv6NetmaskLength,omitempty"`
	Ipv6Pool                        string             `json:"Ipv6Pool,omitempty"`
	TagSpecifications               []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun                          bool               `json:"DryRun,omitempty"`
}

// VpcOutput answers CreateVpc and CreateDefaultVpc.
type VpcOutput struct {
	Vpc *Vpc `json:"Vpc"`
}

// VpcIdInput names one VPC (DeleteVpc).
type VpcIdInput struct {
	VpcId  string `json:"VpcId"`
	DryRun bool   `json:"DryRun,omitempty"`
}

// DryRunInput is a request of nothing but DryRun (CreateDefaultVpc).
type DryRunInput struct {
	DryRun bool `json:"DryRun,omitempty"`
}

// ModifyVpcAttributeInput changes one attribute of a VPC.
type ModifyVpcAttributeInput struct {
	VpcId                            string                 `json:"VpcId"`
	EnableDnsHostnames               *AttributeBooleanValue `json:"EnableDnsHostnames,omitempty"`
	EnableDnsSupport                 *AttributeBooleanValue `json:"EnableDnsSupport,omitempty"`
	EnableNetworkAddressUsageMetrics *AttributeBooleanValue `json:"EnableNetworkAddressUsageMetrics,omitempty"`
}

// DescribeVpcAttributeInput asks one attribute of a VPC.
type DescribeVpcAttributeInput struct {
	VpcId     string `json:"VpcId"`
	Attribute string `json:"Attribute"`
	DryRun    bool   `json:"DryRun,omitempty"`
}

// DescribeVpcAttributeOutput is the attribute asked for.
type DescribeVpcAttributeOutput struct {
	VpcId                            string                 `json:"VpcId"`
	EnableDnsHostnames               *AttributeBooleanValue `json:"EnableDnsHostnames,omitempty"`
	EnableDnsSupport                 *AttributeBooleanValue `json:"EnableDnsSupport,omitempty"`
	EnableNetworkAddressUsageMetrics *AttributeBooleanValue `json:"EnableNetworkAddressUsageMetrics,omitempty"`
}

// AssociateVpcCidrBlockInput adds a block to a VPC.
type AssociateVpcCidrBlockInput struct {
	VpcId                           string `json:"VpcId"`
	CidrBlock                       string `json:"CidrBlock,omitempty"`
	AmazonProvidedIpv6CidrBlock     bool   `json:"AmazonProvidedIpv6CidrBlock,omitempty"`
	Ipv4IpamPoolId                  string `json:"Ipv4IpamPoolId,omitempty"`
	Ipv4NetmaskLength               int    `json:"Ipv4NetmaskLength,omitempty"`
	Ipv6CidrBlock                   string `json:"Ipv6CidrBlock,omitempty"`
	Ipv6CidrBlockNetworkBorderGroup string `json:"Ipv6CidrBlockNetworkBorderGroup,omitempty"`
	Ipv6IpamPoolId                  string `json:"Ipv6IpamPoolId,omitempty"`
	Ipv6NetmaskLength               int    `json:"Ipv6NetmaskLength,omitempty"`
	Ipv6Pool                        string `json:"Ipv6Pool,omitempty"`
}

// VpcCidrBlockOutput answers Associate/DisassociateVpcCidrBlock.
type VpcCidrBlockOutput struct {
	VpcId                    string                       `json:"VpcId"`
	CidrBlockAssociation     *VpcCidrBlockAssociation     `json:"CidrBlockAssociation,omitempty"`
	Ipv6CidrBlockAssociation *VpcIpv6CidrBlockAssociation `json:"Ipv6CidrBlockAssociation,omitempty"`
}

// AssociationIdInput names an association (DisassociateVpcCidrBlock).
type AssociationIdInput struct {
	AssociationId string `json:"AssociationId"`
}

// ModifyVpcTenancyInput changes a VPC's tenancy (only to default).
type ModifyVpcTenancyInput struct {
	VpcId           string `json:"VpcId"`
	InstanceTenancy string `json:"InstanceTenancy"`
	DryRun          bool   `json:"DryRun,omitempty"`
}

// ReturnValueOutput is an answer of one flag (ModifyVpcTenancy).
type ReturnValueOutput struct {
	ReturnValue bool `json:"ReturnValue"`
}

// CreateSubnetInput is EC2's CreateSubnet request.
type CreateSubnetInput struct {
	VpcId              string             `json:"VpcId"`
	CidrBlock          string             `json:"CidrBlock,omitempty"`
	AvailabilityZone   string             `json:"AvailabilityZone,omitempty"`
	AvailabilityZoneId string             `json:"AvailabilityZoneId,omitempty"`
	Ipv4IpamPoolId     string             `json:"Ipv4IpamPoolId,omitempty"`
	Ipv4NetmaskLength  int                `json:"Ipv4NetmaskLength,omitempty"`
	Ipv6CidrBlock      string             `json:"Ipv6CidrBlock,omitempty"`
	Ipv6IpamPoolId     string             `json:"Ipv6IpamPoolId,omitempty"`
	Ipv6Native         bool               `json:"Ipv6Native,omitempty"`
	Ipv6NetmaskLength  int                `json:"Ipv6NetmaskLength,omitempty"`
	OutpostArn         string             `json:"OutpostArn,omitempty"`
	TagSpecifications  []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun             bool               `json:"DryRun,omitempty"`
}

// SubnetOutput answers CreateSubnet and CreateDefaultSubnet.
type SubnetOutput struct {
	Subnet *Subnet `json:"Subnet"`
}

// SubnetIdInput names one subnet (DeleteSubnet).
type SubnetIdInput struct {
	SubnetId string `json:"SubnetId"`
	DryRun   bool   `json:"DryRun,omitempty"`
}

// CreateDefaultSubnetInput asks a default subnet in a zone.
type CreateDefaultSubnetInput struct {
	AvailabilityZone   string `json:"AvailabilityZone,omitempty"`
	AvailabilityZoneId string `json:"AvailabilityZoneId,omitempty"`
	Ipv6Native         bool   `json:"Ipv6Native,omitempty"`
	DryRun             bool   `json:"DryRun,omitempty"`
}

// ModifySubnetAttributeInput changes one attribute of a subnet.
type ModifySubnetAttributeInput struct {
	SubnetId                                string                 `json:"SubnetId"`
	MapPublicIpOnLaunch                     *AttributeBooleanValue `json:"MapPublicIpOnLaunch,omitempty"`
	AssignIpv6AddressOnCreation             *AttributeBooleanValue `json:"AssignIpv6AddressOnCreation,omitempty"`
	EnableDns64                             *AttributeBooleanValue `json:"EnableDns64,omitempty"`
	EnableResourceNameDnsARecordOnLaunch    *AttributeBooleanValue `json:"EnableResourceNameDnsARecordOnLaunch,omitempty"`
	EnableResourceNameDnsAAAARecordOnLaunch *AttributeBooleanValue `json:"EnableResourceNameDnsAAAARecordOnLaunch,omitempty"`
	PrivateDnsHostnameTypeOnLaunch          string                 `json:"PrivateDnsHostnameTypeOnLaunch,omitempty"`
	MapCustomerOwnedIpOnLaunch              *AttributeBooleanValue `json:"MapCustomerOwnedIpOnLaunch,omitempty"`
	CustomerOwnedIpv4Pool                   string                 `json:"CustomerOwnedIpv4Pool,omitempty"`
	DisableLniAtDeviceIndex                 *AttributeBooleanValue `json:"DisableLniAtDeviceIndex,omitempty"`
	EnableLniAtDeviceIndex                  int                    `json:"EnableLniAtDeviceIndex,omitempty"`
}

// SubnetIpv6CidrBlockAssociation is one of a subnet's IPv6 blocks.
type SubnetIpv6CidrBlockAssociation struct {
	AssociationId      string            `json:"AssociationId"`
	Ipv6CidrBlock      string            `json:"Ipv6CidrBlock"`
	Ipv6CidrBlockState VpcCidrBlockState `json:"Ipv6CidrBlockState"`
}

// AssociateSubnetCidrBlockInput gives a subnet an IPv6 block.
type AssociateSubnetCidrBlockInput struct {
	SubnetId          string `json:"SubnetId"`
	Ipv6CidrBlock     string `json:"Ipv6CidrBlock,omitempty"`
	Ipv6IpamPoolId    string `json:"Ipv6IpamPoolId,omitempty"`
	Ipv6NetmaskLength int    `json:"Ipv6NetmaskLength,omitempty"`
}

// SubnetCidrBlockOutput answers Associate/DisassociateSubnetCidrBlock.
type SubnetCidrBlockOutput struct {
	SubnetId                 string                          `json:"SubnetId"`
	Ipv6CidrBlockAssociation *SubnetIpv6CidrBlockAssociation `json:"Ipv6CidrBlockAssociation"`
}

// SubnetCidrReservation is a range of a subnet set aside.
type SubnetCidrReservation struct {
	SubnetCidrReservationId string `json:"SubnetCidrReservationId"`
	SubnetId                string `json:"SubnetId"`
	Cidr                    string `json:"Cidr"`
	ReservationType         string `json:"ReservationType"`
	Description             string `json:"Description,omitempty"`
	OwnerId                 string `json:"OwnerId"`
	Tags                    []Tag  `json:"Tags,omitempty"`
}

// CreateSubnetCidrReservationInput sets a range of a subnet aside.
type CreateSubnetCidrReservationInput struct {
	SubnetId          string             `json:"SubnetId"`
	Cidr              string             `json:"Cidr"`
	ReservationType   string             `json:"ReservationType"`
	Description       string             `json:"Description,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateSubnetCidrReservationOutput is the reservation made.
type CreateSubnetCidrReservationOutput struct {
	SubnetCidrReservation *SubnetCidrReservation `json:"SubnetCidrReservation"`
}

// DeleteSubnetCidrReservationInput names a reservation.
type DeleteSubnetCidrReservationInput struct {
	SubnetCidrReservationId string `json:"SubnetCidrReservationId"`
	DryRun                  bool   `json:"DryRun,omitempty"`
}

// DeleteSubnetCidrReservationOutput is the reservation deleted.
type DeleteSubnetCidrReservationOutput struct {
	DeletedSubnetCidrReservation *SubnetCidrReservation `json:"DeletedSubnetCidrReservation"`
}

// GetSubnetCidrReservationsInput asks a subnet's reservations.
type GetSubnetCidrReservationsInput struct {
	SubnetId   string   `json:"SubnetId"`
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// GetSubnetCidrReservationsOutput lists them by address family.
type GetSubnetCidrReservationsOutput struct {
	SubnetIpv4CidrReservations []SubnetCidrReservation `json:"SubnetIpv4CidrReservations"`
	SubnetIpv6CidrReservations []SubnetCidrReservation `json:"SubnetIpv6CidrReservations"`
	NextToken                  string                  `json:"NextToken,omitempty"`
}
