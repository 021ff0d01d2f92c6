package reports_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestHTML parses report.html with an HTML parser: no script, no external
// resource or link, one <svg> per plot, the scenario's name escaped.
func TestHTML(t *testing.T) {
	files := tinyFiles(t)
	page := files["report.html"]
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var plots int
	for name := range files {
		if strings.HasPrefix(name, "plots/") && strings.HasSuffix(name, ".svg") {
			plots++
		}
	}
	if plots < 8 {
		t.Errorf("only %d plots for the tiny scenario", plots)
	}
	external := regexp.MustCompile(`(?i)(https?:|ftp:|//[a-z0-9])`)
	var svgs, figures int
	var text strings.Builder // the page's text
	var walk func(n *html.Node, inSVG bool)
	walk = func(n *html.Node, inSVG bool) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Link, atom.Iframe, atom.Object, atom.Embed, atom.Img, atom.Base, atom.Form, atom.Audio, atom.Video, atom.Source:
				t.Errorf("report.html has a <%s> element", n.Data)
			case atom.Svg:
				if !inSVG {
					svgs++
				}
				inSVG = true
			case atom.Figure:
				figures++
			}
			if n.Data == "image" || n.Data == "use" || n.Data == "foreignObject" {
				t.Errorf("report.html has an SVG <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case key == "xmlns" || strings.HasPrefix(key, "xmlns:") || a.Namespace == "xmlns":
					// A namespace name, never fetched.
				case strings.HasPrefix(key, "on"):
					t.Errorf("<%s %s=%q>: an event handler", n.Data, a.Key, a.Val)
				case key == "href" || strings.HasSuffix(key, ":href") || a.Namespace != "" && key == "href":
					if !strings.HasPrefix(a.Val, "#") {
						t.Errorf("<%s %s=%q>: a link out of the page", n.Data, a.Key, a.Val)
					}
				case key == "src" || key == "srcset" || key == "action" || key == "formaction" || key == "poster":
					t.Errorf("<%s %s=%q>: an external resource", n.Data, a.Key, a.Val)
				case key == "style" && (strings.Contains(a.Val, "url(") || strings.Contains(a.Val, "@import")):
					t.Errorf("<%s style=%q>: an external resource", n.Data, a.Val)
				case external.MatchString(a.Val):
					t.Errorf("<%s %s=%q>: a URL", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode && n.Parent != nil && n.Parent.DataAtom == atom.Style {
			if strings.Contains(n.Data, "url(") || strings.Contains(n.Data, "@import") || strings.Contains(n.Data, "@font-face") {
				t.Errorf("report.html's <style> loads a resource: %q", n.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inSVG)
		}
	}
	walk(doc, false)
	if svgs != plots || figures != plots {
		t.Errorf("report.html has %d <svg> and %d <figure> elements, want one per plot: %d", svgs, figures, plots)
	}
	// No text of the page names a URL either (namespace attributes
	// aside, which the walk allowed).
	raw := regexp.MustCompile(`xmlns(:\w+)?="[^"]*"`).ReplaceAll(page, nil)
	if m := external.Find(raw); m != nil {
		i := bytes.Index(raw, m)
		t.Errorf("report.html names a URL: %q", raw[max(i-40, 0):min(i+60, len(raw))])
	}
	// The scenario is named "tiny <golden> & co": escaped everywhere.
	if bytes.Contains(page, []byte("<golden>")) {
		t.Error("report.html has the scenario name unescaped")
	}
	if !bytes.Contains(page, []byte("tiny &lt;golden&gt; &amp; co")) {
		t.Error("report.html lacks the escaped scenario name")
	}
	for name, b := range files {
		if strings.HasSuffix(name, ".svg") && bytes.Contains(b, []byte("<golden>")) {
			t.Errorf("%s has the scenario name unescaped", name)
		}
	}
	// In report.md, outside code blocks (which a forge shows verbatim).
	md := regexp.MustCompile("(?s)\n```[a-z]*\n.*?\n```\n").ReplaceAll(files["report.md"], nil)
	if bytes.Contains(md, []byte("<golden>")) || !bytes.Contains(md, []byte("tiny &lt;golden&gt; &amp; co")) {
		t.Error("report.md does not escape the scenario name")
	}
	for _, section := range []string{"summary", "tables", "plots", "safety", "locks", "scenario", "reproducibility"} {
		if !bytes.Contains(page, []byte(`<section id="`+section+`">`)) {
			t.Errorf("report.html lacks the %s section", section)
		}
	}
	for _, want := range []string{"tiny <golden> & co", "0123456789ab+dirty", "go1.26.8", "luosim run -o 'out dir' testdata/tiny.yaml",
		"SIMULATED", "UNSAFE", "scenario SHA-256", "seed"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report.html's text lacks %q", want)
		}
	}
}
