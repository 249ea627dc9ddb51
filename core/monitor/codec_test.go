package monitor

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestSampleRecordRoundTrip(t *testing.T) {
	v := NoValues()
	v[CPUUtilization] = 12.5
	v[NetworkIn] = 123456789012
	v[CPUCreditBalance] = 1e-7
	data, err := json.Marshal(sampleRecord{v: &v, launch: 29.98})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	got, launch, err := decodeSample(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	if !sameValues(got, v) || launch != 29.98 {
		t.Fatalf("decoded %v launch %v from %s", got, launch, data)
	}
	for m := range NumMetrics {
		a, err := sampleAgg(data, m)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if want := v.Has(m); (a.n == 1) != want || (want && a.sum != v[m]) {
			t.Fatalf("%s read as %+v from %s", m, a, data)
		}
	}
}

func TestBucketRecordRoundTrip(t *testing.T) {
	var b bucket
	for _, x := range []float64{3, 1, 2} {
		b[DiskWriteBytes].add(x)
	}
	b[StatusCheckFailed].add(0)
	data, err := json.Marshal(bucketRecord{b: &b})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var got bucket
	if err := json.Unmarshal(data, &bucketRecord{b: &got}); err != nil {
		t.Fatalf("unmarshal %s: %v", data, err)
	}
	if got != b {
		t.Fatalf("decoded %+v, want %+v", got, b)
	}
	a, err := bucketAgg(data, DiskWriteBytes)
	if err != nil || a != (agg{sum: 6, min: 1, max: 3, n: 3}) {
		t.Fatalf("read %+v, %v", a, err)
	}
}

func TestDecodeRefusesMalformedRecords(t *testing.T) {
	tests := []struct {
		name string
		data string
		read func([]byte) error
		want error
	}{
		{name: "not an array", data: `{"a":1}`, read: func(d []byte) error { _, err := sampleAgg(d, 0); return err }},
		{name: "short bucket", data: `[1,2,3,4,5,6]`, read: func(d []byte) error { _, err := bucketAgg(d, MemoryUtilization); return err }, want: errShortRecord},
		{name: "bad number", data: `[1,x]`, read: func(d []byte) error { _, _, err := decodeSample(d); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read([]byte(tt.data))
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got %v, want an error (%v)", err, tt.want)
			}
		})
	}
	// Spaces, as another JSON writer might leave, are fine.
	a, err := sampleAgg([]byte(` [ 0 , 1 , null , 2.5 ] `), 2)
	if err != nil || a.sum != 2.5 || math.IsNaN(a.sum) {
		t.Fatalf("read %+v, %v", a, err)
	}
}

func TestOlderRecordsLackLaterMetrics(t *testing.T) {
	// Records written before a metric existed read as "not reported".
	if a, err := sampleAgg([]byte(`[0,1,2]`), NetworkOut); err != nil || a.n != 0 {
		t.Fatalf("short sample: %+v, %v", a, err)
	}
	if a, err := bucketAgg([]byte(`[1,1,1,1]`), NetworkOut); err != nil || a.n != 0 {
		t.Fatalf("short bucket: %+v, %v", a, err)
	}
}
