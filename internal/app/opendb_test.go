package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestOpenDatabaseFilesFolder: SERVICEPORTAL_FILES reaches the database
// on PostgreSQL, and a folder that cannot be written is named in a German
// message that says which setting to fix.
func TestOpenDatabaseFilesFolder(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		t.Skip(storetest.EnvDatabaseURL + " is not set")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, _, err := OpenDatabase(ctx, config.Config{DatabaseURL: storetest.Schema(t), FilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.FilesDir() != dir {
		t.Errorf("files folder %q, want %q", db.FilesDir(), dir)
	}
	blocked := filepath.Join(t.TempDir(), "datei")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = OpenDatabase(ctx, config.Config{DatabaseURL: storetest.Schema(t), FilesDir: filepath.Join(blocked, "anhaenge")})
	if err == nil || !strings.Contains(err.Error(), "SERVICEPORTAL_FILES") {
		t.Errorf("an unusable folder: %v", err)
	}
}
