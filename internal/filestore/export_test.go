package filestore

import "time"

// SetPackLimit lets tests fill a pack with a few appends.
func SetPackLimit(p *Packs, n int64) { p.limit = n }

// SetPackAge lets tests leave packs after d.
func SetPackAge(p *Packs, d time.Duration) { p.age = d }
