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
	f.Add([]byte(sweepBase))
	f.Add([]byte(sweepBase + "sweep:\n  sessions.count: [8, 32]\n  handlers.mem.fd.preserve.mean: [100us, 1ms]\n  handlers.mem.fd.retrieve.max: [5us, 9us]\n"))
	f.Add([]byte(sweepBase + "sweep:\n  workload.warmup: [0, 1ms]\n  faults.rmmod.rate: [1/s]\n  machine.line_transfer: [1ns]\n  handlers.dev.memory: [1MiB]\n"))
	f.Add([]byte(base + "sweep:\n  sessions.files.h.count: [1, 2]\n  limits.sessions: [744]\n"))
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
		j := s.CanonicalJSON()
		if !json.Valid(j) || !bytes.Equal(j, s2.CanonicalJSON()) {
			t.Fatalf("canonical JSON invalid or unstable: %s", j)
		}
		s3, err := Parse("c.json", j)
		if err != nil {
			t.Fatalf("canonical JSON does not parse: %v\n%s", err, j)
		}
		if s3.SHA256() != s.SHA256() {
			t.Fatalf("canonical JSON parses to another scenario:\n%s\nthen:\n%s", j, s3.CanonicalJSON())
		}
		// Every point of the grid is a valid scenario: applying it builds
		// its distributions without panicking, and its canonical form
		// parses.
		pts := s.Points()
		for i := 0; i < len(pts); i += max(1, len(pts)/8) {
			a := s.At(pts[i])
			if _, err := Parse("p.yaml", a.CanonicalYAML()); err != nil {
				t.Fatalf("point %s: %v\n%s", pts[i].Key(), err, a.CanonicalYAML())
			}
		}
		if est := s.EstimateEvents(); !(est >= 0) {
			t.Fatalf("EstimateEvents = %g", est)
		}
	})
}
