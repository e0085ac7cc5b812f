package filestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Live lists the ranges that rows name in a tenant's pack, by offset.
type Live func(ctx context.Context, tenantID, pack string) ([]Loc, error)

// Sweep frees what no row names in the packs that no process appends to
// and that were last written more than olderThan ago: ranges whose row
// was deleted without punching them (inside a caller's transaction, or a
// crash between commit and punch), and ranges whose row never committed.
// The grace period covers a range between its append and its row's
// commit, which may end after its pack was left. A pack that no row
// names any more is removed. Sweep returns how many ranges and packs it
// freed.
func (p *Packs) Sweep(ctx context.Context, olderThan time.Duration, live Live) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	return p.store.eachTenant(ctx, "sweep packs", func(tenantID string) (int, error) {
		packs, err := os.ReadDir(filepath.Join(p.store.dir, tenantID, PackFolder))
		if errors.Is(err, fs.ErrNotExist) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("filestore: sweep packs: %w", err)
		}
		freed := 0
		var errs []error
		for _, e := range packs {
			if ctx.Err() != nil {
				break
			}
			if !e.Type().IsRegular() || !validID(e.Name()) || p.isActive(tenantID, e.Name()) {
				continue
			}
			n, err := p.sweepPack(ctx, tenantID, e.Name(), cutoff, live)
			freed += n
			if err != nil {
				errs = append(errs, err)
			}
		}
		return freed, errors.Join(errs...)
	})
}

func (p *Packs) sweepPack(ctx context.Context, tenantID, name string, cutoff time.Time, live Live) (int, error) {
	f, err := p.openPack(tenantID, name, os.O_RDWR)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if ok, err := unlocked(f); !ok || err != nil {
		return 0, err // another process appends to it
	}
	info, err := f.Stat()
	if err != nil || !info.ModTime().Before(cutoff) {
		return 0, err
	}
	ranges, err := live(ctx, tenantID, name)
	if err != nil {
		return 0, fmt.Errorf("filestore: sweep pack %s: %w", name, err)
	}
	if len(ranges) == 0 {
		if err := os.Remove(f.Name()); err != nil {
			return 0, fmt.Errorf("filestore: sweep pack %s: %w", name, err)
		}
		return 1, nil
	}
	freed := 0
	var cur int64
	for _, g := range append(ranges, Loc{Offset: alignUp(info.Size())}) {
		if g.Offset > cur {
			n, err := freeGap(f, cur, g.Offset)
			freed += n
			if err != nil {
				return freed, fmt.Errorf("filestore: sweep pack %s: %w", name, err)
			}
		}
		cur = max(cur, alignUp(g.Offset+g.Length))
	}
	return freed, nil
}

// freeGap punches [off, end) unless it is a hole already.
func freeGap(f *os.File, off, end int64) (int, error) {
	data, err := hasData(f, off, end)
	if err != nil || !data {
		return 0, err
	}
	if err := punch(f, off, end-off); err != nil {
		return 0, err
	}
	return 1, nil
}

func alignUp(n int64) int64 { return (n + packAlign - 1) / packAlign * packAlign }
