package ec2

import (
	"strings"
	"time"
)

// RecurringCharge is a reservation's hourly charge.
type RecurringCharge struct {
	Amount    float64 `json:"Amount"`
	Frequency string  `json:"Frequency"`
}

// ReservedInstancesOffering is an offering as EC2 shows it, with ec2x's
// EffectiveHourly (upfront spread over the term, plus the hourly charge).
type ReservedInstancesOffering struct {
	ReservedInstancesOfferingId string            `json:"ReservedInstancesOfferingId"`
	InstanceType                string            `json:"InstanceType"`
	AvailabilityZone            string            `json:"AvailabilityZone,omitempty"`
	Scope                       string            `json:"Scope"`
	Duration                    int64             `json:"Duration"`
	FixedPrice                  float64           `json:"FixedPrice"`
	UsagePrice                  float64           `json:"UsagePrice"`
	RecurringCharges            []RecurringCharge `json:"RecurringCharges"`
	CurrencyCode                string            `json:"CurrencyCode"`
	InstanceTenancy             string            `json:"InstanceTenancy"`
	OfferingClass               string            `json:"OfferingClass"`
	OfferingType                string            `json:"OfferingType"`
	ProductDescription          string            `json:"ProductDescription"`
	Marketplace                 bool              `json:"Marketplace"`
	EffectiveHourly             string            `json:"EffectiveHourly"`
}

// ReservedInstances is a purchase as DescribeReservedInstances shows it.
type ReservedInstances struct {
	ReservedInstancesId         string            `json:"ReservedInstancesId"`
	ReservedInstancesOfferingId string            `json:"ReservedInstancesOfferingId"`
	InstanceType                string            `json:"InstanceType"`
	AvailabilityZone            string            `json:"AvailabilityZone,omitempty"`
	Scope                       string            `json:"Scope"`
	InstanceCount               int               `json:"InstanceCount"`
	Start                       time.Time         `json:"Start"`
	End                         time.Time         `json:"End"`
	Duration                    int64             `json:"Duration"`
	FixedPrice                  float64           `json:"FixedPrice"`
	UsagePrice                  float64           `json:"UsagePrice"`
	RecurringCharges            []RecurringCharge `json:"RecurringCharges"`
	CurrencyCode                string            `json:"CurrencyCode"`
	OfferingClass               string            `json:"OfferingClass"`
	OfferingType                string            `json:"OfferingType"`
	ProductDescription          string            `json:"ProductDescription"`
	State                       string            `json:"State"`
	EffectiveHourly             string            `json:"EffectiveHourly"`
	Tags                        []Tag             `json:"Tags,omitempty"`
}

// DescribeReservedInstancesOfferingsInput is EC2's request.
type DescribeReservedInstancesOfferingsInput struct {
	ReservedInstancesOfferingIds []string `json:"ReservedInstancesOfferingIds,omitempty"`
	InstanceType                 string   `json:"InstanceType,omitempty"`
	AvailabilityZone             string   `json:"AvailabilityZone,omitempty"`
	OfferingClass                string   `json:"OfferingClass,omitempty"`
	OfferingType                 string   `json:"OfferingType,omitempty"`
	Duration                     int64    `json:"Duration,omitempty"`
	Filters                      []Filter `json:"Filters,omitempty"`
	// MaxResults pages the answer; NextToken continues it.
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeReservedInstancesOfferingsOutput lists offerings.
type DescribeReservedInstancesOfferingsOutput struct {
	ReservedInstancesOfferings []ReservedInstancesOffering `json:"ReservedInstancesOfferings"`
	// NextToken is set when MaxResults cut the answer short.
	NextToken string `json:"NextToken,omitempty"`
}

// PurchaseReservedInstancesOfferingInput is EC2's request.
type PurchaseReservedInstancesOfferingInput struct {
	ReservedInstancesOfferingId string `json:"ReservedInstancesOfferingId"`
	InstanceCount               int    `json:"InstanceCount,omitempty"`
	DryRun                      bool   `json:"DryRun,omitempty"`
}

// PurchaseReservedInstancesOfferingOutput names the reservation.
type PurchaseReservedInstancesOfferingOutput struct {
	ReservedInstancesId string `json:"ReservedInstancesId"`
}

// DescribeReservedInstancesInput is EC2's request.
type DescribeReservedInstancesInput struct {
	ReservedInstancesIds []string `json:"ReservedInstancesIds,omitempty"`
	Filters              []Filter `json:"Filters,omitempty"`
}

// DescribeReservedInstancesOutput lists reservations.
type DescribeReservedInstancesOutput struct {
	ReservedInstances []ReservedInstances `json:"ReservedInstances"`
}

// DescribePricesInput asks for the region's prices (an ec2x action).
type DescribePricesInput struct {
	InstanceTypes []string `json:"InstanceTypes,omitempty"` // default: every type offered
}

// ReservedPrice is one reservation plan's effective hourly rate.
type ReservedPrice struct {
	Term            string `json:"Term"` // 1yr or 3yr
	PaymentOption   string `json:"PaymentOption"`
	OfferingClass   string `json:"OfferingClass"`
	EffectiveHourly string `json:"EffectiveHourly"`
}

// TypePrice is what a type costs in a region each way, USD per hour.
type TypePrice struct {
	InstanceType string            `json:"InstanceType"`
	Region       string            `json:"Region"`
	OnDemand     string            `json:"OnDemand"`
	Spot         map[string]string `json:"Spot"`
	Reserved     []ReservedPrice   `json:"Reserved"`
}

// DescribePricesOutput lists prices by type.
type DescribePricesOutput struct {
	Prices []TypePrice `json:"Prices"`
}

// PlanName is a reservation plan's short name, as the CLI shows it:
// "3yr-all-upfront-standard".
func (r ReservedPrice) PlanName() string {
	return r.Term + "-" + strings.ToLower(strings.ReplaceAll(r.PaymentOption, " ", "-")) + "-" + r.OfferingClass
}

// PluginInfo is one pricing module as `ec2x plugin ls` shows it.
type PluginInfo struct {
	Name       string   `json:"Name"`
	Kind       string   `json:"Kind"` // what it prices: spot, reserved, ondemand (comma-separated)
	Sha256     string   `json:"Sha256"`
	AbiVersion int32    `json:"AbiVersion"`
	Builtin    bool     `json:"Builtin"`
	Size       int64    `json:"Size"`
	UsedBy     []string `json:"UsedBy,omitempty"` // "spot in us-east-1", ...
}

// InstallPluginInput installs a module (an ec2x action).
type InstallPluginInput struct {
	Name    string `json:"Name"`
	Wasm    []byte `json:"Wasm"` // base64 in JSON
	Source  string `json:"Source,omitempty"`
	Replace bool   `json:"Replace,omitempty"`
}

// InstallPluginOutput describes what was installed.
type InstallPluginOutput struct {
	Plugin PluginInfo `json:"Plugin"`
	Report string     `json:"Report"` // the conformance checks that passed
}

// PluginNameInput names one plugin.
type PluginNameInput struct {
	Name string `json:"Name"`
}

// DescribePluginsOutput lists the modules ec2x can price with.
type DescribePluginsOutput struct {
	Plugins []PluginInfo `json:"Plugins"`
}

// TestPluginOutput is a conformance run.
type TestPluginOutput struct {
	Name   string `json:"Name"`
	OK     bool   `json:"OK"`
	Report string `json:"Report"`
}
