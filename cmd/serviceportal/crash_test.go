package main

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// crashKills is how often the crash test kills the portal: a few in the
// normal test run, SERVICEPORTAL_CRASH_KILLS=200 for the full run.
func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("SERVICEPORTAL_CRASH_KILLS")); err == nil && n > 0 {
		return n
	}
	return 4
}

// acked is a submission the portal confirmed with a 2xx answer.
type acked struct {
	id, tracking, sha string
}

// TestCrashLosesNoAcknowledgedSubmission sends applications with a file
// while killing the portal with SIGKILL at random moments. After every
// restart, each application that got a 2xx receipt must exist with its
// file's SHA-512, and SQLite must pass its integrity check.
func TestCrashLosesNoAcknowledgedSubmission(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			dataDir := t.TempDir()
			env := []string{"SERVICEPORTAL_DATA=" + dataDir, "SERVICEPORTAL_LOG_FORMAT=json"}
			var dbURL string
			if d == store.Postgres {
				dbURL = storetest.Schema(t)
				env = append(env, "SERVICEPORTAL_DATABASE_URL="+dbURL)
			}
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
			var mu sync.Mutex
			var confirmed []acked
			kills := crashKills()
			for round := range kills {
				p := start(t, env)
				stop := make(chan struct{})
				// The kill comes at a random moment after the round's first
				// receipt: right after a start (and under the race detector
				// on a busy machine) the first application can take longer
				// than the whole window, and a round without receipts
				// proves nothing.
				first := make(chan struct{})
				var once sync.Once
				var wg sync.WaitGroup
				for w := range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; ; i++ {
							select {
							case <-stop:
								return
							default:
							}
							a, ok := sendApplication(p.url, fmt.Sprintf("r%d-w%d-%d", round, w, i))
							if ok {
								mu.Lock()
								confirmed = append(confirmed, a)
								mu.Unlock()
								once.Do(func() { close(first) })
							}
						}
					}()
				}
				select {
				case <-first:
				case <-time.After(20 * time.Second):
				}
				time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
				p.cmd.Process.Signal(syscall.SIGKILL)
				p.cmd.Wait()
				close(stop)
				wg.Wait()
			}
			// A last clean start proves the data opens after the final kill.
			p := start(t, env)
			p.stop(t)
			lost := verifyConfirmed(t, d, dataDir, dbURL, confirmed)
			t.Logf("%s: %d kills, %d acknowledged applications, %d lost", d, kills, len(confirmed), lost)
			if len(confirmed) == 0 {
				t.Fatal("no application was acknowledged; the test proves nothing")
			}
			if lost != 0 {
				t.Fatalf("%d acknowledged applications lost", lost)
			}
		})
	}
}

var crashFile = bytes.Repeat([]byte("%PDF-1.4\nNachweis "), 4000)

// sendApplication posts one Hundeanmeldung with a file; ok only for a 2xx.
func sendApplication(base, key string) (acked, bool) {
	data := map[string]any{"F90000001": "Erika", "F90000002": "Mustermann", "F90000004": "1985-08-12",
		"F90000011": "Markt 1", "F90000012": "46282", "F90000013": "Dorsten", "F90000021": "erika@example.org",
		"F90000091": true, "F90000092": true, "F90100021": false,
		"G90100010": []any{map[string]any{"F90100011": "Bello", "F90100012": "labrador", "F90100013": "ruede",
			"F90100015": "2024-03-01", "F90100017": true, "F90100018": "AZ 1"}}}
	file := append(bytes.Clone(crashFile), []byte(key)...)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	dw, _ := mw.CreateFormField("data")
	json.NewEncoder(dw).Encode(map[string]any{"data": data})
	fw, _ := mw.CreateFormFile("G90100010[0].F90100019", "nachweis.pdf")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/tenants/dorsten/offerings/hundeanmeldung/submissions", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Idempotency-Key", key)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return acked{}, false
	}
	defer resp.Body.Close()
	var out struct{ ID, TrackingNumber string }
	if resp.StatusCode/100 != 2 || json.NewDecoder(resp.Body).Decode(&out) != nil || out.ID == "" {
		return acked{}, false
	}
	sum := sha512.Sum512(file)
	return acked{id: out.ID, tracking: out.TrackingNumber, sha: hex.EncodeToString(sum[:])}, true
}

func verifyConfirmed(t *testing.T, d store.Dialect, dataDir, dbURL string, confirmed []acked) int {
	t.Helper()
	ctx := context.Background()
	var db *store.DB
	var err error
	if d == store.SQLite {
		db, err = store.OpenFile(ctx, filepath.Join(dataDir, store.SQLiteFile))
	} else {
		db, err = store.Open(ctx, store.Options{URL: dbURL})
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("integrity: %v", err)
	}
	lost := 0
	for _, a := range confirmed {
		var tracking, sha string
		err := db.QueryRow(ctx, `SELECT s.tracking_number, a.sha512 FROM submissions s JOIN attachments a ON a.submission_id = s.id WHERE s.id = ?`, a.id).Scan(&tracking, &sha)
		if err != nil || tracking != a.tracking || sha != a.sha {
			t.Errorf("acknowledged %s (%s) missing or changed: %v", a.id, a.tracking, err)
			lost++
		}
	}
	return lost
}
