package reports_test

import (
	"sync"
	"testing"

	"github.com/luosim/luosim/bench"
	"github.com/luosim/luosim/reports"
	"github.com/luosim/luosim/workload"
)

// defaultDoc is the default scenario's result document, run once.
var defaultDoc = sync.OnceValue(func() *bench.Document {
	return bench.Run(workload.Default(), bench.RunConfig{Version: "bench", Workers: 2})
})

// BenchmarkFiles renders the default scenario's whole report; issue 5
// asks for at most 2 s.
func BenchmarkFiles(b *testing.B) {
	doc := defaultDoc()
	inv := &reports.Invocation{Command: []string{"luosim", "run"}, Go: "go1.26.8"}
	for b.Loop() {
		if _, err := reports.Files(doc, inv); err != nil {
			b.Fatal(err)
		}
	}
}
