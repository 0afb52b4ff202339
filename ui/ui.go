package ui

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// FS holds the UI's files, index.html at the root.
var FS, _ = fs.Sub(static, "static")

// Handler serves index.html at / and the other files under /assets/, with
// a content security policy that allows no resource from elsewhere.
func Handler() http.Handler {
	files := http.StripPrefix("/assets/", http.FileServerFS(FS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-cache")
		if r.URL.Path == "/" {
			http.ServeFileFS(w, r, FS, "index.html")
			return
		}
		files.ServeHTTP(w, r)
	})
}
