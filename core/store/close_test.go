package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/store"
)

// Close gives up when Badger cannot flush (its directory was removed,
// and Badger retries the flush for ever), and says so.
func TestCloseGivesUp(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	commit(t, s, func(b *store.Batch) { b.Put(store.Key("inst", "us-east-1", "i-1"), record{ID: "i-1"}) })
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Close(ctx) }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute): // a guard, not a timing assertion
		t.Fatal("Close did not return")
	}
	var ce *store.CloseError
	if !errors.Is(err, store.ErrNotClosed) || !errors.As(err, &ce) || !strings.Contains(err.Error(), "directory was removed") {
		t.Fatalf("Close: %v, want a CloseError saying the directory is gone", err)
	}
	t.Logf("Close: %v", err)
	if again := s.Close(context.Background()); again != err {
		t.Errorf("a second Close: %v", again)
	}
}
