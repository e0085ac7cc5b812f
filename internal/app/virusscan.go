package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/serviceportal/serviceportal/internal/clamd"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/web"
)

// virusScan puts every upload through clamd when it is configured. A
// daemon that does not answer at start is only a warning: clamd often
// starts slower than the portal (it loads its signatures), and until it
// answers, uploads are refused rather than let through.
func virusScan(ctx context.Context, cfg config.Config, uc *web.UseCases, log *slog.Logger) error {
	if cfg.Clamd == "" {
		return nil
	}
	c, err := clamd.New(cfg.Clamd)
	if err != nil {
		return fmt.Errorf("SERVICEPORTAL_CLAMD/--clamd: %w", err)
	}
	if err := c.Ping(ctx); err != nil {
		log.Warn("clamd does not answer yet; uploads are refused until it does", "addr", cfg.Clamd, "err", err)
	}
	uc.Submissions.SetScanner(c)
	return nil
}
