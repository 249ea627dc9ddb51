package ec2

// TagDescription is one tag of one resource, as DescribeTags lists it.
type TagDescription struct {
	ResourceId   string `json:"ResourceId"`
	ResourceType string `json:"ResourceType"`
	Key          string `json:"Key"`
	Value        string `json:"Value"`
}

// DescribeTagsInput is EC2's DescribeTags request.
type DescribeTagsInput struct {
	Filters    []Filter `json:"Filters,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
}

// DescribeTagsOutput lists tags.
type DescribeTagsOutput struct {
	Tags      []TagDescription `json:"Tags"`
	NextToken string           `json:"NextToken,omitempty"`
}
