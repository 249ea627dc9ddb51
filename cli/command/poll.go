package command

import (
	"fmt"
	"time"
)

// Poll calls check every 100 ms until it says done or fails, for at most
// limit: the --wait of commands whose change settles a moment later.
func Poll(e *Env, limit time.Duration, what string, check func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		done, err := check()
		switch {
		case err != nil:
			return err
		case done:
			return nil
		case time.Now().After(deadline):
			return &TimeoutError{Msg: fmt.Sprintf("timed out after %s waiting for %s", limit, what)}
		}
		select {
		case <-e.Context().Done():
			return e.Context().Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
