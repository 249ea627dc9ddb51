package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Records are flat JSON arrays of numbers, written and read by hand: the
// store's values are JSON, and a query reads one metric of tens of thousands
// of records, which a positional read does without decoding the rest.

// agg is the statistic set of one metric over some samples.
type agg struct{ sum, min, max, n float64 }

// add counts one value.
func (a *agg) add(v float64) {
	if a.n == 0 {
		*a = agg{sum: v, min: v, max: v, n: 1}
		return
	}
	a.sum += v
	a.min = math.Min(a.min, v)
	a.max = math.Max(a.max, v)
	a.n++
}

// merge adds the samples of b.
func (a *agg) merge(b agg) {
	switch {
	case b.n == 0:
	case a.n == 0:
		*a = b
	default:
		a.sum += b.sum
		a.min = math.Min(a.min, b.min)
		a.max = math.Max(a.max, b.max)
		a.n += b.n
	}
}

// bucket is a roll-up record: every metric's statistic set.
type bucket [NumMetrics]agg

// addSample counts every reported value of a sample.
func (b *bucket) addSample(v *Values) {
	for m, x := range v {
		if !math.IsNaN(x) {
			b[m].add(x)
		}
	}
}

// merge adds the samples of o.
func (b *bucket) merge(o *bucket) {
	for m := range b {
		b[m].merge(o[m])
	}
}

// sampleRecord is the value of a 1m record: the launch credits, then the
// metrics in order, so that metrics added later append.
type sampleRecord struct {
	v      *Values
	launch float64
}

// MarshalJSON writes the record's array.
func (r sampleRecord) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 16*(int(NumMetrics)+1))
	b = append(b, '[')
	b = appendNum(b, r.launch)
	for _, x := range r.v {
		b = append(b, ',')
		b = appendNum(b, x)
	}
	return append(b, ']'), nil
}

// bucketRecord is the value of a 5m or 1h record: Sum, Minimum, Maximum,
// SampleCount of each metric in order; a metric with no samples is 0,0,0,0.
type bucketRecord struct{ b *bucket }

// MarshalJSON writes the record's array.
func (r bucketRecord) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24*4*int(NumMetrics))
	b = append(b, '[')
	for m, a := range r.b {
		if m > 0 {
			b = append(b, ',')
		}
		if a.n == 0 {
			b = append(b, "0,0,0,0"...)
			continue
		}
		b = appendNum(b, a.sum)
		b = append(b, ',')
		b = appendNum(b, a.min)
		b = append(b, ',')
		b = appendNum(b, a.max)
		b = append(b, ',')
		b = strconv.AppendFloat(b, a.n, 'f', -1, 64)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads a bucket record (store.Get uses it).
func (r *bucketRecord) UnmarshalJSON(data []byte) error {
	return forEachNum(data, func(i int, x float64, ok bool) error {
		if i >= 4*int(NumMetrics) {
			return nil // written by a newer build with more metrics
		}
		if !ok {
			x = 0
		}
		a := &r.b[i/4]
		switch i % 4 {
		case 0:
			a.sum = x
		case 1:
			a.min = x
		case 2:
			a.max = x
		case 3:
			a.n = x
		}
		return nil
	})
}

// appendNum writes x, or null for NaN and infinities (not JSON numbers).
func appendNum(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

var errShortRecord = errors.New("monitor: record too short")

// decodeSample reads a whole 1m record.
func decodeSample(data []byte) (v Values, launch float64, err error) {
	v = NoValues()
	err = forEachNum(data, func(i int, x float64, ok bool) error {
		switch {
		case !ok:
		case i == 0:
			launch = x
		case i <= int(NumMetrics):
			v[i-1] = x
		}
		return nil
	})
	return v, launch, err
}

// sampleAgg reads metric m of a 1m record as a statistic set of one sample
// (or none when the metric was not reported, or not known when written).
func sampleAgg(data []byte, m Metric) (agg, error) {
	b, err := skipTokens(data, 1+int(m))
	if errors.Is(err, errShortRecord) {
		return agg{}, nil
	}
	if err != nil {
		return agg{}, err
	}
	tok, _ := nextToken(b)
	x, ok, err := parseNum(tok)
	if err != nil || !ok {
		return agg{}, err
	}
	return agg{sum: x, min: x, max: x, n: 1}, nil
}

// bucketAgg reads metric m of a bucket record (none when the metric was
// not known when it was written).
func bucketAgg(data []byte, m Metric) (agg, error) {
	b, err := skipTokens(data, 4*int(m))
	if errors.Is(err, errShortRecord) {
		return agg{}, nil
	}
	if err != nil {
		return agg{}, err
	}
	var a agg
	for _, dst := range [...]*float64{&a.sum, &a.min, &a.max, &a.n} {
		if b == nil {
			return agg{}, errShortRecord
		}
		var tok []byte
		tok, b = nextToken(b)
		if *dst, _, err = parseNum(tok); err != nil {
			return agg{}, err
		}
	}
	return a, nil
}

// arrayBody strips the brackets of a JSON array.
func arrayBody(data []byte) ([]byte, error) {
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '[' || data[len(data)-1] != ']' {
		return nil, fmt.Errorf("monitor: record is not a JSON array: %.40q", data)
	}
	return data[1 : len(data)-1], nil
}

// skipTokens returns the body of a flat JSON array from element n on.
func skipTokens(data []byte, n int) ([]byte, error) {
	b, err := arrayBody(data)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		j := bytes.IndexByte(b, ',')
		if j < 0 {
			return nil, errShortRecord
		}
		b = b[j+1:]
	}
	return b, nil
}

// nextToken splits the first element off an array body; rest is nil after
// the last element.
func nextToken(b []byte) (tok, rest []byte) {
	if j := bytes.IndexByte(b, ','); j >= 0 {
		return bytes.TrimSpace(b[:j]), b[j+1:]
	}
	return bytes.TrimSpace(b), nil
}

// forEachNum calls fn with every element of a flat JSON array of numbers;
// ok is false for null.
func forEachNum(data []byte, fn func(i int, x float64, ok bool) error) error {
	b, err := arrayBody(data)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	for i := 0; ; i++ {
		tok := b
		j := bytes.IndexByte(b, ',')
		if j >= 0 {
			tok = b[:j]
		}
		x, ok, err := parseNum(bytes.TrimSpace(tok))
		if err != nil {
			return err
		}
		if err := fn(i, x, ok); err != nil {
			return err
		}
		if j < 0 {
			return nil
		}
		b = b[j+1:]
	}
}

// parseNum reads a JSON number or null.
func parseNum(tok []byte) (float64, bool, error) {
	if string(tok) == "null" {
		return math.NaN(), false, nil
	}
	x, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return 0, false, fmt.Errorf("monitor: bad number in record: %w", err)
	}
	return x, true, nil
}
