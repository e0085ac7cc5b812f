package app

import (
	"errors"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/keyring"
)

// CheckMasterKey reports what is wrong with the master-key settings, without
// touching the data folder, so a command can refuse a bad configuration
// before it opens or migrates anything. Several instances on one PostgreSQL
// must share a key, so outside the demo PostgreSQL mode requires it from the
// configuration.
func CheckMasterKey(cfg config.Config) error {
	if cfg.MasterKey != "" {
		_, err := keyring.ParseMasterKey(cfg.MasterKey)
		return err
	}
	if cfg.UsesPostgres() && !cfg.Demo {
		return errors.New("mit PostgreSQL muss SERVICEPORTAL_MASTER_KEY gesetzt sein (alle Instanzen brauchen denselben Schlüssel; erzeugen mit: openssl rand -base64 32)")
	}
	return nil
}

// MasterKey returns the configured master key, or the key file in the data
// folder (created on first use).
func MasterKey(cfg config.Config) ([]byte, error) {
	if cfg.MasterKey != "" {
		return keyring.ParseMasterKey(cfg.MasterKey)
	}
	if err := CheckMasterKey(cfg); err != nil {
		return nil, err
	}
	return keyring.LoadOrCreateMasterKey(cfg.DataDir)
}
