package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "serviceportal-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "serviceportal")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// portal is a running serviceportal process.
type portal struct {
	cmd *exec.Cmd
	url string
}

var urlRe = regexp.MustCompile(`Serviceportal läuft: (http://\S+)/`)

func start(t *testing.T, env []string) *portal {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), append([]string{"SERVICEPORTAL_ADDR=127.0.0.1:0"}, env...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	var banner strings.Builder
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			banner.WriteString(sc.Text() + "\n")
			if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return &portal{cmd: cmd, url: u}
	case <-time.After(30 * time.Second):
		t.Fatalf("portal printed no URL; output so far:\n%s", banner.String())
	}
	return nil
}

// stop sends SIGTERM and expects a clean exit.
func (p *portal) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("portal exited with %v after SIGTERM", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("portal did not stop after SIGTERM")
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFirstStartAndRestart(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			env := []string{"SERVICEPORTAL_DATA=" + t.TempDir()}
			if d.String() == "postgres" {
				env = append(env, "SERVICEPORTAL_DATABASE_URL="+storetest.Schema(t))
			}
			var firstIDs string
			for round := range 2 {
				p := start(t, env)
				if code, body := get(t, p.url+"/"); code != 200 || !strings.Contains(body, "Stadt Gelsenkirchen") || !strings.Contains(body, "Stadt Waltrop") {
					t.Fatalf("round %d: regional page %d", round, code)
				}
				if code, body := get(t, p.url+"/dorsten/"); code != 200 || !strings.Contains(body, "Stadt Dorsten") {
					t.Fatalf("round %d: /dorsten/ %d", round, code)
				}
				req, _ := http.NewRequest("GET", p.url+"/", nil)
				req.Host = "serviceportal.gladbeck.de"
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.Contains(string(body), "Serviceportal Stadt Gladbeck") {
					t.Fatalf("round %d: Host gladbeck did not show Gladbeck", round)
				}
				_, js := get(t, p.url+"/api/v1/tenants")
				// The port differs per start; the data must not.
				js = strings.ReplaceAll(js, p.url, "")
				var list struct {
					Tenants []struct{ Slug, AGS string }
				}
				if err := json.Unmarshal([]byte(js), &list); err != nil || len(list.Tenants) != 13 {
					t.Fatalf("round %d: %d tenants (%v)", round, len(list.Tenants), err)
				}
				if round == 0 {
					firstIDs = js
				} else if js != firstIDs {
					t.Errorf("data changed across restart")
				}
				p.stop(t)
			}
		})
	}
}
