module github.com/luosim/luosim

go 1.26

require (
	github.com/montanaflynn/stats v0.14.0
	gonum.org/v1/gonum v0.17.0
)

require go.yaml.in/yaml/v3 v3.0.6
