package keyring_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

func TestSealAndOpen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dir := tenant.NewDirectory(db)
		if _, err := seed.Run(ctx, dir); err != nil {
			t.Fatal(err)
		}
		dorsten, _ := dir.BySlug(ctx, "dorsten")
		gladbeck, _ := dir.BySlug(ctx, "gladbeck")
		master := bytes.Repeat([]byte{7}, keyring.KeySize)
		k, err := keyring.New(db, master)
		if err != nil {
			t.Fatal(err)
		}
		plain := []byte(`{"F01":"Erika Mustermann","F02":"Dackel"}`)
		sealed, err := k.Seal(ctx, dorsten.ID, plain, "submission:1")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("Mustermann")) {
			t.Fatal("ciphertext contains the plain text")
		}
		got, err := k.Open(ctx, dorsten.ID, sealed, "submission:1")
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open = %q, %v", got, err)
		}
		// SealAppend keeps what dst held and appends the same kind of
		// ciphertext, even into a reused buffer.
		buf := append(make([]byte, 0, 256), "prefix"...)
		appended, err := k.SealAppend(ctx, buf, dorsten.ID, plain, "submission:1")
		if err != nil || string(appended[:6]) != "prefix" || len(appended) != 6+len(sealed) {
			t.Fatalf("SealAppend = %q, %v", appended, err)
		}
		if got, err := k.Open(ctx, dorsten.ID, appended[6:], "submission:1"); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open(SealAppend) = %q, %v", got, err)
		}
		// A new keyring (another instance) with the same master key opens it.
		k2, _ := keyring.New(db, master)
		if got, err := k2.Open(ctx, dorsten.ID, sealed, "submission:1"); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("second instance: %q, %v", got, err)
		}
		for name, try := range map[string]func() error{
			"other record": func() error { _, err := k.Open(ctx, dorsten.ID, sealed, "submission:2"); return err },
			"other tenant": func() error { _, err := k.Open(ctx, gladbeck.ID, sealed, "submission:1"); return err },
			"tampered": func() error {
				bad := bytes.Clone(sealed)
				bad[len(bad)-1] ^= 1
				_, err := k.Open(ctx, dorsten.ID, bad, "submission:1")
				return err
			},
		} {
			if err := try(); !errors.Is(err, keyring.ErrOpen) {
				t.Errorf("%s: err = %v, want ErrOpen", name, err)
			}
		}
		wrong, _ := keyring.New(db, bytes.Repeat([]byte{8}, keyring.KeySize))
		if _, err := wrong.Open(ctx, dorsten.ID, sealed, "submission:1"); err == nil {
			t.Error("wrong master key opened the data")
		}
	})
}

func TestMasterKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, err := keyring.LoadOrCreateMasterKey(dir)
	if err != nil || len(a) != keyring.KeySize {
		t.Fatalf("create: %v", err)
	}
	st, _ := os.Stat(filepath.Join(dir, "master.key"))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	b, err := keyring.LoadOrCreateMasterKey(dir)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("reload gave another key (%v)", err)
	}
	if _, err := keyring.ParseMasterKey("zu-kurz"); err == nil {
		t.Error("short key accepted")
	}
}
