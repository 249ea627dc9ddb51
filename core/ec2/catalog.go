package ec2

// DescribeRegionsInput selects regions by name and filters; without
// AllRegions, regions the account has not opted into are left out.
type DescribeRegionsInput struct {
	RegionNames []string `json:"RegionNames,omitempty"`
	Filters     []Filter `json:"Filters,omitempty"`
	AllRegions  bool     `json:"AllRegions,omitempty"`
}

// DescribeAvailabilityZonesInput selects zones by name, ID and filters.
type DescribeAvailabilityZonesInput struct {
	ZoneNames            []string `json:"ZoneNames,omitempty"`
	ZoneIds              []string `json:"ZoneIds,omitempty"`
	Filters              []Filter `json:"Filters,omitempty"`
	AllAvailabilityZones bool     `json:"AllAvailabilityZones,omitempty"`
}

// ModifyAvailabilityZoneGroupInput opts the account into a Local Zone or
// Wavelength Zone group of the region.
type ModifyAvailabilityZoneGroupInput struct {
	GroupName   string `json:"GroupName"`
	OptInStatus string `json:"OptInStatus"`
	DryRun      bool   `json:"DryRun,omitempty"`
}

// ModifyAvailabilityZoneGroupOutput is its answer.
type ModifyAvailabilityZoneGroupOutput struct {
	Return bool `json:"Return"`
}

// ResetAvailabilityZoneGroupInput (ec2x's own) opts the account out of a
// zone group: what EC2 leaves to AWS Support.
type ResetAvailabilityZoneGroupInput struct {
	GroupName string `json:"GroupName"`
}

// ResetAvailabilityZoneGroupOutput is its answer.
type ResetAvailabilityZoneGroupOutput struct {
	Return bool `json:"Return"`
}

// EnableRegionInput (ec2x's own, after the Account API's EnableRegion
// and DisableRegion) names a region that needs opting into.
type EnableRegionInput struct {
	RegionName string `json:"RegionName"`
}

// EnableRegionOutput is its answer.
type EnableRegionOutput struct {
	Return bool `json:"Return"`
}

// DescribeRegionsOutput lists regions.
type DescribeRegionsOutput struct {
	Regions []Region `json:"Regions"`
}

// DescribeAvailabilityZonesOutput lists zones.
type DescribeAvailabilityZonesOutput struct {
	AvailabilityZones []AvailabilityZone `json:"AvailabilityZones"`
}

// DescribeInstanceTypesInput selects types by name and filters, a page at
// a time. Only the types the region offers are described: EC2's
// IncludeUnsupportedInRegion adds the others (SupportedInRegion false).
type DescribeInstanceTypesInput struct {
	InstanceTypes              []string `json:"InstanceTypes,omitempty"`
	Filters                    []Filter `json:"Filters,omitempty"`
	MaxResults                 int      `json:"MaxResults,omitempty"`
	NextToken                  string   `json:"NextToken,omitempty"`
	IncludeUnsupportedInRegion bool     `json:"IncludeUnsupportedInRegion,omitempty"`
}

// DescribeInstanceTypesOutput lists instance types.
type DescribeInstanceTypesOutput struct {
	InstanceTypes []InstanceTypeInfo `json:"InstanceTypes"`
	NextToken     string             `json:"NextToken,omitempty"`
}

// DescribeInstanceTypeOfferingsInput asks which types a region, its zones
// or its zone IDs (LocationType) offer.
type DescribeInstanceTypeOfferingsInput struct {
	LocationType string   `json:"LocationType,omitempty"`
	Filters      []Filter `json:"Filters,omitempty"`
	MaxResults   int      `json:"MaxResults,omitempty"`
	NextToken    string   `json:"NextToken,omitempty"`
}

// DescribeInstanceTypeOfferingsOutput lists offerings.
type DescribeInstanceTypeOfferingsOutput struct {
	InstanceTypeOfferings []InstanceTypeOffering `json:"InstanceTypeOfferings"`
	NextToken             string                 `json:"NextToken,omitempty"`
}

// InstanceTypeOffering is one type offered at one location.
type InstanceTypeOffering struct {
	InstanceType string `json:"InstanceType"`
	LocationType string `json:"LocationType"`
	Location     string `json:"Location"`
}

// DescribeImagesInput selects images by ID or name.
type DescribeImagesInput struct {
	ImageIds        []string `json:"ImageIds,omitempty"`
	Owners          []string `json:"Owners,omitempty"`
	ExecutableUsers []string `json:"ExecutableUsers,omitempty"`
	Filters         []Filter `json:"Filters,omitempty"`
	MaxResults      int      `json:"MaxResults,omitempty"`
	NextToken       string   `json:"NextToken,omitempty"`
	// ec2x has no deprecated or disabled images: these change nothing.
	IncludeDeprecated bool `json:"IncludeDeprecated,omitempty" ec2x:"noeffect"`
	IncludeDisabled   bool `json:"IncludeDisabled,omitempty" ec2x:"noeffect"`
}

// DescribeImagesOutput lists images.
type DescribeImagesOutput struct {
	Images    []Image `json:"Images"`
	NextToken string  `json:"NextToken,omitempty"`
}

// GetInstanceTypesFromInstanceRequirementsInput asks which instance types
// of the region have the attributes given, a page at a time.
type GetInstanceTypesFromInstanceRequirementsInput struct {
	ArchitectureTypes    []string                     `json:"ArchitectureTypes,omitempty"`
	VirtualizationTypes  []string                     `json:"VirtualizationTypes,omitempty"`
	InstanceRequirements *InstanceRequirementsRequest `json:"InstanceRequirements,omitempty"`
	MaxResults           int                          `json:"MaxResults,omitempty"`
	NextToken            string                       `json:"NextToken,omitempty"`
	// Context is "Reserved" in EC2's model: accepted, it selects nothing.
	Context string `json:"Context,omitempty" ec2x:"noeffect"`
}

// GetInstanceTypesFromInstanceRequirementsOutput lists the matching types.
type GetInstanceTypesFromInstanceRequirementsOutput struct {
	InstanceTypes []InstanceTypeInfoFromInstanceRequirements `json:"InstanceTypes"`
	NextToken     string                                     `json:"NextToken,omitempty"`
}

// InstanceTypeInfoFromInstanceRequirements is one matching type, by name.
type InstanceTypeInfoFromInstanceRequirements struct {
	InstanceType string `json:"InstanceType"`
}
