package api

// Protocol headers.
const (
	HeaderRegion = "X-Ec2x-Region"
	// HeaderStamp carries the client's build-and-config stamp; a daemon
	// with another stamp refuses the call (409) so the client replaces it.
	HeaderStamp = "X-Ec2x-Stamp"
	// PathPrefix starts every action's path: POST /v1/<Action>.
	PathPrefix = "/v1/"
)

// CodeStampMismatch tells a client that the daemon is of another build or config.
const CodeStampMismatch = "Ec2x.StampMismatch"

// Ping is the daemon's self-description (GET /v1/Ping).
type Ping struct {
	Stamp   string   `json:"Stamp"`
	Version string   `json:"Version"`
	Pid     int      `json:"Pid"`
	Home    string   `json:"Home"`
	Started string   `json:"Started"`
	Drivers []string `json:"Drivers"`
}

// ErrorBody is how errors travel: EC2's code and message.
type ErrorBody struct {
	Error struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
	} `json:"Error"`
	RequestId string `json:"RequestId"`
}
