package command

import (
	"io"
	"os"

	"github.com/ec2x/ec2x/core/ec2"
)

// MaxUserData is EC2's limit on user data, before base64 (the daemon
// enforces the same).
const MaxUserData = 16 * 1024

// ReadUserData reads a --user-data file, refusing one over EC2's limit
// with EC2's answer before anything is sent (a huge file would otherwise
// be read whole and overflow the request size). It reads at most one byte
// more than the limit, so a pipe or device is bounded too.
func ReadUserData(cmd, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Usagef("%s: --user-data: %v", cmd, err)
	}
	defer f.Close()
	tooBig := func(size int64) error {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to %d bytes (%s has %d)", MaxUserData, path, size)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxUserData {
		return nil, tooBig(fi.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxUserData+1))
	if err != nil {
		return nil, Usagef("%s: --user-data: %v", cmd, err)
	}
	if len(data) > MaxUserData {
		return nil, ec2.Errorf(ec2.CodeInvalidParameterValue, "User data is limited to %d bytes (%s has more)", MaxUserData, path)
	}
	return data, nil
}
