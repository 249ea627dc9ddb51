package ec2

// ManagedPrefixList is a prefix list as DescribeManagedPrefixLists shows it.
type ManagedPrefixList struct {
	PrefixListId   string `json:"PrefixListId"`
	PrefixListName string `json:"PrefixListName"`
	PrefixListArn  string `json:"PrefixListArn"`
	AddressFamily  string `json:"AddressFamily"`
	MaxEntries     int    `json:"MaxEntries,omitempty"`
	OwnerId        string `json:"OwnerId"`
	State          string `json:"State"`
	Version        int64  `json:"Version,omitempty"`
	Tags           []Tag  `json:"Tags"`
}

// PrefixList is an AWS service's prefix list as DescribePrefixLists shows it.
type PrefixList struct {
	PrefixListId   string   `json:"PrefixListId"`
	PrefixListName string   `json:"PrefixListName"`
	Cidrs          []string `json:"Cidrs"`
}

// PrefixListEntry is one CIDR of a prefix list.
type PrefixListEntry struct {
	Cidr        string `json:"Cidr"`
	Description string `json:"Description,omitempty"`
}

// CreateManagedPrefixListInput is EC2's CreateManagedPrefixList request.
type CreateManagedPrefixListInput struct {
	PrefixListName    string             `json:"PrefixListName"`
	AddressFamily     string             `json:"AddressFamily"`
	MaxEntries        int                `json:"MaxEntries"`
	Entries           []PrefixListEntry  `json:"Entries,omitempty"`
	TagSpecifications []TagSpecification `json:"TagSpecifications,omitempty"`
	ClientToken       string             `json:"ClientToken,omitempty"`
	DryRun            bool               `json:"DryRun,omitempty"`
}

// PrefixListOutput answers the actions that change one prefix list.
type PrefixListOutput struct {
	PrefixList ManagedPrefixList `json:"PrefixList"`
}

// RemovePrefixListEntry names an entry to remove.
type RemovePrefixListEntry struct {
	Cidr string `json:"Cidr"`
}

// ModifyManagedPrefixListInput is EC2's ModifyManagedPrefixList request.
type ModifyManagedPrefixListInput struct {
	PrefixListId   string                  `json:"PrefixListId"`
	CurrentVersion *int64                  `json:"CurrentVersion,omitempty"`
	PrefixListName string                  `json:"PrefixListName,omitempty"`
	AddEntries     []PrefixListEntry       `json:"AddEntries,omitempty"`
	RemoveEntries  []RemovePrefixListEntry `json:"RemoveEntries,omitempty"`
	MaxEntries     int                     `json:"MaxEntries,omitempty"`
	DryRun         bool                    `json:"DryRun,omitempty"`
}

// PrefixListIdInput names one prefix list (DeleteManagedPrefixList).
type PrefixListIdInput struct {
	PrefixListId string `json:"PrefixListId"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// DescribePrefixListsInput is the request of DescribeManagedPrefixLists
// and DescribePrefixLists.
type DescribePrefixListsInput struct {
	PrefixListIds []string `json:"PrefixListIds,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
	MaxResults    int      `json:"MaxResults,omitempty"`
	NextToken     string   `json:"NextToken,omitempty"`
	DryRun        bool     `json:"DryRun,omitempty"`
}

// DescribeManagedPrefixListsOutput lists prefix lists.
type DescribeManagedPrefixListsOutput struct {
	PrefixLists []ManagedPrefixList `json:"PrefixLists"`
	NextToken   string              `json:"NextToken,omitempty"`
}

// DescribePrefixListsOutput lists AWS services' prefix lists.
type DescribePrefixListsOutput struct {
	PrefixLists []PrefixList `json:"PrefixLists"`
	NextToken   string       `json:"NextToken,omitempty"`
}

// GetManagedPrefixListEntriesInput is EC2's GetManagedPrefixListEntries request.
type GetManagedPrefixListEntriesInput struct {
	PrefixListId  string `json:"PrefixListId"`
	TargetVersion *int64 `json:"TargetVersion,omitempty"`
	MaxResults    int    `json:"MaxResults,omitempty"`
	NextToken     string `json:"NextToken,omitempty"`
	DryRun        bool   `json:"DryRun,omitempty"`
}

// GetManagedPrefixListEntriesOutput lists a version's entries.
type GetManagedPrefixListEntriesOutput struct {
	Entries   []PrefixListEntry `json:"Entries"`
	NextToken string            `json:"NextToken,omitempty"`
}

// GetManagedPrefixListAssociationsInput is EC2's
// GetManagedPrefixListAssociations request.
type GetManagedPrefixListAssociationsInput struct {
	PrefixListId string `json:"PrefixListId"`
	MaxResults   int    `json:"MaxResults,omitempty"`
	NextToken    string `json:"NextToken,omitempty"`
	DryRun       bool   `json:"DryRun,omitempty"`
}

// PrefixListAssociation is a resource that references a prefix list.
type PrefixListAssociation struct {
	ResourceId    string `json:"ResourceId"`
	ResourceOwner string `json:"ResourceOwner"`
}

// GetManagedPrefixListAssociationsOutput lists what references a list.
type GetManagedPrefixListAssociationsOutput struct {
	PrefixListAssociations []PrefixListAssociation `json:"PrefixListAssociations"`
	NextToken              string                  `json:"NextToken,omitempty"`
}

// RestoreManagedPrefixListVersionInput is EC2's
// RestoreManagedPrefixListVersion request.
type RestoreManagedPrefixListVersionInput struct {
	PrefixListId    string `json:"PrefixListId"`
	PreviousVersion int64  `json:"PreviousVersion"`
	CurrentVersion  int64  `json:"CurrentVersion"`
	DryRun          bool   `json:"DryRun,omitempty"`
}
