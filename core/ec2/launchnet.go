package ec2

// RunInstances' network and device parameters (core/instance/launchnet.go
// and volumes.go use them): names and shapes as the SDK's model has them.

// InstanceNetworkInterfaceSpecification is one interface of a launch: a
// new one (in SubnetId) or an existing one (NetworkInterfaceId).
type InstanceNetworkInterfaceSpecification struct {
	AssociateCarrierIpAddress       *bool                                   `json:"AssociateCarrierIpAddress,omitempty" ec2x:"noeffect"`
	AssociatePublicIpAddress        *bool                                   `json:"AssociatePublicIpAddress,omitempty"`
	ConnectionTrackingSpecification *ConnectionTrackingSpecificationRequest `json:"ConnectionTrackingSpecification,omitempty" ec2x:"noeffect"`
	DeleteOnTermination             *bool                                   `json:"DeleteOnTermination,omitempty"`
	Description                     string                                  `json:"Description,omitempty"`
	DeviceIndex                     *int                                    `json:"DeviceIndex,omitempty"`
	EnaQueueCount                   *int                                    `json:"EnaQueueCount,omitempty" ec2x:"noeffect"`
	EnaSrdSpecification             *EnaSrdSpecificationRequest             `json:"EnaSrdSpecification,omitempty" ec2x:"noeffect"`
	Groups                          []string                                `json:"Groups,omitempty"`
	InterfaceType                   string                                  `json:"InterfaceType,omitempty"`
	Ipv4PrefixCount                 *int                                    `json:"Ipv4PrefixCount,omitempty"`
	Ipv4Prefixes                    []Ipv4PrefixSpecificationRequest        `json:"Ipv4Prefixes,omitempty"`
	Ipv6AddressCount                *int                                    `json:"Ipv6AddressCount,omitempty"`
	Ipv6Addresses                   []InstanceIpv6Address                   `json:"Ipv6Addresses,omitempty"`
	Ipv6PrefixCount                 *int                                    `json:"Ipv6PrefixCount,omitempty"`
	Ipv6Prefixes                    []Ipv6PrefixSpecificationRequest        `json:"Ipv6Prefixes,omitempty"`
	NetworkCardIndex                *int                                    `json:"NetworkCardIndex,omitempty"`
	NetworkInterfaceId              string                                  `json:"NetworkInterfaceId,omitempty"`
	PrimaryIpv6                     *bool                                   `json:"PrimaryIpv6,omitempty"`
	PrivateIpAddress                string                                  `json:"PrivateIpAddress,omitempty"`
	PrivateIpAddresses              []PrivateIpAddressSpecification         `json:"PrivateIpAddresses,omitempty"`
	SecondaryPrivateIpAddressCount  *int                                    `json:"SecondaryPrivateIpAddressCount,omitempty"`
	SubnetId                        string                                  `json:"SubnetId,omitempty"`
}

// InstanceSecondaryInterfaceSpecificationRequest is a secondary interface
// in a secondary subnet (ec2x has no secondary subnets).
type InstanceSecondaryInterfaceSpecificationRequest struct {
	DeleteOnTermination   *bool                                               `json:"DeleteOnTermination,omitempty"`
	DeviceIndex           *int                                                `json:"DeviceIndex,omitempty"`
	InterfaceType         string                                              `json:"InterfaceType,omitempty"`
	NetworkCardIndex      *int                                                `json:"NetworkCardIndex,omitempty"`
	PrivateIpAddressCount *int                                                `json:"PrivateIpAddressCount,omitempty"`
	PrivateIpAddresses    []InstanceSecondaryInterfacePrivateIpAddressRequest `json:"PrivateIpAddresses,omitempty"`
	SecondarySubnetId     string                                              `json:"SecondarySubnetId,omitempty"`
}

// InstanceSecondaryInterfacePrivateIpAddressRequest is one address of a
// secondary interface.
type InstanceSecondaryInterfacePrivateIpAddressRequest struct {
	PrivateIpAddress string `json:"PrivateIpAddress,omitempty"`
}

// ElasticInferenceAccelerator is an Elastic Inference accelerator (a
// service AWS has ended).
type ElasticInferenceAccelerator struct {
	Type  string `json:"Type,omitempty"`
	Count *int   `json:"Count,omitempty"`
}
