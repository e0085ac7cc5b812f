// Package static serves the embedded style sheets and fonts (KERN UX and the
// portal's own) under content-hashed URLs, so browsers cache them for a year
// and still see every change at once.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed kern/kern.min.css kern/fonts/*.woff2 kern/fonts/OFL.txt kern/LICENSE-KERN-UX.md css/*.css
var files embed.FS

// Prefix is the URL path under which the files are served.
const Prefix = "/static/"

var hashes = func() map[string]string {
	m := map[string]string{}
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return m
}()

// URL returns the cache-busting URL of an embedded file, e.g.
// URL("css/portal.css") = "/static/css/portal.css?v=1a2b3c4d5e6f". It
// panics on an unknown name so that a typo in a template fails the tests.
func URL(name string) string {
	h, ok := hashes[name]
	if !ok {
		panic("static: no file " + name)
	}
	return Prefix + name + "?v=" + h
}

func init() {
	mime.AddExtensionType(".woff2", "font/woff2")
	mime.AddExtensionType(".md", "text/plain; charset=utf-8")
}

// Handler serves the files below Prefix.
func Handler() http.Handler {
	fileServer := http.FileServerFS(files)
	return http.StripPrefix(strings.TrimSuffix(Prefix, "/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		h, ok := hashes[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		if strings.HasSuffix(name, ".txt") {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		fileServer.ServeHTTP(w, r)
	}))
}
