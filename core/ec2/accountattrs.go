package ec2

// Account attributes and Elastic IP attributes (PTR records).

// DescribeAccountAttributesInput is EC2's DescribeAccountAttributes
// request; no AttributeNames means all.
type DescribeAccountAttributesInput struct {
	AttributeNames []string `json:"AttributeNames,omitempty"`
	DryRun         bool     `json:"DryRun,omitempty"`
}

// AccountAttributeValue is one value of an account attribute.
type AccountAttributeValue struct {
	AttributeValue string `json:"AttributeValue"`
}

// AccountAttribute is an attribute of the account with its values.
type AccountAttribute struct {
	AttributeName   string                  `json:"AttributeName"`
	AttributeValues []AccountAttributeValue `json:"AttributeValues"`
}

// DescribeAccountAttributesOutput lists the attributes asked for.
type DescribeAccountAttributesOutput struct {
	AccountAttributes []AccountAttribute `json:"AccountAttributes"`
}

// PtrUpdateStatus is a PTR record change on its way.
type PtrUpdateStatus struct {
	Reason string `json:"Reason,omitempty"`
	Status string `json:"Status"`
	Value  string `json:"Value"`
}

// AddressAttribute is an Elastic IP's PTR record.
type AddressAttribute struct {
	AllocationId    string           `json:"AllocationId"`
	PublicIp        string           `json:"PublicIp"`
	PtrRecord       string           `json:"PtrRecord,omitempty"`
	PtrRecordUpdate *PtrUpdateStatus `json:"PtrRecordUpdate,omitempty"`
}

// DescribeAddressesAttributeInput is EC2's DescribeAddressesAttribute
// request (Attribute: domain-name).
type DescribeAddressesAttributeInput struct {
	AllocationIds []string `json:"AllocationIds,omitempty"`
	Attribute     string   `json:"Attribute,omitempty"`
	MaxResults    int      `json:"MaxResults,omitempty"`
	NextToken     string   `json:"NextToken,omitempty"`
	DryRun        bool     `json:"DryRun,omitempty"`
}

// DescribeAddressesAttributeOutput lists addresses' PTR records.
type DescribeAddressesAttributeOutput struct {
	Addresses []AddressAttribute `json:"Addresses"`
	NextToken string             `json:"NextToken,omitempty"`
}

// ModifyAddressAttributeInput sets an Elastic IP's PTR record.
type ModifyAddressAttributeInput struct {
	AllocationId string `json:"AllocationId"`
	DomainName   string `json:"DomainName,omitempty"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// ResetAddressAttributeInput removes an Elastic IP's PTR record.
type ResetAddressAttributeInput struct {
	AllocationId string `json:"AllocationId"`
	Attribute    string `json:"Attribute"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// AddressAttributeOutput answers Modify and ResetAddressAttribute.
type AddressAttributeOutput struct {
	Address *AddressAttribute `json:"Address"`
}

// ModifyAddressAttributeOutput answers ModifyAddressAttribute.
type ModifyAddressAttributeOutput AddressAttributeOutput

// ResetAddressAttributeOutput answers ResetAddressAttribute.
type ResetAddressAttributeOutput AddressAttributeOutput
