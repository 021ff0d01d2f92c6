package workload

import (
	"testing"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// tally is a Recorder that counts and sums.
type tally struct {
	n    [lockmodels.NumOps]int
	lat  [lockmodels.NumOps]sim.Time
	wait [lockmodels.NumOps]sim.Time
	fail [lockmodels.NumOps]int
}

func (t *tally) Record(op lockmodels.Op, s Sample) {
	t.n[op]++
	t.lat[op] += s.Latency
	t.wait[op] += s.Wait
	if s.Failed {
		t.fail[op]++
	}
}

// fleet is a small vm-fleet-like scenario built in Go.
func fleet(machine string, sessions int) *Scenario {
	prof, _ := lockmodels.LookupProfile(machine)
	var memfd, vfio Handler
	memfd = Handler{Name: "memfd", Module: Builtin, FileOwner: Builtin}
	memfd.Cost[Preserve] = sim.LogNormalDist(100e3, 0.5)
	memfd.Cost[Retrieve] = sim.LogNormalDist(80e3, 0.5)
	vfio = Handler{Name: "vfio-pci", Module: "vfio_pci", FileOwner: "vfio", FLBs: []string{"iommu-core"}}
	vfio.Cost[Preserve] = sim.ConstDist(20e3)
	vfio.Cost[Freeze] = sim.ConstDist(100e6)
	vfio.Cost[Retrieve] = sim.ConstDist(500e3)
	flb := FLB{Name: "iommu-core", Module: Builtin}
	flb.Cost[Preserve] = sim.ConstDist(5e6)
	flb.Cost[Finish] = sim.ConstDist(1e6)
	return &Scenario{Name: "test", Seed: 1, Replications: 1, Machine: Machine{Base: machine, Profile: prof},
		CPUs: []int{4}, Handlers: []Handler{memfd, vfio}, FLBs: []FLB{flb},
		Sessions: Sessions{Count: sessions, Files: []FileGroup{{"memfd", 4}, {"vfio-pci", 2}}},
		Workload: Workload{Kind: Lifecycle},
		Faults:   Faults{RmmodRate: 1000, RmmodModules: []string{"vfio_pci"}}}
}

func TestLifecycleSmoke(t *testing.T) {
	for _, name := range []string{"v0-pinned", "v1-per-file", "v2-no-refcount", "v3-merged", "global-mutex"} {
		d, _ := lockmodels.LookupDesign(name)
		sc := fleet("xeon2s-icx", 8)
		var tl tally
		res := Run(sc, Point{Design: d, CPUs: 4}, 0, &tl)
		t.Logf("%s: phases %+v blocked %d hazards %d events %d preserve mean %v retrieve mean %v", name, res.Phases, res.Blocked, res.Hazards, res.Events,
			tl.lat[lockmodels.OpPreserve]/sim.Time(max(1, tl.n[lockmodels.OpPreserve])), tl.lat[lockmodels.OpRetrieve]/sim.Time(max(1, tl.n[lockmodels.OpRetrieve])))
		if tl.n[lockmodels.OpPreserve] != 8*6 || tl.n[lockmodels.OpRetrieve] != 8*6 || tl.n[lockmodels.OpFinish] != 8 || tl.n[lockmodels.OpCreate] != 8 {
			t.Errorf("%s: op counts %v", name, tl.n)
		}
		for _, l := range res.Locks {
			t.Logf("  %s %+v", l.Name, l.Stats)
		}
	}
}
