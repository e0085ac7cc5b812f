package app

import (
	"errors"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/keyring"
)

// MasterKey returns the configured master key, or the key file in the data
// folder. Several instances on one PostgreSQL must share a key, so outside
// the demo PostgreSQL mode requires it from the configuration.
func MasterKey(cfg config.Config) ([]byte, error) {
	if cfg.MasterKey != "" {
		return keyring.ParseMasterKey(cfg.MasterKey)
	}
	if cfg.UsesPostgres() && !cfg.Demo {
		return nil, errors.New("mit PostgreSQL muss SERVICEPORTAL_MASTER_KEY gesetzt sein (alle Instanzen brauchen denselben Schlüssel; erzeugen mit: openssl rand -base64 32)")
	}
	return keyring.LoadOrCreateMasterKey(cfg.DataDir)
}
