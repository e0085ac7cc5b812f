package bench

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Sections are the parts of a run, in the order they run.
var Sections = []string{"pages", "search", "logins", "writes", "inbox"}

// Config sizes a run. Defaults keeps the whole run under about three
// minutes on two cores; the flags of cmd/spbench lengthen any part.
type Config struct {
	// Only limits the run to these sections; empty runs all.
	Only []string `json:"only,omitempty"`
	// Dir holds the scratch databases; empty makes (and removes) a
	// temporary folder.
	Dir string `json:"-"`

	// Rate is the arrival rate of the page measurements, per second.
	Rate float64 `json:"rate"`
	// Duration is how long each page measurement sends requests.
	Duration time.Duration `json:"duration"`
	// Slices interleaves the page measurements: each gets Duration/Slices
	// in turn with the others, Slices times, so that a change in what
	// else the machine does hits ceiling and portal alike.
	Slices int `json:"slices"`
	// Ramp finds saturation throughput: steps of RampStep, starting at
	// Rate and multiplied by RampFactor, at most RampSteps steps.
	Ramp       bool          `json:"ramp"`
	RampStep   time.Duration `json:"ramp_step"`
	RampFactor float64       `json:"ramp_factor"`
	RampSteps  int           `json:"ramp_steps"`

	// WriteDuration is how long each write measurement runs;
	// WriteWorkers submit in parallel to the portal.
	WriteDuration time.Duration `json:"write_duration"`
	WriteWorkers  int           `json:"write_workers"`
	// AttachmentSize is the size of the one file in each submission.
	AttachmentSize int `json:"attachment_size"`

	// LoginDuration is how long each login measurement runs.
	LoginDuration time.Duration `json:"login_duration"`
	// HashSamples is how many argon2id hashes are timed for the bound.
	HashSamples int `json:"hash_samples"`
	// LoginAccounts are citizen accounts the login flood rotates through.
	LoginAccounts int `json:"login_accounts"`
	// CatalogRate is the catalogue page's arrival rate with and without
	// the login flood; well below the page's capacity, so that only the
	// flood can make a difference.
	CatalogRate float64 `json:"catalog_rate"`

	// InboxRows is how many submissions (and cases) are generated.
	InboxRows int `json:"inbox_rows"`
	// InboxSkipSQLite measures the inbox on PostgreSQL only, which halves
	// a run at a million cases when only PostgreSQL's figures are wanted.
	InboxSkipSQLite bool `json:"inbox_skip_sqlite,omitempty"`
	// InboxRate and InboxDuration drive each inbox query variant.
	InboxRate     float64       `json:"inbox_rate"`
	InboxDuration time.Duration `json:"inbox_duration"`

	// SearchReps is how often each relevance query is timed in process;
	// SearchDuration is how long the search page is loaded at Rate.
	SearchReps     int           `json:"search_reps"`
	SearchDuration time.Duration `json:"search_duration"`
	// SearchQueries is the relevance file; empty finds the repository's.
	SearchQueries string `json:"-"`

	// Postgres, when set, adds the PostgreSQL lines (a loopback URL).
	Postgres string `json:"-"`
	// PgbenchDuration is pgbench's -T; zero skips pgbench.
	PgbenchDuration time.Duration `json:"pgbench_duration"`
}

// Defaults are the quick run's settings.
func Defaults() Config {
	return Config{
		Rate: 300, Duration: 10 * time.Second, Slices: 5,
		Ramp: true, RampStep: time.Second, RampFactor: 1.5, RampSteps: 12,
		WriteDuration: 5 * time.Second, WriteWorkers: 4, AttachmentSize: 200 << 10,
		LoginDuration: 5 * time.Second, HashSamples: 8, LoginAccounts: 8, CatalogRate: 50,
		InboxRows: 20000, InboxRate: 100, InboxDuration: 2 * time.Second,
		SearchReps: 10, SearchDuration: 5 * time.Second,
		PgbenchDuration: 10 * time.Second,
	}
}

// Tiny is a run of a few requests per measurement, for tests.
func Tiny() Config {
	return Config{
		Rate: 40, Duration: 200 * time.Millisecond, Slices: 2,
		Ramp: true, RampStep: 200 * time.Millisecond, RampFactor: 2, RampSteps: 1,
		WriteDuration: 300 * time.Millisecond, WriteWorkers: 2, AttachmentSize: 20 << 10,
		LoginDuration: 150 * time.Millisecond, HashSamples: 1, LoginAccounts: 1, CatalogRate: 20,
		InboxRows: 300, InboxRate: 40, InboxDuration: 150 * time.Millisecond,
		SearchReps: 1, SearchDuration: 150 * time.Millisecond,
		PgbenchDuration: time.Second,
	}
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	for _, s := range c.Only {
		if !slices.Contains(Sections, s) {
			return fmt.Errorf("bench: unknown section %q (known: %s)", s, strings.Join(Sections, ", "))
		}
	}
	switch {
	case c.Rate <= 0 || c.Duration <= 0 || c.Slices < 1:
		return fmt.Errorf("bench: rate, duration and slices must be positive")
	case c.Ramp && (c.RampStep <= 0 || c.RampFactor <= 1 || c.RampSteps < 1):
		return fmt.Errorf("bench: ramp needs a positive step, a factor above 1 and at least one step")
	case c.WriteDuration <= 0 || c.WriteWorkers < 1 || c.AttachmentSize < 0:
		return fmt.Errorf("bench: write duration and workers must be positive")
	case c.LoginDuration <= 0 || c.HashSamples < 1 || c.LoginAccounts < 1 || c.CatalogRate <= 0:
		return fmt.Errorf("bench: login duration, hash samples, accounts and catalogue rate must be positive")
	case c.InboxRows < 100 || c.InboxRate <= 0 || c.InboxDuration <= 0:
		return fmt.Errorf("bench: the inbox needs at least 100 rows, a rate and a duration")
	case c.SearchReps < 1 || c.SearchDuration <= 0:
		return fmt.Errorf("bench: search repetitions and duration must be positive")
	}
	if c.Postgres != "" {
		if err := checkPostgresLoopback(c.Postgres); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) runs(section string) bool {
	return len(c.Only) == 0 || slices.Contains(c.Only, section)
}

// MarshalJSON writes the settings with durations as Go duration strings
// ("10s") instead of nanoseconds.
func (c Config) MarshalJSON() ([]byte, error) {
	v := reflect.ValueOf(c)
	out := map[string]any{}
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		f := v.Field(i).Interface()
		if d, ok := f.(time.Duration); ok {
			f = d.String()
		}
		out[name] = f
	}
	return json.Marshal(out)
}
