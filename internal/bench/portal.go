package bench

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/jobs"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web"
)

// portal is the real portal, built in this process on a fresh database
// with the demo region, as `serviceportal serve` builds it.
type portal struct {
	db      *store.DB
	uc      *web.UseCases
	srv     *http.Server
	base    string // http://127.0.0.1:port, empty when not served
	tenants []tenant.Tenant
	dorsten tenant.Tenant
	service catalog.Service // hundeanmeldung
	form    *form.Form
	// stopSealer ends the audit sealer that init starts.
	stopSealer context.CancelFunc
	// http submits through the API over HTTP (submitHTTP).
	http httpSubmitter
}

// startPortal migrates and seeds the database, wires the use cases and,
// if serve is set, serves the handler on a free loopback port.
func startPortal(ctx context.Context, opts store.Options, serve bool) (*portal, error) {
	db, err := store.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	p := &portal{db: db}
	if err := p.init(ctx, serve); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *portal) init(ctx context.Context, serve bool) error {
	if _, err := p.db.Migrate(ctx); err != nil {
		return err
	}
	if err := jobs.Migrate(ctx, p.db); err != nil {
		return err
	}
	if _, err := seed.All(ctx, p.db); err != nil {
		return err
	}
	master := make([]byte, 32)
	rand.Read(master)
	var err error
	if p.uc, err = web.NewUseCases(ctx, p.db, master); err != nil {
		return err
	}
	if _, err := p.uc.Identity.SeedDemo(ctx); err != nil {
		return err
	}
	// Submissions queue their deliveries and webhooks as in production;
	// the queue is not started, so the jobs wait and cost nothing later.
	workers := river.NewWorkers()
	p.uc.Delivery.AddWorkers(workers)
	p.uc.Backend.AddWorkers(workers)
	queue, err := jobs.New(p.db, jobs.Options{Workers: workers})
	if err != nil {
		return err
	}
	p.uc.ConnectQueue(queue)
	// The audit sealer runs as in production, so its work counts.
	sealCtx, stop := context.WithCancel(context.Background())
	p.stopSealer = stop
	go p.uc.Audit.Run(sealCtx, 250*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if p.tenants, err = p.uc.Tenants.List(ctx); err != nil {
		return err
	}
	if p.dorsten, err = p.uc.Tenants.BySlug(ctx, "dorsten"); err != nil {
		return fmt.Errorf("bench: tenant dorsten: %w", err)
	}
	if p.service, err = p.uc.Catalog.BySlug(ctx, "hundeanmeldung"); err != nil {
		return fmt.Errorf("bench: service hundeanmeldung: %w", err)
	}
	if p.form, err = form.Builtin("hundeanmeldung"); err != nil {
		return err
	}
	if !serve {
		return nil
	}
	// Request logs are formatted as in production but thrown away, so
	// their cost counts without flooding the terminal.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	p.base = "http://" + ln.Addr().String()
	h, err := web.New(web.Options{DB: p.db, BaseURL: p.base, Logger: log, Version: "spbench", UseCases: p.uc})
	if err != nil {
		ln.Close()
		return err
	}
	p.srv = newServer(h, log)
	go p.srv.Serve(ln)
	return nil
}

// newServer has the production server's limits (internal/app).
func newServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// Close stops the server and closes the database.
func (p *portal) Close() error {
	var err error
	if p.stopSealer != nil {
		p.stopSealer()
	}
	if p.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = p.srv.Shutdown(ctx)
		cancel()
	}
	if p.db != nil {
		err = errors.Join(err, p.db.Close())
	}
	return err
}
