package ec2

// NetworkAcl is a network ACL as EC2 shows it.
type NetworkAcl struct {
	NetworkAclId string                  `json:"NetworkAclId"`
	VpcId        string                  `json:"VpcId"`
	IsDefault    bool                    `json:"IsDefault"`
	Entries      []NetworkAclEntry       `json:"Entries"`
	Associations []NetworkAclAssociation `json:"Associations"`
	OwnerId      string                  `json:"OwnerId"`
	Tags         []Tag                   `json:"Tags,omitempty"`
}

// NetworkAclEntry is one numbered rule of an ACL.
type NetworkAclEntry struct {
	RuleNumber    int           `json:"RuleNumber"`
	Egress        bool          `json:"Egress"`
	Protocol      string        `json:"Protocol"`
	RuleAction    string        `json:"RuleAction"`
	CidrBlock     string        `json:"CidrBlock,omitempty"`
	Ipv6CidrBlock string        `json:"Ipv6CidrBlock,omitempty"`
	PortRange     *PortRange    `json:"PortRange,omitempty"`
	IcmpTypeCode  *IcmpTypeCode `json:"IcmpTypeCode,omitempty"`
}

// PortRange is a rule's ports.
type PortRange struct {
	From *int `json:"From,omitempty"`
	To   *int `json:"To,omitempty"`
}

// IcmpTypeCode is a rule's ICMP type and code (-1: all).
type IcmpTypeCode struct {
	Type *int `json:"Type,omitempty"`
	Code *int `json:"Code,omitempty"`
}

// NetworkAclAssociation ties an ACL to a subnet.
type NetworkAclAssociation struct {
	NetworkAclAssociationId string `json:"NetworkAclAssociationId"`
	NetworkAclId            string `json:"NetworkAclId"`
	SubnetId                string `json:"SubnetId"`
}

// CreateNetworkAclInput makes an ACL in a VPC.
type CreateNetworkAclInput struct {
	VpcId             string             `json:"VpcId"`
	ClientToken       string             `json:"ClientToken,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// CreateNetworkAclOutput is the ACL made.
type CreateNetworkAclOutput struct {
	ClientToken string      `json:"ClientToken,omitempty"`
	NetworkAcl  *NetworkAcl `json:"NetworkAcl"`
}

// NetworkAclIdInput names an ACL (DeleteNetworkAcl).
type NetworkAclIdInput struct {
	NetworkAclId string `json:"NetworkAclId"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// DescribeNetworkAclsInput selects ACLs.
type DescribeNetworkAclsInput struct {
	NetworkAclIds []string `json:"NetworkAclIds,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
	MaxResults    int      `json:"MaxResults,omitempty"`
	NextToken     string   `json:"NextToken,omitempty"`
	DryRun        bool     `json:"DryRun,omitempty"`
}

// DescribeNetworkAclsOutput lists ACLs.
type DescribeNetworkAclsOutput struct {
	NetworkAcls []NetworkAcl `json:"NetworkAcls"`
	NextToken   string       `json:"NextToken,omitempty"`
}

// NetworkAclEntryInput is Create/ReplaceNetworkAclEntry's request.
type NetworkAclEntryInput struct {
	NetworkAclId  string        `json:"NetworkAclId"`
	RuleNumber    *int          `json:"RuleNumber,omitempty"`
	Egress        *bool         `json:"Egress,omitempty"`
	Protocol      string        `json:"Protocol"`
	RuleAction    string        `json:"RuleAction"`
	CidrBlock     string        `json:"CidrBlock,omitempty"`
	Ipv6CidrBlock string        `json:"Ipv6CidrBlock,omitempty"`
	PortRange     *PortRange    `json:"PortRange,omitempty"`
	IcmpTypeCode  *IcmpTypeCode `json:"IcmpTypeCode,omitempty"`
	DryRun        bool          `json:"DryRun,omitempty"`
}

// DeleteNetworkAclEntryInput names a rule.
type DeleteNetworkAclEntryInput struct {
	NetworkAclId string `json:"NetworkAclId"`
	RuleNumber   *int   `json:"RuleNumber,omitempty"`
	Egress       *bool  `json:"Egress,omitempty"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// ReplaceNetworkAclAssociationInput moves a subnet to another ACL.
type ReplaceNetworkAclAssociationInput struct {
	AssociationId string `json:"AssociationId"`
	NetworkAclId  string `json:"NetworkAclId"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// ReplaceNetworkAclAssociationOutput is the new association.
type ReplaceNetworkAclAssociationOutput struct {
	NewAssociationId string `json:"NewAssociationId"`
}
