package filestore

// SetPackLimit lets tests fill a pack with a few appends.
func SetPackLimit(p *Packs, n int64) { p.limit = n }
