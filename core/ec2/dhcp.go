package ec2

// DhcpOptions is a DHCP options set as EC2 shows it.
type DhcpOptions struct {
	DhcpOptionsId      string              `json:"DhcpOptionsId"`
	DhcpConfigurations []DhcpConfiguration `json:"DhcpConfigurations"`
	OwnerId            string              `json:"OwnerId"`
	Tags               []Tag               `json:"Tags,omitempty"`
}

// DhcpConfiguration is one option and its values.
type DhcpConfiguration struct {
	Key    string           `json:"Key"`
	Values []AttributeValue `json:"Values"`
}

// NewDhcpConfiguration is one option as CreateDhcpOptions takes it.
type NewDhcpConfiguration struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

// CreateDhcpOptionsInput makes a DHCP options set.
type CreateDhcpOptionsInput struct {
	DhcpConfigurations []NewDhcpConfiguration `json:"DhcpConfigurations"`
	TagSpecifications  []TagSpecification     `json:"TagSpecifications,omitempty"`
	DryRun             bool                   `json:"DryRun,omitempty"`
}

// CreateDhcpOptionsOutput is the set made.
type CreateDhcpOptionsOutput struct {
	DhcpOptions *DhcpOptions `json:"DhcpOptions"`
}

// AssociateDhcpOptionsInput gives a VPC a set ("default": none).
type AssociateDhcpOptionsInput struct {
	DhcpOptionsId string `json:"DhcpOptionsId"`
	VpcId         string `json:"VpcId"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// DhcpOptionsIdInput names a set (DeleteDhcpOptions).
type DhcpOptionsIdInput struct {
	DhcpOptionsId string `json:"DhcpOptionsId"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// DescribeDhcpOptionsInput selects sets.
type DescribeDhcpOptionsInput struct {
	DhcpOptionsIds []string `json:"DhcpOptionsIds,omitempty"`
	Filters        []Filter `json:"Filters,omitempty"`
	MaxResults     int      `json:"MaxResults,omitempty"`
	NextToken      string   `json:"NextToken,omitempty"`
	DryRun         bool     `json:"DryRun,omitempty"`
}

// DescribeDhcpOptionsOutput lists sets.
type DescribeDhcpOptionsOutput struct {
	DhcpOptions []DhcpOptions `json:"DhcpOptions"`
	NextToken   string        `json:"NextToken,omitempty"`
}
