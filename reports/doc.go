// Package reports will render luosim's results as plots (gonum/plot) and
// HTML, Markdown and text reports. It is empty until the statistics and
// report work lands; it sits between bench and cmd/luosim in the import
// order.
package reports
