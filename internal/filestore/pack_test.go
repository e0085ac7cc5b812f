package filestore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/filestore"
)

// packIDs names packs p1, p2, … in the order they are started.
func packIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("p%d", n.Add(1)) }
}

func content(i, size int) []byte {
	return bytes.Repeat([]byte{byte('A' + i%26)}, size)
}

func readLoc(t *testing.T, p *filestore.Packs, tenantID string, loc filestore.Loc) []byte {
	t.Helper()
	r, err := p.Open(tenantID, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPackAppendsInParallel appends contents of many sizes, several
// parts each, directly (where the file system allows it) and through the
// page cache.
func TestPackAppendsInParallel(t *testing.T) {
	t.Parallel()
	for _, buffered := range []bool{false, true} {
		t.Run(fmt.Sprintf("buffered=%v", buffered), func(t *testing.T) {
			t.Parallel()
			p := filestore.NewPacks(filestore.New(filepath.Join(t.TempDir(), "files")), packIDs())
			if buffered {
				filestore.SetBuffered(p)
			}
			locs := make([]filestore.Loc, 40)
			var wg sync.WaitGroup
			for i := range locs {
				wg.Go(func() {
					c := content(i, 3000+i*997)
					loc, err := p.Append("dorsten", c[:7], c[7:100], c[100:])
					if err != nil {
						t.Error(err)
					}
					locs[i] = loc
				})
			}
			wg.Wait()
			if want := !buffered && directIO(t); filestore.ActiveIsDirect(p, "dorsten") != want {
				t.Errorf("pack bypasses the page cache: %v, want %v", !want, want)
			}
			sorted := append([]filestore.Loc(nil), locs...)
			sort.Slice(sorted, func(a, b int) bool { return sorted[a].Offset < sorted[b].Offset })
			for i, loc := range sorted {
				if loc.Pack != "p1" || loc.Offset%4096 != 0 {
					t.Errorf("range %+v: want pack p1 at a block boundary", loc)
				}
				if i > 0 && sorted[i-1].Offset+sorted[i-1].Length > loc.Offset {
					t.Errorf("ranges overlap: %+v, %+v", sorted[i-1], loc)
				}
			}
			for i, loc := range locs {
				if got := readLoc(t, p, "dorsten", loc); !bytes.Equal(got, content(i, 3000+i*997)) {
					t.Errorf("content %d: read %d bytes, not what was appended", i, len(got))
				}
			}
		})
	}
}

// TestPackFallsBackWhenDirectIsRefused: a file system that takes the
// direct flag but refuses the write loses no append: the pack is left,
// the append goes to a new pack through the page cache, and so do later
// ones.
func TestPackFallsBackWhenDirectIsRefused(t *testing.T) {
	t.Parallel()
	if !directIO(t) {
		t.Skip("no direct I/O in the test folder")
	}
	p := filestore.NewPacks(filestore.New(filepath.Join(t.TempDir(), "files")), packIDs())
	filestore.RefuseDirectWrites(p)
	for i, want := range []string{"p2", "p2"} {
		c := content(i, 5000)
		loc, err := p.Append("dorsten", c)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if loc.Pack != want || filestore.ActiveIsDirect(p, "dorsten") {
			t.Errorf("append %d went to %s (direct %v), want %s through the page cache", i, loc.Pack, filestore.ActiveIsDirect(p, "dorsten"), want)
		}
		if got := readLoc(t, p, "dorsten", loc); !bytes.Equal(got, c) {
			t.Errorf("append %d reads back %d bytes, not what was appended", i, len(got))
		}
	}
}

// directIO reports whether the test's temporary folder takes direct I/O.
func directIO(t *testing.T) bool {
	if runtime.GOOS != "linux" {
		return false
	}
	f, err := os.OpenFile(filepath.Join(t.TempDir(), "probe"), os.O_RDWR|os.O_CREATE|directFlag, 0o600)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

func TestPackStartsANewPackWhenFull(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "files")
	p := filestore.NewPacks(filestore.New(dir), packIDs())
	filestore.SetPackLimit(p, 3*4096)
	var packs []string
	for i := range 5 {
		loc, err := p.Append("dorsten", content(i, 4000))
		if err != nil {
			t.Fatal(err)
		}
		packs = append(packs, loc.Pack)
	}
	if want := []string{"p1", "p1", "p1", "p2", "p2"}; fmt.Sprint(packs) != fmt.Sprint(want) {
		t.Fatalf("packs %v, want %v", packs, want)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "dorsten", filestore.PackFolder))
	if err != nil || len(entries) != 2 {
		t.Fatalf("pack folder: %v, %v", entries, err)
	}
}

func TestPackIsLeftWhenOld(t *testing.T) {
	t.Parallel()
	p := filestore.NewPacks(filestore.New(filepath.Join(t.TempDir(), "files")), packIDs())
	filestore.SetPackAge(p, 20*time.Millisecond)
	first, err := p.Append("dorsten", []byte("Antrag"))
	if err != nil {
		t.Fatal(err)
	}
	same, err := p.Append("dorsten", []byte("Antrag"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	later, err := p.Append("dorsten", []byte("Antrag"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Pack != same.Pack || later.Pack == first.Pack {
		t.Errorf("packs %s, %s, then %s after the pack's age: want the first two alike, the third new", first.Pack, same.Pack, later.Pack)
	}
}

func TestPackIsLeftAfterAFailedAppend(t *testing.T) {
	t.Parallel()
	p := filestore.NewPacks(filestore.New(filepath.Join(t.TempDir(), "files")), packIDs())
	first, err := p.Append("dorsten", []byte("Antrag"))
	if err != nil {
		t.Fatal(err)
	}
	filestore.BreakPack(p, "dorsten")
	if _, err := p.Append("dorsten", []byte("Antrag")); err == nil {
		t.Fatal("append to a broken pack succeeded")
	}
	next, err := p.Append("dorsten", []byte("Antrag"))
	if err != nil || next.Pack == first.Pack {
		t.Errorf("append after the failure: pack %s (the broken one is %s), %v", next.Pack, first.Pack, err)
	}
}

func TestPunchFreesOnlyItsRange(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "files")
	p := filestore.NewPacks(filestore.New(dir), packIDs())
	var locs []filestore.Loc
	for i := range 3 {
		loc, err := p.Append("dorsten", content(i, 64<<10+5))
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, loc)
	}
	before := blocks(t, filepath.Join(dir, "dorsten", filestore.PackFolder, "p1"))
	if err := p.Punch("dorsten", locs[1]); err != nil {
		t.Fatal(err)
	}
	if got := readLoc(t, p, "dorsten", locs[1]); !bytes.Equal(got, make([]byte, len(got))) {
		t.Error("punched range still holds content")
	}
	for _, i := range []int{0, 2} {
		if got := readLoc(t, p, "dorsten", locs[i]); !bytes.Equal(got, content(i, 64<<10+5)) {
			t.Errorf("neighbour %d changed by the punch", i)
		}
	}
	if runtime.GOOS == "linux" {
		if after := blocks(t, filepath.Join(dir, "dorsten", filestore.PackFolder, "p1")); after >= before {
			t.Errorf("blocks %d before, %d after the punch: nothing freed", before, after)
		}
	}
}

func blocks(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	return st.Blocks
}

func TestPackNamesAreChecked(t *testing.T) {
	t.Parallel()
	p := filestore.NewPacks(filestore.New(t.TempDir()), func() string { return "../x" })
	if _, err := p.Append("dorsten", []byte("x")); !errors.Is(err, filestore.ErrBadName) {
		t.Errorf("pack named ../x: %v", err)
	}
	p = filestore.NewPacks(filestore.New(t.TempDir()), packIDs())
	for _, loc := range []filestore.Loc{{Pack: "../../etc"}, {Pack: ".tmp"}, {Pack: ""}} {
		if _, err := p.Open("dorsten", loc); !errors.Is(err, filestore.ErrBadName) {
			t.Errorf("Open %q: %v", loc.Pack, err)
		}
	}
	if _, err := p.Append("../dorsten", []byte("x")); !errors.Is(err, filestore.ErrBadName) {
		t.Errorf("tenant ../dorsten: %v", err)
	}
}

// TestSweepPacks: the sweeper frees ranges no row names and packs no row
// names, and leaves alone what a row names, the pack this process appends
// to, a pack another process holds, and a pack written within the grace
// period.
func TestSweepPacks(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("packs are swept where locks and holes are known (Linux)")
	}
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "files")
	s := filestore.New(dir)
	p := filestore.NewPacks(s, packIDs())
	filestore.SetPackLimit(p, 4*4096)
	var locs []filestore.Loc
	for i := range 13 { // p1: 0–3, p2: 4–7, p3: 8–11, p4 (active): 12
		loc, err := p.Append("dorsten", content(i, 4000))
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, loc)
	}
	packDir := filepath.Join(dir, "dorsten", filestore.PackFolder)
	old := time.Now().Add(-2 * time.Hour)
	for _, name := range []string{"p1", "p2", "p3", "p4"} {
		if err := os.Chtimes(filepath.Join(packDir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	// Another process's sweeper or appender holds p3.
	other, err := os.OpenFile(filepath.Join(packDir, "p3"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := syscall.Flock(int(other.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	// Rows name 0, 2 and 3 of p1, nothing in p2 and p4.
	liveSet := map[int]bool{0: true, 2: true, 3: true}
	live := func(_ context.Context, tenantID, pack string) ([]filestore.Loc, error) {
		var out []filestore.Loc
		for i, loc := range locs {
			if liveSet[i] && loc.Pack == pack && tenantID == "dorsten" {
				out = append(out, loc)
			}
		}
		return out, nil
	}
	freed, err := p.Sweep(ctx, time.Hour, live)
	if err != nil {
		t.Fatal(err)
	}
	if freed != 2 { // the range 1 of p1, and p2 whole
		t.Errorf("freed %d, want 2", freed)
	}
	for i := range 4 {
		got := readLoc(t, p, "dorsten", locs[i])
		if want := content(i, 4000); liveSet[i] != bytes.Equal(got, want) {
			t.Errorf("range %d of p1: live %v, content kept %v", i, liveSet[i], bytes.Equal(got, want))
		}
	}
	if _, err := os.Stat(filepath.Join(packDir, "p2")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("p2, named by no row: %v", err)
	}
	for _, i := range []int{8, 12} { // held by another process; this process's own
		if got := readLoc(t, p, "dorsten", locs[i]); !bytes.Equal(got, content(i, 4000)) {
			t.Errorf("range %d swept", i)
		}
	}
	// A second sweep finds the hole already punched.
	if freed, err := p.Sweep(ctx, time.Hour, live); err != nil || freed != 0 {
		t.Errorf("second sweep freed %d, %v", freed, err)
	}
	// Within the grace period nothing goes, even without a row and lock:
	// the pack of a process that just stopped.
	if err := os.WriteFile(filepath.Join(packDir, "fresh"), []byte("Antrag"), 0o600); err != nil {
		t.Fatal(err)
	}
	none := func(context.Context, string, string) ([]filestore.Loc, error) { return nil, nil }
	if _, err := p.Sweep(ctx, time.Hour, none); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(packDir, "fresh")); err != nil {
		t.Errorf("fresh pack swept: %v", err)
	}
}
