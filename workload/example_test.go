package workload_test

import (
	"fmt"
	"os"

	"github.com/luosim/luosim/workload"
)

func ExampleParse() {
	src := `name: one-handler
cpus: [1, 8]
designs: [v3-merged, {session: global, refcount: none, registry: rcu}]
handlers:
  - name: vfio-pci
    module: vfio_pci
    file_owner: vfio
    preserve: {dist: exp, mean: 2us}
sessions:
  count: 8
  files: [{handler: vfio-pci, count: 2}]
workload: {kind: steady, duration: 20ms}
`
	s, err := workload.Parse("example.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(s.CanonicalYAML())

	_, err = workload.Parse("bad.yaml", []byte("designs: [v9]\n"))
	fmt.Println(err)
	// Output:
	// name: one-handler
	// seed: 1
	// replications: 3
	// machine: xeon2s-icx
	// cpus: [1, 8]
	// designs: [v3-merged, {session: global, refcount: none, registry: rcu}]
	// handlers:
	//   - name: vfio-pci
	//     module: vfio_pci
	//     file_owner: vfio
	//     preserve: {dist: exp, mean: 2us}
	// flbs: []
	// sessions:
	//   count: 8
	//   files:
	//     - {handler: vfio-pci, count: 2}
	// workload:
	//   kind: steady
	//   arrival: {kind: closed, think: {dist: const, value: 0}}
	//   mix: {preserve: 1}
	//   duration: 20ms
	//   warmup: 2ms
	// faults: {}
	// limits: none
	// bad.yaml:1: unknown design "v9"
}
