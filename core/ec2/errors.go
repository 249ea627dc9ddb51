package ec2

import (
	"errors"
	"fmt"
)

// EC2 error codes. Every code ec2x returns is listed here, in one place.
const (
	CodeInvalidInstanceIDNotFound     = "InvalidInstanceID.NotFound"
	CodeInvalidInstanceIDMalformed    = "InvalidInstanceID.Malformed"
	CodeInvalidInstanceID             = "InvalidInstanceID"
	CodeIncorrectInstanceState        = "IncorrectInstanceState"
	CodeInvalidParameterValue         = "InvalidParameterValue"
	CodeInvalidParameterCombination   = "InvalidParameterCombination"
	CodeMissingParameter              = "MissingParameter"
	CodeUnknownParameter              = "UnknownParameter"
	CodeInvalidAction                 = "InvalidAction"
	CodeInvalidAMIIDNotFound          = "InvalidAMIID.NotFound"
	CodeInvalidAMIIDMalformed         = "InvalidAMIID.Malformed"
	CodeInsufficientInstanceCapacity  = "InsufficientInstanceCapacity"
	CodeInvalidKeyPairNotFound        = "InvalidKeyPair.NotFound"
	CodeInvalidKeyPairDuplicate       = "InvalidKeyPair.Duplicate"
	CodeInvalidKeyFormat              = "InvalidKey.Format"
	CodeIdempotentParameterMismatch   = "IdempotentParameterMismatch"
	CodeInvalidInstanceType           = "InvalidInstanceType"
	CodeUnsupported                   = "Unsupported"
	CodeInvalidID                     = "InvalidID"
	CodeInvalidFilter                 = "InvalidFilter"
	CodeInvalidUserDataMalformed      = "InvalidUserData.Malformed"
	CodeInvalidAvailabilityZone       = "InvalidAvailabilityZone"
	CodeInvalidSubnetIDNotFound       = "InvalidSubnetID.NotFound"
	CodeInvalidSubnetIDMalformed      = "InvalidSubnetID.Malformed"
	CodeInvalidVpcIDNotFound          = "InvalidVpcID.NotFound"
	CodeInvalidVpcIDMalformed         = "InvalidVpcID.Malformed"
	CodeInvalidRegion                 = "InvalidRegion"
	CodeInsufficientAddressCapacity   = "InsufficientAddressCapacity"
	CodeInstanceLimitExceeded         = "InstanceLimitExceeded"
	CodeInternalError                 = "InternalError"
	CodeServiceUnavailable            = "ServiceUnavailable"
	CodeDryRunOperation               = "DryRunOperation"
	CodeInvalidParameter              = "InvalidParameter"
	CodeInvalidGroupNotFound          = "InvalidGroup.NotFound"
	CodeInvalidInstanceAttributeValue = "InvalidInstanceAttributeValue"

	// Addresses, interfaces and security groups.
	CodeAddressLimitExceeded               = "AddressLimitExceeded"
	CodeInvalidAllocationIDNotFound        = "InvalidAllocationID.NotFound"
	CodeInvalidAllocationIDMalformed       = "InvalidAllocationID.Malformed"
	CodeInvalidAssociationIDNotFound       = "InvalidAssociationID.NotFound"
	CodeInvalidAddressNotFound             = "InvalidAddress.NotFound"
	CodeInvalidIPAddressInUse              = "InvalidIPAddress.InUse"
	CodeResourceAlreadyAssociated          = "Resource.AlreadyAssociated"
	CodeInsufficientFreeAddressesInSubnet  = "InsufficientFreeAddressesInSubnet"
	CodeInvalidNetworkInterfaceIDNotFound  = "InvalidNetworkInterfaceID.NotFound"
	CodeInvalidNetworkInterfaceIDMalformed = "InvalidNetworkInterfaceID.Malformed"
	CodeInvalidNetworkInterfaceInUse       = "InvalidNetworkInterface.InUse"
	CodeInvalidAttachmentIDNotFound        = "InvalidAttachmentID.NotFound"
	CodeAttachmentLimitExceeded            = "AttachmentLimitExceeded"
	CodePrivateIpAddressLimitExceeded      = "PrivateIpAddressLimitExceeded"
	CodeOperationNotPermitted              = "OperationNotPermitted"
	CodeInvalidGroupDuplicate              = "InvalidGroup.Duplicate"
	CodeInvalidGroupIdMalformed            = "InvalidGroupId.Malformed"
	CodeInvalidGroupReserved               = "InvalidGroup.Reserved"
	CodeCannotDelete                       = "CannotDelete"
	CodeDependencyViolation                = "DependencyViolation"
	// VPCs and subnets.
	CodeVPCIdNotSpecified                            = "VPCIdNotSpecified"
	CodeVpcLimitExceeded                             = "VpcLimitExceeded"
	CodeInvalidVpcRange                              = "InvalidVpc.Range"
	CodeDefaultVpcAlreadyExists                      = "DefaultVpcAlreadyExists"
	CodeCidrLimitExceeded                            = "CidrLimitExceeded"
	CodeInvalidVpcCidrBlockAssociationIDNotFound     = "InvalidVpcCidrBlockAssociationID.NotFound"
	CodeInvalidSubnetRange                           = "InvalidSubnet.Range"
	CodeInvalidSubnetConflict                        = "InvalidSubnet.Conflict"
	CodeDefaultSubnetAlreadyExistsInAvailabilityZone = "DefaultSubnetAlreadyExistsInAvailabilityZone"
	CodeNoDefaultVpc                                 = "NoDefaultVpcForZone"
	CodeInvalidCidrBlockInUse                        = "InvalidCidrBlock.InUse"
	CodeGatewayNotAttached                           = "Gateway.NotAttached"
	CodeInvalidInternetGatewayIDNotFound             = "InvalidInternetGatewayID.NotFound"
	CodeInvalidInternetGatewayIDMalformed            = "InvalidInternetGatewayId.Malformed"
	CodeInvalidEgressOnlyInternetGatewayIdNotFound   = "InvalidEgressOnlyInternetGatewayId.NotFound"
	CodeInvalidRouteTableIDNotFound                  = "InvalidRouteTableID.NotFound"
	CodeInvalidRouteTableIdMalformed                 = "InvalidRouteTableId.Malformed"
	CodeRouteAlreadyExists                           = "RouteAlreadyExists"
	CodeInvalidRouteNotFound                         = "InvalidRoute.NotFound"
	CodeInvalidDhcpOptionIDNotFound                  = "InvalidDhcpOptionID.NotFound"
	CodeInvalidDhcpOptionsIdMalformed                = "InvalidDhcpOptionsId.Malformed"
	CodeInvalidNetworkAclIDNotFound                  = "InvalidNetworkAclID.NotFound"
	CodeInvalidNetworkAclIDMalformed                 = "InvalidNetworkAclId.Malformed"
	CodeNetworkAclEntryAlreadyExists                 = "NetworkAclEntryAlreadyExists"
	CodeInvalidNetworkAclEntryNotFound               = "InvalidNetworkAclEntry.NotFound"
	CodeInternetGatewayLimitExceeded                 = "InternetGatewayLimitExceeded"
	CodeRouteTableLimitExceeded                      = "RouteTableLimitExceeded"
	CodeRouteLimitExceeded                           = "RouteLimitExceeded"
	CodeNetworkAclLimitExceeded                      = "NetworkAclLimitExceeded"
	CodeNetworkAclEntryLimitExceeded                 = "NetworkAclEntryLimitExceeded"
	CodeInvalidPermissionDuplicate                   = "InvalidPermission.Duplicate"
	CodeInvalidPermissionNotFound                    = "InvalidPermission.NotFound"
	CodeInvalidPermissionMalformed                   = "InvalidPermission.Malformed"
	CodeSecurityGroupsPerInterfaceLimitExceed        = "SecurityGroupsPerInterfaceLimitExceeded"
	CodeRulesPerSecurityGroupLimitExceeded           = "RulesPerSecurityGroupLimitExceeded"
	CodeSecurityGroupLimitExceeded                   = "SecurityGroupLimitExceeded"

	// Spot, reserved instances and pricing modules.
	CodeSpotMaxPriceTooLow                    = "SpotMaxPriceTooLow"
	CodeUnsupportedOperation                  = "UnsupportedOperation"
	CodeInvalidSpotInstanceRequestIDNotFound  = "InvalidSpotInstanceRequestID.NotFound"
	CodeInvalidSpotInstanceRequestIDMalformed = "InvalidSpotInstanceRequestID.Malformed"
	CodeInvalidReservedInstancesOfferingId    = "InvalidReservedInstancesOfferingId"
	CodeInvalidReservedInstancesId            = "InvalidReservedInstancesId"
	CodeReservedInstancesLimitExceeded        = "ReservedInstancesLimitExceeded"
	CodeInvalidPlugin                         = "InvalidPlugin"
	CodeInvalidPluginNotFound                 = "InvalidPlugin.NotFound"
	CodePluginFailed                          = "PluginFailed"

	// Launch templates, and the per-version codes of DeleteLaunchTemplateVersions' answer.
	CodeInvalidLaunchTemplateNameAlreadyExists = "InvalidLaunchTemplateName.AlreadyExistsException"
	CodeInvalidLaunchTemplateNameNotFound      = "InvalidLaunchTemplateName.NotFoundException"
	CodeInvalidLaunchTemplateNameMalformed     = "InvalidLaunchTemplateName.MalformedException"
	CodeInvalidLaunchTemplateIdNotFound        = "InvalidLaunchTemplateId.NotFound"
	CodeInvalidLaunchTemplateIdMalformed       = "InvalidLaunchTemplateId.Malformed"
	CodeInvalidLaunchTemplateIdVersionNotFound = "InvalidLaunchTemplateId.VersionNotFound"
	CodeLaunchTemplateLimitExceeded            = "LaunchTemplateLimitExceeded"
	CodeLaunchTemplateVersionLimitExceeded     = "LaunchTemplateVersionLimitExceeded"
	CodeLaunchTemplateVersionDoesNotExist      = "launchTemplateVersionDoesNotExist"
	CodeLaunchTemplateUnexpectedError          = "unexpectedError"

	// The EC2-compatible endpoint: authentication and the Query protocol.
	CodeAuthFailure                = "AuthFailure"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeRequestExpired             = "RequestExpired"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeMissingAction              = "MissingAction"
	CodeInvalidPaginationToken     = "InvalidPaginationToken"
	// CodeInvalidQueryParameter: the query does not follow the protocol
	// (a parameter given twice).
	CodeInvalidQueryParameter = "InvalidQueryParameter"
	// CodeRequestLimitExceeded: EC2's throttling code; the endpoint answers
	// it while too many large request bodies are being read (SDKs retry it).
	CodeRequestLimitExceeded = "RequestLimitExceeded"
	// CodeMetadataNotFound: the instance metadata service has nothing at a path.
	CodeMetadataNotFound = "MetadataNotFound"
	// CodeInsufficientFreeSpace (ec2x's own; EC2 has no such failure): the
	// disk holding the daemon's store is too full for a change, which is
	// refused; reads still work. The CLI exits 3 on it.
	CodeInsufficientFreeSpace = "InsufficientFreeSpace"
	// CodeInvalidInstanceIDNotUnique (ec2x's CLI): a Name tag given for an
	// instance ID is on several live instances.
	CodeInvalidInstanceIDNotUnique = "InvalidInstanceID.NotUnique"

	// Instance status and CPU credits.
	// CodeInstanceCreditSpecificationNotSupported: a credit option for an
	// instance type that does not burst.
	CodeInstanceCreditSpecificationNotSupported = "InstanceCreditSpecification.NotSupported"
	// CodeInvalidInstanceEventIDNotFound: no scheduled event of that ID on
	// the instance named.
	CodeInvalidInstanceEventIDNotFound = "InvalidInstanceEventID.NotFound"
	// CodeInvalidHostIDMalformed: a host ID not shaped as one.
	CodeInvalidHostIDMalformed = "InvalidHostID.Malformed"

	// Zone groups.
	// CodeInvalidOptInStatus: ModifyAvailabilityZoneGroup asked to opt out
	// (EC2 takes only opted-in; opting out goes through AWS Support).
	CodeInvalidOptInStatus = "InvalidOptInStatus"
)

// HTTPStatus is the HTTP status EC2 answers an error code with. The
// numbers are written out: the CLI links this package, and not net/http.
func HTTPStatus(code string) int {
	switch code {
	case CodeInternalError:
		return 500 // Internal Server Error
	case CodeServiceUnavailable, CodeInsufficientInstanceCapacity, CodeInsufficientFreeSpace, CodeRequestLimitExceeded:
		return 503 // Service Unavailable
	case CodeDryRunOperation:
		return 412 // Precondition Failed
	case CodeAuthFailure, CodeMissingAuthenticationToken:
		return 401 // Unauthorized
	case CodeSignatureDoesNotMatch:
		return 403 // Forbidden
	}
	return 400 // Bad Request
}

// Error is an EC2 service error: a code from the list above and a message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is(err, &Error{Code: X}) match on the code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Errorf builds an EC2 error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the EC2 code of err, or InternalError for any other error.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternalError
}

// Codes of RunInstances' launch options.
const (
	CodeInvalidPlacementGroupUnknown         = "InvalidPlacementGroup.Unknown"
	CodeInvalidCpuOptions                    = "InvalidCpuOptions"
	CodeUnsupportedHibernationConfiguration  = "UnsupportedHibernationConfiguration"
	CodeInvalidCapacityReservationIdNotFound = "InvalidCapacityReservationId.NotFound"
	CodeInvalidBlockDeviceMapping            = "InvalidBlockDeviceMapping"
	CodeInvalidVolumeIDMalformed             = "InvalidVolumeID.Malformed"
	CodeInvalidVolumeNotFound                = "InvalidVolume.NotFound"
	CodeInvalidSnapshotIDMalformed           = "InvalidSnapshotID.Malformed"
	CodeInvalidSnapshotNotFound              = "InvalidSnapshot.NotFound"
	CodeInvalidHostIDNotFound                = "InvalidHostID.NotFound"
	CodeInvalidPrefixListIdNotFound          = "InvalidPrefixListID.NotFound"
	CodeInvalidPrefixListIdMalformed         = "InvalidPrefixListId.Malformed"
	CodePrefixListVersionMismatch            = "PrefixListVersionMismatch"
	CodeInvalidSecurityGroupRuleIdNotFound   = "InvalidSecurityGroupRuleId.NotFound"
	CodeInvalidSecurityGroupRuleIdMalformed  = "InvalidSecurityGroupRuleId.Malformed"
	CodeIncorrectState                       = "IncorrectState"
	CodeTagLimitExceeded                     = "TagLimitExceeded"
)

// Codes of the snapshot and image actions.
const (
	CodeInvalidSnapshotInUse         = "InvalidSnapshot.InUse"
	CodeInvalidAMINameDuplicate      = "InvalidAMIName.Duplicate"
	CodeInvalidAMINameMalformed      = "InvalidAMIName.Malformed"
	CodeInvalidAMIIDUnavailable      = "InvalidAMIID.Unavailable"
	CodeInvalidAMIAttributeItemValue = "InvalidAMIAttributeItemValue"
	CodeInvalidUserIDMalformed       = "InvalidUserID.Malformed"
	CodeSnapshotCreationPerVolume    = "SnapshotCreationPerVolumeRateExceeded"
	CodeSnapshotLocked               = "SnapshotLocked"
)

// Codes of the EBS volume actions.
const (
	CodeVolumeInUse                       = "VolumeInUse"
	CodeInvalidVolumeZoneMismatch         = "InvalidVolume.ZoneMismatch"
	CodeInvalidAttachmentNotFound         = "InvalidAttachment.NotFound"
	CodeIncorrectModificationState        = "IncorrectModificationState"
	CodeVolumeModificationRateExceeded    = "VolumeModificationRateExceeded"
	CodeInvalidParameterDependency        = "InvalidParameterDependency"
	CodeInvalidVolumeModificationNotFound = "InvalidVolumeModification.NotFound"
)
