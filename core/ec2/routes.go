package ec2

// InternetGateway is an internet gateway as EC2 shows it.
type InternetGateway struct {
	InternetGatewayId string                      `json:"InternetGatewayId"`
	Attachments       []InternetGatewayAttachment `json:"Attachments"`
	OwnerId           string                      `json:"OwnerId"`
	Tags              []Tag                       `json:"Tags,omitempty"`
}

// InternetGatewayAttachment is a gateway's VPC.
type InternetGatewayAttachment struct {
	State string `json:"State"`
	VpcId string `json:"VpcId"`
}

// EgressOnlyInternetGateway is an egress-only (IPv6) internet gateway.
type EgressOnlyInternetGateway struct {
	EgressOnlyInternetGatewayId string                      `json:"EgressOnlyInternetGatewayId"`
	Attachments                 []InternetGatewayAttachment `json:"Attachments"`
	Tags                        []Tag                       `json:"Tags,omitempty"`
}

// TagsInput is a create request of tags only (CreateInternetGateway).
type TagsInput struct {
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// InternetGatewayOutput answers CreateInternetGateway.
type InternetGatewayOutput struct {
	InternetGateway *InternetGateway `json:"InternetGateway"`
}

// InternetGatewayVpcInput attaches or detaches a gateway.
type InternetGatewayVpcInput struct {
	InternetGatewayId string `json:"InternetGatewayId"`
	VpcId             string `json:"VpcId"`
	DryRun            bool   `json:"DryRun,omitempty"`
}

// InternetGatewayIdInput names a gateway (DeleteInternetGateway).
type InternetGatewayIdInput struct {
	InternetGatewayId string `json:"InternetGatewayId"`
	DryRun            bool   `json:"DryRun,omitempty"`
}

// DescribeInternetGatewaysInput selects gateways.
type DescribeInternetGatewaysInput struct {
	InternetGatewayIds []string `json:"InternetGatewayIds,omitempty"`
	Filters            []Filter `json:"Filters,omitempty"`
	MaxResults         int      `json:"MaxResults,omitempty"`
	NextToken          string   `json:"NextToken,omitempty"`
	DryRun             bool     `json:"DryRun,omitempty"`
}

// DescribeInternetGatewaysOutput lists gateways.
type DescribeInternetGatewaysOutput struct {
	InternetGateways []InternetGateway `json:"InternetGateways"`
	NextToken        string            `json:"NextToken,omitempty"`
}

// CreateEgressOnlyInternetGatewayInput makes an egress-only gateway.
type CreateEgressOnlyInternetGatewayInput struct {
	VpcId             string             `json:"VpcId"`
	ClientToken       string             `json:"ClientToken,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateEgressOnlyInternetGatewayOutput is the gateway made.
type CreateEgressOnlyInternetGatewayOutput struct {
	ClientToken               string                     `json:"ClientToken,omitempty"`
	EgressOnlyInternetGateway *EgressOnlyInternetGateway `json:"EgressOnlyInternetGateway"`
}

// EgressOnlyInternetGatewayIdInput names an egress-only gateway.
type EgressOnlyInternetGatewayIdInput struct {
	EgressOnlyInternetGatewayId string `json:"EgressOnlyInternetGatewayId"`
	DryRun                      bool   `json:"DryRun,omitempty"`
}

// ReturnCodeOutput is an answer of one flag (DeleteEgressOnlyInternetGateway).
type ReturnCodeOutput struct {
	ReturnCode bool `json:"ReturnCode"`
}

// DescribeEgressOnlyInternetGatewaysInput selects egress-only gateways.
type DescribeEgressOnlyInternetGatewaysInput struct {
	EgressOnlyInternetGatewayIds []string `json:"EgressOnlyInternetGatewayIds,omitempty"`
	Filters                      []Filter `json:"Filters,omitempty"`
	MaxResults                   int      `json:"MaxResults,omitempty"`
	NextToken                    string   `json:"NextToken,omitempty"`
	DryRun                       bool     `json:"DryRun,omitempty"`
}

// DescribeEgressOnlyInternetGatewaysOutput lists them.
type DescribeEgressOnlyInternetGatewaysOutput struct {
	EgressOnlyInternetGateways []EgressOnlyInternetGateway `json:"EgressOnlyInternetGateways"`
	NextToken                  string                      `json:"NextToken,omitempty"`
}

// RouteTable is a route table as EC2 shows it.
type RouteTable struct {
	RouteTableId    string                  `json:"RouteTableId"`
	VpcId           string                  `json:"VpcId"`
	Routes          []Route                 `json:"Routes"`
	Associations    []RouteTableAssociation `json:"Associations"`
	PropagatingVgws []PropagatingVgw        `json:"PropagatingVgws"`
	OwnerId         string                  `json:"OwnerId"`
	Tags            []Tag                   `json:"Tags,omitempty"`
}

// PropagatingVgw is a virtual private gateway propagating routes (none in ec2x).
type PropagatingVgw struct {
	GatewayId string `json:"GatewayId"`
}

// Route is one route of a table.
type Route struct {
	DestinationCidrBlock        string `json:"DestinationCidrBlock,omitempty"`
	DestinationIpv6CidrBlock    string `json:"DestinationIpv6CidrBlock,omitempty"`
	GatewayId                   string `json:"GatewayId,omitempty"`
	EgressOnlyInternetGatewayId string `json:"EgressOnlyInternetGatewayId,omitempty"`
	InstanceId                  string `json:"InstanceId,omitempty"`
	InstanceOwnerId             string `json:"InstanceOwnerId,omitempty"`
	NetworkInterfaceId          string `json:"NetworkInterfaceId,omitempty"`
	Origin                      string `json:"Origin"`
	State                       string `json:"State"`
}

// RouteTableAssociation ties a table to a subnet, a gateway, or the VPC (main).
type RouteTableAssociation struct {
	RouteTableAssociationId string                     `json:"RouteTableAssociationId"`
	RouteTableId            string                     `json:"RouteTableId"`
	SubnetId                string                     `json:"SubnetId,omitempty"`
	GatewayId               string                     `json:"GatewayId,omitempty"`
	Main                    bool                       `json:"Main"`
	AssociationState        RouteTableAssociationState `json:"AssociationState"`
}

// RouteTableAssociationState is an association's state.
type RouteTableAssociationState struct {
	State         string `json:"State"`
	StatusMessage string `json:"StatusMessage,omitempty"`
}

// CreateRouteTableInput makes a table in a VPC.
type CreateRouteTableInput struct {
	VpcId             string             `json:"VpcId"`
	ClientToken       string             `json:"ClientToken,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateRouteTableOutput is the table made.
type CreateRouteTableOutput struct {
	ClientToken string      `json:"ClientToken,omitempty"`
	RouteTable  *RouteTable `json:"RouteTable"`
}

// RouteTableIdInput names a table (DeleteRouteTable).
type RouteTableIdInput struct {
	RouteTableId string `json:"RouteTableId"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// DescribeRouteTablesInput selects tables.
type DescribeRouteTablesInput struct {
	RouteTableIds []string `json:"RouteTableIds,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
	MaxResults    int      `json:"MaxResults,omitempty"`
	NextToken     string   `json:"NextToken,omitempty"`
	DryRun        bool     `json:"DryRun,omitempty"`
}

// DescribeRouteTablesOutput lists tables.
type DescribeRouteTablesOutput struct {
	RouteTables []RouteTable `json:"RouteTables"`
	NextToken   string       `json:"NextToken,omitempty"`
}

// AssociateRouteTableInput ties a table to a subnet or a gateway.
type AssociateRouteTableInput struct {
	RouteTableId   string `json:"RouteTableId"`
	SubnetId       string `json:"SubnetId,omitempty"`
	GatewayId      string `json:"GatewayId,omitempty"`
	PublicIpv4Pool string `json:"PublicIpv4Pool,omitempty"`
	DryRun         bool   `json:"DryRun,omitempty"`
}

// AssociateRouteTableOutput is the association made.
type AssociateRouteTableOutput struct {
	AssociationId    string                      `json:"AssociationId"`
	AssociationState *RouteTableAssociationState `json:"AssociationState"`
}

// AssociationIdDryRunInput names an association (DisassociateRouteTable).
type AssociationIdDryRunInput struct {
	AssociationId string `json:"AssociationId"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// ReplaceRouteTableAssociationInput moves an association to another table.
type ReplaceRouteTableAssociationInput struct {
	AssociationId string `json:"AssociationId"`
	RouteTableId  string `json:"RouteTableId"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// ReplaceRouteTableAssociationOutput is the new association.
type ReplaceRouteTableAssociationOutput struct {
	NewAssociationId string                      `json:"NewAssociationId"`
	AssociationState *RouteTableAssociationState `json:"AssociationState"`
}

// RouteInput is CreateRoute's and ReplaceRoute's request (DeleteRoute
// uses the table and destination).
type RouteInput struct {
	RouteTableId                string `json:"RouteTableId"`
	DestinationCidrBlock        string `json:"DestinationCidrBlock,omitempty"`
	DestinationIpv6CidrBlock    string `json:"DestinationIpv6CidrBlock,omitempty"`
	DestinationPrefixListId     string `json:"DestinationPrefixListId,omitempty"`
	GatewayId                   string `json:"GatewayId,omitempty"`
	EgressOnlyInternetGatewayId string `json:"EgressOnlyInternetGatewayId,omitempty"`
	InstanceId                  string `json:"InstanceId,omitempty"`
	NetworkInterfaceId          string `json:"NetworkInterfaceId,omitempty"`
	NatGatewayId                string `json:"NatGatewayId,omitempty"`
	TransitGatewayId            string `json:"TransitGatewayId,omitempty"`
	VpcPeeringConnectionId      string `json:"VpcPeeringConnectionId,omitempty"`
	VpcEndpointId               string `json:"VpcEndpointId,omitempty"`
	CarrierGatewayId            string `json:"CarrierGatewayId,omitempty"`
	LocalGatewayId              string `json:"LocalGatewayId,omitempty"`
	CoreNetworkArn              string `json:"CoreNetworkArn,omitempty"`
	OdbNetworkArn               string `json:"OdbNetworkArn,omitempty"`
	LocalTarget                 bool   `json:"LocalTarget,omitempty"`
	DryRun                      bool   `json:"DryRun,omitempty"`
}

// ReturnOutput is an answer of one flag named Return.
type ReturnOutput struct {
	Return bool `json:"Return"`
}

// DeleteRouteInput names a route by its table and destination.
type DeleteRouteInput struct {
	RouteTableId             string `json:"RouteTableId"`
	DestinationCidrBlock     string `json:"DestinationCidrBlock,omitempty"`
	DestinationIpv6CidrBlock string `json:"DestinationIpv6CidrBlock,omitempty"`
	DestinationPrefixListId  string `json:"DestinationPrefixListId,omitempty"`
	DryRun                   bool   `json:"DryRun,omitempty"`
}
