package state

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	"github.com/ec2x/ec2x/core/store"
	"github.com/rs/zerolog"
)

type rec struct {
	ID  string `json:"ID"`
	Val string `json:"Val"`
}

var things = Table[rec]{Kind: "thing", ID: func(r *rec) string { return r.ID }}

func newRuntime(t *testing.T) (*Runtime, *store.Store) {
	t.Helper()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{NoSync: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return New(Options{Config: cfg, Store: st, Seed: 1, Fatal: func(err error) { t.Errorf("fatal: %v", err) }}), st
}

func region(t *testing.T, rt *Runtime, name string) *Region {
	t.Helper()
	r, err := rt.Region(name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestUpdatePublishesAndPersists(t *testing.T) {
	rt, st := newRuntime(t)
	ctx := context.Background()
	after := false
	err := rt.Update(ctx, "us-east-1", func(tx *Tx) error {
		Put(tx, things, &rec{ID: "a", Val: "1"})
		Put(tx, things, &rec{ID: "b", Val: "2"})
		if got := Get(tx, things, "a"); got == nil || got.Val != "1" {
			t.Errorf("a Tx reads its own writes: %+v", got)
		}
		if Get(region(t, rt, "us-east-1"), things, "a") != nil {
			t.Error("a write is visible before its Tx is published")
		}
		tx.After(func(context.Context) { after = true })
		return nil
	})
	if err != nil || !after {
		t.Fatalf("Update = %v, after ran %v", err, after)
	}
	r := region(t, rt, "us-east-1")
	if got := Get(r, things, "b"); got == nil || got.Val != "2" || Len(r, things) != 2 {
		t.Errorf("published: %+v, %d records", got, Len(r, things))
	}
	var onDisk rec
	if err := st.Get(ctx, store.Key("thing", "us-east-1", "a"), &onDisk); err != nil || onDisk.Val != "1" {
		t.Errorf("stored: %+v, %v", onDisk, err)
	}
	if err := st.Get(ctx, store.Key("thing", "us-west-2", "a"), &onDisk); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another region's key: %v", err)
	}
}

func TestFailedUpdateChangesNothing(t *testing.T) {
	rt, _ := newRuntime(t)
	ctx := context.Background()
	claimed := 0
	boom := ec2.Errorf(ec2.CodeInvalidParameterValue, "no")
	err := rt.Update(ctx, "us-east-1", func(tx *Tx) error {
		Put(tx, things, &rec{ID: "a"})
		claimed++
		tx.OnRollback(func() { claimed-- })
		tx.After(func(context.Context) { t.Error("After ran for a failed Update") })
		return boom
	})
	if !errors.Is(err, boom) || claimed != 0 || Len(region(t, rt, "us-east-1"), things) != 0 {
		t.Errorf("err %v, claims %d, records %d", err, claimed, Len(region(t, rt, "us-east-1"), things))
	}
	if err := rt.Update(ctx, "eu-central-9", func(*Tx) error { return nil }); ec2.CodeOf(err) != ec2.CodeInvalidRegion {
		t.Errorf("unknown region: %v", err)
	}
}

func TestSavepointRollsBackEverything(t *testing.T) {
	rt, st := newRuntime(t)
	ctx := context.Background()
	if err := rt.Update(ctx, "us-east-1", func(tx *Tx) error { Put(tx, things, &rec{ID: "old", Val: "v1"}); return nil }); err != nil {
		t.Fatal(err)
	}
	published, claims := 0, 0
	err := rt.Update(ctx, "us-east-1", func(tx *Tx) error {
		Put(tx, things, &rec{ID: "kept"})
		sp := tx.Savepoint()
		Put(tx, things, &rec{ID: "new"})
		Put(tx, things, &rec{ID: "old", Val: "v2"})
		Delete(tx, things, "kept")
		tx.PutKey(store.Key("raw", "us-east-1", "x"), "x", func() { published++ })
		tx.OnPublish(func() { published++ })
		claims++
		tx.OnRollback(func() { claims-- })
		tx.After(func(context.Context) { t.Error("After of a rolled-back part ran") })
		tx.RollbackTo(sp)
		if Get(tx, things, "new") != nil || Get(tx, things, "old").Val != "v1" || Get(tx, things, "kept") == nil {
			t.Error("the Tx still sees writes made after the savepoint")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := region(t, rt, "us-east-1")
	if Get(r, things, "new") != nil || Get(r, things, "old").Val != "v1" || Get(r, things, "kept") == nil || published != 0 || claims != 0 {
		t.Errorf("after rollback to the savepoint: new %v old %+v kept %v published %d claims %d",
			Get(r, things, "new"), Get(r, things, "old"), Get(r, things, "kept"), published, claims)
	}
	var v string
	if err := st.Get(ctx, store.Key("raw", "us-east-1", "x"), &v); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a rolled-back raw write reached the store: %q %v", v, err)
	}
	if err := st.Get(ctx, store.Key("thing", "us-east-1", "new"), &rec{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a rolled-back record reached the store: %v", err)
	}
}

func TestEachSeesTheTx(t *testing.T) {
	rt, _ := newRuntime(t)
	ctx := context.Background()
	_ = rt.Update(ctx, "us-east-1", func(tx *Tx) error {
		Put(tx, things, &rec{ID: "a"})
		Put(tx, things, &rec{ID: "b"})
		return nil
	})
	_ = rt.Update(ctx, "us-east-1", func(tx *Tx) error {
		Delete(tx, things, "a")
		Put(tx, things, &rec{ID: "b", Val: "new"})
		Put(tx, things, &rec{ID: "c"})
		var seen []string
		Each(tx, things, func(r *rec) bool { seen = append(seen, r.ID+"="+r.Val); return true })
		got := strings.Join(sortStrings(seen), ",")
		if got != "b=new,c=" || Len(tx, things) != 2 {
			t.Errorf("Each saw %s, Len %d", got, Len(tx, things))
		}
		if s := Sorted(tx, things); len(s) != 2 || s[0].ID != "b" || s[1].ID != "c" {
			t.Errorf("Sorted %+v", s)
		}
		return nil
	})
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// Regions do not serialise on each other: while a change holds one
// region's lock, another region's changes and reads go through, and the
// held region's readers wait.
func TestRegionsAreIndependent(t *testing.T) {
	rt, _ := newRuntime(t)
	ctx := context.Background()
	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error)
	go func() {
		held <- rt.Update(ctx, "us-east-1", func(tx *Tx) error {
			Put(tx, things, &rec{ID: "slow"})
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	other := make(chan error)
	go func() {
		other <- rt.Update(ctx, "eu-west-1", func(tx *Tx) error { Put(tx, things, &rec{ID: "fast"}); return nil })
	}()
	// A real-time bound only on how long a failure takes to show: the
	// eu-west-1 change needs no clock, only that nothing blocks it.
	select {
	case err := <-other:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a change in eu-west-1 waited on a change in us-east-1")
	}
	eu := region(t, rt, "eu-west-1")
	if err := eu.View(func(r *Region) error {
		if Get(r, things, "fast") == nil {
			return errors.New("missing")
		}
		return nil
	}); err != nil {
		t.Errorf("eu-west-1 read: %v", err)
	}
	us := region(t, rt, "us-east-1")
	read := make(chan bool)
	go func() {
		us.RLock()
		defer us.RUnlock()
		read <- Get(us, things, "slow") != nil
	}()
	select {
	case <-read:
		t.Fatal("a reader of us-east-1 got in while a change held it")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if !<-read {
		t.Error("the reader that waited does not see the change")
	}
}

func TestChangedWakesWaiters(t *testing.T) {
	rt, _ := newRuntime(t)
	r := region(t, rt, "us-east-1")
	r.RLock()
	ch := r.Changed()
	r.RUnlock()
	_ = rt.Update(context.Background(), "us-west-2", func(tx *Tx) error { Put(tx, things, &rec{ID: "x"}); return nil })
	select {
	case <-ch:
		t.Fatal("a change in us-west-2 woke a waiter on us-east-1")
	default:
	}
	_ = rt.Update(context.Background(), "us-east-1", func(tx *Tx) error { Put(tx, things, &rec{ID: "x"}); return nil })
	select {
	case <-ch:
	default:
		t.Fatal("a change in us-east-1 did not wake its waiter")
	}
}

func TestTooBigIsRefusedWhole(t *testing.T) {
	rt, _ := newRuntime(t)
	big := strings.Repeat("x", 900)
	err := rt.Update(context.Background(), "us-east-1", func(tx *Tx) error {
		for i := range 5000 {
			Put(tx, things, &rec{ID: strings.Repeat("k", 10) + string(rune('a'+i%26)) + itoa(i), Val: big})
		}
		return nil
	})
	if ec2.CodeOf(err) != ec2.CodeInvalidParameterValue || !strings.Contains(err.Error(), "too much at once") {
		t.Fatalf("got %v", err)
	}
	if n := Len(region(t, rt, "us-east-1"), things); n != 0 {
		t.Errorf("%d records published from a refused change", n)
	}
}

func itoa(i int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

func TestObserversSeeEvents(t *testing.T) {
	rt, st := newRuntime(t)
	rt.Observe(func(tx *Tx, ev any) {
		if s, ok := ev.(string); ok {
			tx.PutKey(store.Key("seen", tx.Region().Name, s), s, nil)
		}
	})
	ctx := context.Background()
	_ = rt.Update(ctx, "us-east-1", func(tx *Tx) error { tx.Emit("hello"); return nil })
	var v string
	if err := st.Get(ctx, store.Key("seen", "us-east-1", "hello"), &v); err != nil || v != "hello" {
		t.Errorf("the observer's write: %q %v", v, err)
	}
}

func TestIDs(t *testing.T) {
	rt, _ := newRuntime(t)
	r := region(t, rt, "us-east-1")
	seen := map[string]bool{}
	for range 1000 {
		id := r.NewID("i")
		if len(id) != len("i-")+17 || !ec2.ValidInstanceID(id) || seen[id] {
			t.Fatalf("bad or repeated ID %q", id)
		}
		seen[id] = true
	}
	a, b := New(Options{Config: rt.Config(), Seed: 7}), New(Options{Config: rt.Config(), Seed: 7})
	ra, _ := a.Region("eu-west-1")
	rb, _ := b.Region("eu-west-1")
	rc, _ := a.Region("us-east-1")
	if x, y := ra.NewID("eni"), rb.NewID("eni"); x != y {
		t.Errorf("the same seed gives %s and %s", x, y)
	}
	if ra.NewID("eni") == rc.NewID("eni") {
		t.Error("two regions draw the same IDs")
	}
}
