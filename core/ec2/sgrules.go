package ec2

// SecurityGroupRule is one rule of a group as EC2 shows it by ID: one
// source (a CIDR, an IPv6 CIDR, a prefix list or a group) of one
// protocol and port range, in or out.
type SecurityGroupRule struct {
	SecurityGroupRuleId  string                   `json:"SecurityGroupRuleId"`
	SecurityGroupRuleArn string                   `json:"SecurityGroupRuleArn,omitempty"`
	GroupId              string                   `json:"GroupId"`
	GroupOwnerId         string                   `json:"GroupOwnerId"`
	IsEgress             bool                     `json:"IsEgress"`
	IpProtocol           string                   `json:"IpProtocol"`
	FromPort             int                      `json:"FromPort"`
	ToPort               int                      `json:"ToPort"`
	CidrIpv4             string                   `json:"CidrIpv4,omitempty"`
	CidrIpv6             string                   `json:"CidrIpv6,omitempty"`
	PrefixListId         string                   `json:"PrefixListId,omitempty"`
	ReferencedGroupInfo  *ReferencedSecurityGroup `json:"ReferencedGroupInfo,omitempty"`
	Description          string                   `json:"Description,omitempty"`
	Tags                 []Tag                    `json:"Tags"`
}

// ReferencedSecurityGroup is the group a rule admits.
type ReferencedSecurityGroup struct {
	GroupId string `json:"GroupId"`
	UserId  string `json:"UserId,omitempty"`
	VpcId   string `json:"VpcId,omitempty"`
}

// AuthorizeSecurityGroupOutput is Authorize*'s answer: the rules added.
type AuthorizeSecurityGroupOutput struct {
	Return             bool                `json:"Return"`
	SecurityGroupRules []SecurityGroupRule `json:"SecurityGroupRules"`
}

// RevokedSecurityGroupRule is a rule Revoke* removed.
type RevokedSecurityGroupRule struct {
	SecurityGroupRuleId string `json:"SecurityGroupRuleId"`
	GroupId             string `json:"GroupId"`
	IsEgress            bool   `json:"IsEgress"`
	IpProtocol          string `json:"IpProtocol"`
	FromPort            int    `json:"FromPort"`
	ToPort              int    `json:"ToPort"`
	CidrIpv4            string `json:"CidrIpv4,omitempty"`
	CidrIpv6            string `json:"CidrIpv6,omitempty"`
	PrefixListId        string `json:"PrefixListId,omitempty"`
	ReferencedGroupId   string `json:"ReferencedGroupId,omitempty"`
	Description         string `json:"Description,omitempty"`
}

// RevokeSecurityGroupOutput is Revoke*'s answer: the rules removed.
type RevokeSecurityGroupOutput struct {
	Return                    bool                       `json:"Return"`
	RevokedSecurityGroupRules []RevokedSecurityGroupRule `json:"RevokedSecurityGroupRules"`
}

// DescribeSecurityGroupRulesInput is EC2's DescribeSecurityGroupRules request.
type DescribeSecurityGroupRulesInput struct {
	SecurityGroupRuleIds []string `json:"SecurityGroupRuleIds,omitempty"`
	Filters              []Filter `json:"Filters,omitempty"`
	MaxResults           int      `json:"MaxResults,omitempty"`
	NextToken            string   `json:"NextToken,omitempty"`
	DryRun               bool     `json:"DryRun,omitempty"`
}

// DescribeSecurityGroupRulesOutput lists rules.
type DescribeSecurityGroupRulesOutput struct {
	SecurityGroupRules []SecurityGroupRule `json:"SecurityGroupRules"`
	NextToken          string              `json:"NextToken,omitempty"`
}

// SecurityGroupRuleRequest is a rule as ModifySecurityGroupRules sets it.
type SecurityGroupRuleRequest struct {
	IpProtocol        string `json:"IpProtocol"`
	FromPort          *int   `json:"FromPort,omitempty"`
	ToPort            *int   `json:"ToPort,omitempty"`
	CidrIpv4          string `json:"CidrIpv4,omitempty"`
	CidrIpv6          string `json:"CidrIpv6,omitempty"`
	PrefixListId      string `json:"PrefixListId,omitempty"`
	ReferencedGroupId string `json:"ReferencedGroupId,omitempty"`
	Description       string `json:"Description,omitempty"`
}

// SecurityGroupRuleUpdate replaces the rule of an ID.
type SecurityGroupRuleUpdate struct {
	SecurityGroupRuleId string                    `json:"SecurityGroupRuleId"`
	SecurityGroupRule   *SecurityGroupRuleRequest `json:"SecurityGroupRule,omitempty"`
}

// ModifySecurityGroupRulesInput is EC2's ModifySecurityGroupRules request.
type ModifySecurityGroupRulesInput struct {
	GroupId            string                    `json:"GroupId"`
	SecurityGroupRules []SecurityGroupRuleUpdate `json:"SecurityGroupRules"`
	DryRun             bool                      `json:"DryRun,omitempty"`
}

// SecurityGroupRuleDescription is a new description for the rule of an ID.
type SecurityGroupRuleDescription struct {
	SecurityGroupRuleId string `json:"SecurityGroupRuleId"`
	Description         string `json:"Description"`
}

// UpdateSecurityGroupRuleDescriptionsInput is the request of
// UpdateSecurityGroupRuleDescriptionsIngress and -Egress.
type UpdateSecurityGroupRuleDescriptionsInput struct {
	GroupId                       string                         `json:"GroupId,omitempty"`
	GroupName                     string                         `json:"GroupName,omitempty"`
	IpPermissions                 []IpPermission                 `json:"IpPermissions,omitempty"`
	SecurityGroupRuleDescriptions []SecurityGroupRuleDescription `json:"SecurityGroupRuleDescriptions,omitempty"`
	DryRun                        bool                           `json:"DryRun,omitempty"`
}

// DescribeSecurityGroupReferencesInput names the groups whose references
// from other VPCs are asked for.
type DescribeSecurityGroupReferencesInput struct {
	GroupId []string `json:"GroupId"`
	DryRun  bool     `json:"DryRun,omitempty"`
}

// SecurityGroupReference is a VPC whose group references a group.
type SecurityGroupReference struct {
	GroupId          string `json:"GroupId"`
	ReferencingVpcId string `json:"ReferencingVpcId"`
}

// DescribeSecurityGroupReferencesOutput lists references.
type DescribeSecurityGroupReferencesOutput struct {
	SecurityGroupReferenceSet []SecurityGroupReference `json:"SecurityGroupReferenceSet"`
}

// GetSecurityGroupsForVpcInput is EC2's GetSecurityGroupsForVpc request.
type GetSecurityGroupsForVpcInput struct {
	VpcId      string   `json:"VpcId"`
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// DescribeStaleSecurityGroupsInput is EC2's DescribeStaleSecurityGroups request.
type DescribeStaleSecurityGroupsInput struct {
	VpcId      string `json:"VpcId"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
	DryRun     bool   `json:"DryRun,omitempty"`
}

// StaleSecurityGroup is a group with rules naming what is gone.
type StaleSecurityGroup struct {
	GroupId     string `json:"GroupId"`
	GroupName   string `json:"GroupName"`
	Description string `json:"Description"`
	VpcId       string `json:"VpcId"`
}

// DescribeStaleSecurityGroupsOutput lists stale groups.
type DescribeStaleSecurityGroupsOutput struct {
	StaleSecurityGroupSet []StaleSecurityGroup `json:"StaleSecurityGroupSet"`
	NextToken             string               `json:"NextToken,omitempty"`
}

// SecurityGroupForVpc is a group usable in a VPC.
type SecurityGroupForVpc struct {
	GroupId      string `json:"GroupId"`
	GroupName    string `json:"GroupName"`
	Description  string `json:"Description"`
	OwnerId      string `json:"OwnerId"`
	PrimaryVpcId string `json:"PrimaryVpcId"`
	Tags         []Tag  `json:"Tags"`
}

// GetSecurityGroupsForVpcOutput lists the groups usable in a VPC.
type GetSecurityGroupsForVpcOutput struct {
	SecurityGroupForVpcs []SecurityGroupForVpc `json:"SecurityGroupForVpcs"`
	NextToken            string                `json:"NextToken,omitempty"`
}

// SecurityGroupVpcInput names a group and a VPC to associate or dissociate.
type SecurityGroupVpcInput struct {
	GroupId string `json:"GroupId"`
	VpcId   string `json:"VpcId"`
	DryRun  bool   `json:"DryRun,omitempty"`
}

// SecurityGroupVpcOutput is the association's state after the change.
type SecurityGroupVpcOutput struct {
	State string `json:"State"`
}

// DescribeSecurityGroupVpcAssociationsInput is EC2's
// DescribeSecurityGroupVpcAssociations request.
type DescribeSecurityGroupVpcAssociationsInput struct {
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
	DryRun     bool     `json:"DryRun,omitempty"`
}

// SecurityGroupVpcAssociation is a group associated with another VPC.
type SecurityGroupVpcAssociation struct {
	GroupId      string `json:"GroupId"`
	GroupOwnerId string `json:"GroupOwnerId"`
	VpcId        string `json:"VpcId"`
	VpcOwnerId   string `json:"VpcOwnerId"`
	State        string `json:"State"`
}

// DescribeSecurityGroupVpcAssociationsOutput lists associations.
type DescribeSecurityGroupVpcAssociationsOutput struct {
	SecurityGroupVpcAssociations []SecurityGroupVpcAssociation `json:"SecurityGroupVpcAssociations"`
	NextToken                    string                        `json:"NextToken,omitempty"`
}

// ValidateSecurityGroupQuotasForInterfaceInput names the groups an
// interface would have.
type ValidateSecurityGroupQuotasForInterfaceInput struct {
	SecurityGroupIds []string `json:"SecurityGroupIds"`
	DryRun           bool     `json:"DryRun,omitempty"`
}

// ValidateSecurityGroupQuotasForInterfaceOutput says whether they fit.
type ValidateSecurityGroupQuotasForInterfaceOutput struct {
	Valid bool `json:"Valid"`
}
