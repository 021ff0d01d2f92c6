package reports

import (
	"bytes"
	_ "embed"
	"html/template"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate renders report.html. Every string of the report model is
// escaped by html/template; only the SVG of our own plots is inserted as
// is (its text was escaped by vgsvg).
var htmlTemplate = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"svg": func(b []byte) template.HTML { return template.HTML(htmlSVG(b)) },
}).Parse(htmlSource))

// htmlSVG prepares an SVG document for inlining in HTML: no XML prologue
// or comment, and no namespace declarations (an HTML parser puts <svg> in
// the SVG namespace by itself), so the page names no URL at all.
func htmlSVG(doc []byte) []byte {
	b := inlineSVG(doc)
	for _, attr := range []string{"\n\txmlns=\"http://www.w3.org/2000/svg\"", "\n\txmlns:xlink=\"http://www.w3.org/1999/xlink\""} {
		b = bytes.Replace(b, []byte(attr), nil, 1)
	}
	return b
}

func (r *report) html() ([]byte, error) {
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
