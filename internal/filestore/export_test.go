package filestore

import (
	"os"
	"time"
)

// SetPackLimit lets tests fill a pack with a few appends.
func SetPackLimit(p *Packs, n int64) { p.limit = n }

// SetPackAge lets tests leave packs after d.
func SetPackAge(p *Packs, d time.Duration) { p.age = d }

// BreakPack closes the file of the tenant's active pack under the packs'
// feet, so the next write to it fails as a failing disk would.
func BreakPack(p *Packs, tenantID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active[tenantID].f.Close()
}

// SetBuffered makes new packs go through the page cache, as after a
// refused direct write.
func SetBuffered(p *Packs) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buffered = true
}

// ActiveIsDirect reports whether the tenant's active pack bypasses the
// page cache.
func ActiveIsDirect(p *Packs, tenantID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	pk := p.active[tenantID]
	return pk != nil && pk.direct
}

// RefuseDirectWrites makes every direct write fail as a file system that
// takes the flag but not the write would.
func RefuseDirectWrites(p *Packs) {
	p.writeDirect = func(*os.File, [][]byte, int, int64) error { return errNoDirect }
}
