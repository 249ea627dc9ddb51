package ec2

import "time"

// BillInput asks what was spent in a region (an ec2x action).
type BillInput struct {
	Since time.Time `json:"Since,omitzero"` // default: 30 days before Until
	Until time.Time `json:"Until,omitzero"` // default: now
	By    string    `json:"By,omitempty"`   // instance (default), type or option
}

// Line is one line of a bill.
type Line struct {
	Key      string  `json:"Key"`
	Kind     string  `json:"Kind"`
	Quantity float64 `json:"Quantity"`
	Unit     string  `json:"Unit"`
	Amount   float64 `json:"Amount"`
}

// Bill is what was spent between Since and Until.
type Bill struct {
	Since time.Time `json:"Since"`
	Until time.Time `json:"Until"`
	Total float64   `json:"Total"`
	Lines []Line    `json:"Lines"`
}

// By groups lines.
const (
	ByInstance = "instance"
	ByType     = "type"
	ByOption   = "option"
)

// Scenario is the fleet priced one way over the hours asked.
type Scenario struct {
	Name           string  `json:"Name"`
	Cost           float64 `json:"Cost"`
	Savings        float64 `json:"Savings"`
	SavingsPercent float64 `json:"SavingsPercent"`
	Note           string  `json:"Note,omitempty"`
}

// Advice is one line of the recommended mix.
type Advice struct {
	InstanceType string  `json:"InstanceType"`
	Count        int     `json:"Count"`
	Option       string  `json:"Option"`
	Hourly       float64 `json:"Hourly"`
	Cost         float64 `json:"Cost"`
	Why          string  `json:"Why"`
}

// Comparison prices the fleet all on-demand, all spot, all reserved and as
// the recommended mix.
type Comparison struct {
	Hours          float64    `json:"Hours"`
	Lookback       string     `json:"Lookback"`
	Instances      int        `json:"Instances"`
	Scenarios      []Scenario `json:"Scenarios"`
	Recommendation []Advice   `json:"Recommendation"`
	// Storage is what the region's EBS volumes and snapshots cost over
	// Hours, by type: the same whatever the instances are bought as.
	Storage     []StorageCost `json:"Storage"`
	StorageCost float64       `json:"StorageCost"`
}

// StorageCost is the volumes (or snapshots) of one type over a comparison's hours.
type StorageCost struct {
	Type  string  `json:"Type"` // gp3, io2, ..., snapshot, snapshot-archive
	Count int     `json:"Count"`
	GiB   int     `json:"GiB"`
	Cost  float64 `json:"Cost"`
}

// TagInterruptible marks an on-demand instance whose work can take spot
// interruptions, so cost compare may put it on spot.
const TagInterruptible = "ec2x:interruptible"

// CostCompareInput asks what the running fleet would cost over Hours as
// each purchase option, and which mix is cheapest (an ec2x action).
type CostCompareInput struct {
	Hours float64 `json:"Hours,omitempty"` // default 730, a month
	// Lookback is how far back load must have run without a break to count
	// as steady (Go duration; default 168h).
	Lookback string `json:"Lookback,omitempty"`
}
