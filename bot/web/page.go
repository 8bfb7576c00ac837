package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"io/fs"

	"github.com/gin-gonic/gin"
)

// Page is a server-rendered HTML page set opened by signed link (the officer page, the report form):
// its templates and its one stylesheet, served under a Content-Security-Policy that allows that
// stylesheet (by hash), posting to itself, and nothing else — no script, no outside resource.
type Page struct {
	Templates *template.Template
	CSS       template.CSS
	csp       string
}

// NewPage parses the *.html templates of files (with funcs) and reads its stylesheet cssName.
// Both are embedded at build time, so a failure is a programming error: it panics.
func NewPage(files fs.FS, cssName string, funcs template.FuncMap) Page {
	css, err := fs.ReadFile(files, cssName)
	if err != nil {
		panic("web.NewPage: " + err.Error())
	}
	sum := sha256.Sum256(css)
	return Page{
		Templates: template.Must(template.New("").Funcs(funcs).ParseFS(files, "*.html")),
		CSS:       template.CSS(css),
		csp:       "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	}
}

// Render executes template name into memory first (a failure is a clean 500 with fallback, not half
// a page) and sends it with the headers a page whose address is a credential needs.
func (p Page) Render(c *gin.Context, status int, name string, data any, fallback string) {
	var buf bytes.Buffer
	if err := p.Templates.ExecuteTemplate(&buf, name, data); err != nil {
		Log(c).Error().Err(err).Str("template", name).Msg("page template failed")
		status, buf = 500, bytes.Buffer{}
		buf.WriteString(fallback)
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", p.csp)
	h.Set("Referrer-Policy", "no-referrer") // the address is the credential
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
