package ec2

import "time"

// ActionCreateConsoleLogin is ec2x's action that mints a one-time login
// link to the web console (`ec2x console`); it is served on the socket
// only, never to a browser.
const ActionCreateConsoleLogin = "CreateConsoleLogin"

// CreateConsoleLoginInput asks for a login link.
type CreateConsoleLoginInput struct {
	// Path is the console page the link lands on after login ("" is the
	// instance list).
	Path string `json:"Path,omitempty"`
}

// CreateConsoleLoginOutput is a login link: its token works once, until
// ExpiresAt.
type CreateConsoleLoginOutput struct {
	Url       string    `json:"Url"`
	ExpiresAt time.Time `json:"ExpiresAt"`
}
