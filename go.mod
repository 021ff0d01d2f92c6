module github.com/luosim/luosim

go 1.26.0

require gonum.org/v1/gonum v0.17.0

require go.yaml.in/yaml/v3 v3.0.6

require github.com/montanaflynn/stats v0.14.0

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da
)
