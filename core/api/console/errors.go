package console

import (
	"errors"

	"github.com/ec2x/ec2x/core/ec2"
)

// Why a browser's request is refused before any action runs. The API
// answers them in EC2's error shape (code and message) so that the page
// shows them as it shows every other error.
var (
	errNoSession = ec2.Errorf(ec2.CodeAuthFailure, "Not logged in to the console (or the session expired): run `ec2x console` for a login link.")
	errBadCSRF   = ec2.Errorf(ec2.CodeAuthFailure, "The request's CSRF token is missing or wrong: reload the page.")
	errOrigin    = ec2.Errorf(ec2.CodeAuthFailure, "The request came from another site.")
	errMethod    = ec2.Errorf(ec2.CodeInvalidAction, "The console's API takes POST only.")
	errHidden    = ec2.Errorf(ec2.CodeInvalidAction, "This action is not available from the console.")
	errOff       = ec2.Errorf(ec2.CodeUnsupported, "The console is off: set [console] listen (e.g. \"127.0.0.1:8788\") in config.toml.")
)

// ErrLoginUsed says a login link was used already, expired, or never was
// one; the login page says so, without telling which.
var ErrLoginUsed = errors.New("this login link was used already or has expired: run `ec2x console` for a new one")
