package sim_test

// The regression test pins the exact event trace of a fixed model and seed,
// in the spirit of math/rand/v2's regress_test.go. Any change to event
// ordering, seeding or sampling changes the hash. If the change is
// intended, refresh the golden file with
//
//	go test ./sim -run TestRegress -update

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luosim/luosim/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// tracer is a small multi-server model exercising every distribution, the
// FIFO fast path and equal-time ties; it hashes every event it sees.
type tracer struct {
	eng   *sim.Engine
	id    sim.HandlerID
	r     *rand.Rand
	dists []sim.Dist
	busy  int
	wait  int
	h     hashWriter
}

type hashWriter struct{ buf []byte }

func (w *hashWriter) add(vs ...int64) {
	for _, v := range vs {
		w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(v))
	}
}

const (
	trArrive int32 = iota
	trDone
	trHandoff
)

func (m *tracer) Handle(ev sim.Event) {
	m.h.add(int64(ev.At), int64(ev.Op), int64(ev.Arg))
	switch ev.Op {
	case trArrive:
		d := m.dists[int(ev.Arg)%len(m.dists)]
		if m.busy < 3 {
			m.busy++
			m.eng.Schedule(d.Sample(m.r), m.id, trDone, ev.Arg)
		} else {
			m.wait++
		}
		// Arrivals on a coarse grid make equal-time ties common.
		m.eng.Schedule(sim.Time(m.r.IntN(4))*500, m.id, trArrive, ev.Arg+1)
	case trDone:
		m.busy--
		if m.wait > 0 {
			m.wait--
			m.busy++
			m.eng.Schedule(0, m.id, trHandoff, ev.Arg)
		}
	case trHandoff:
		m.eng.Schedule(m.dists[0].Sample(m.r), m.id, trDone, ev.Arg)
	}
	if m.eng.Executed() == 20000 {
		m.eng.Stop()
	}
}

func traceHash() string {
	m := &tracer{eng: sim.New(), r: sim.NewRNG(42, "regress"), dists: []sim.Dist{
		sim.ExpDist(900), sim.ConstDist(700), sim.UniformDist(100, 1500), sim.LogNormalDist(800, 0.5),
		sim.NormalDist(600, 300), sim.H2Dist(1000, 2), sim.EmpiricalDist([]sim.Time{100, 900, 2000}),
	}}
	m.id = m.eng.Register(m)
	m.eng.Schedule(0, m.id, trArrive, 0)
	m.eng.Schedule(0, m.id, trArrive, 1000)
	m.eng.Run()
	sum := sha256.Sum256(m.h.buf)
	return hex.EncodeToString(sum[:])
}

func TestRegressTrace(t *testing.T) {
	got := traceHash()
	if again := traceHash(); again != got {
		t.Fatalf("two runs of the same model differ: %s vs %s", got, again)
	}
	golden := filepath.Join("testdata", "trace.sha256")
	if *update {
		if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if w := strings.TrimSpace(string(want)); got != w {
		t.Errorf("event trace hash = %s, want %s: ordering, seeding or sampling changed (refresh with -update if intended)", got, w)
	}
}
