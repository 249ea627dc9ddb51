package core

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ec2x/ec2x/core/ec2"
)

// BenchmarkDescribeInstancesJSON is what `ec2x ls -o json` over 1,000
// instances costs the daemon: DescribeInstances' answer as the CLI prints
// it. "encoding/json" is what the daemon did before the cache: the output
// encoded at every call (which the client then indented); "cached" is
// DescribeInstancesJSON once its cache is warm; "one changed" changes an
// instance before each call, so one is encoded afresh.
func BenchmarkDescribeInstancesJSON(b *testing.B) {
	e := newEnv(b, instantBoot)
	ids := e.launchRunning(use1, 1000)
	in := &ec2.DescribeInstancesInput{}
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			out, err := e.c.DescribeInstances(e.ctx, use1, in)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := json.NewEncoder(&buf).Encode(out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.c.DescribeInstancesJSON(e.ctx, use1, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one changed", func(b *testing.B) {
		i := 0
		for b.Loop() {
			b.StopTimer()
			tagOne(b, e, ids[i%len(ids)], i)
			i++
			b.StartTimer()
			if _, err := e.c.DescribeInstancesJSON(e.ctx, use1, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
