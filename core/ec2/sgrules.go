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
