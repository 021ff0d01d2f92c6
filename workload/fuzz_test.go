package workload

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, n := range EmbeddedNames() {
		src, err := EmbeddedSource(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
		s, err := Embedded(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s.CanonicalYAML())
	}
	f.Add([]byte(base))
	f.Add([]byte(base + "workload: {kind: steady, arrival: {kind: open, rate: 1e6/s}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data)
		if err != nil {
			var pe *PosError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v (%T) is not a positioned error", err, err)
			}
			return
		}
		c := s.CanonicalYAML()
		s2, err := Parse("c.yaml", c)
		if err != nil {
			t.Fatalf("canonical YAML does not parse: %v\n%s", err, c)
		}
		if c2 := s2.CanonicalYAML(); !bytes.Equal(c, c2) {
			t.Fatalf("canonical YAML is not a fixed point:\n%s\nthen:\n%s", c, c2)
		}
		if j := s.CanonicalJSON(); !json.Valid(j) || !bytes.Equal(j, s2.CanonicalJSON()) {
			t.Fatalf("canonical JSON invalid or unstable: %s", j)
		}
	})
}
