package catalog

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/serviceportal/serviceportal/internal/store"
)

//go:embed leika/*.csv leika/SOURCE.md
var leikaFiles embed.FS

// LeiKaFiles is the LeiKa/OZG catalogue shipped with the portal (see
// leika/SOURCE.md for its origin).
func LeiKaFiles() fs.FS {
	sub, _ := fs.Sub(leikaFiles, "leika")
	return sub
}

// LeiKaResult counts the rows an import wrote.
type LeiKaResult struct {
	Themenfelder, Lebenslagen, OZGLeistungen, Leistungen int
}

// leikaTable describes one CSV file and the table it fills.
type leikaTable struct {
	file    string
	table   string
	columns []string // table columns in CSV column order
	header  []string // expected CSV header
	count   *int
}

// ImportLeiKa loads themenfelder.csv, lebenslagen.csv, ozg-leistungen.csv
// and leika-leistungen.csv from dir in one transaction. Rows are keyed by
// their source id; importing the same files again changes nothing, and a
// newer release updates names in place.
func (c *Catalog) ImportLeiKa(ctx context.Context, dir fs.FS) (LeiKaResult, error) {
	var res LeiKaResult
	tables := []leikaTable{
		{"themenfelder.csv", "leika_themenfelder", []string{"id", "name"}, []string{"id", "name"}, &res.Themenfelder},
		{"lebenslagen.csv", "leika_lebenslagen", []string{"id", "themenfeld_id", "name"}, []string{"id", "subject_id", "name"}, &res.Lebenslagen},
		{"ozg-leistungen.csv", "leika_ozg_leistungen", []string{"id", "lebenslage_id", "ozg_key", "name", "description"},
			[]string{"id", "situation_id", "service_key", "name", "description"}, &res.OZGLeistungen},
		{"leika-leistungen.csv", "leika_leistungen", []string{"id", "ozg_id", "leika_key", "service_type", "name", "legal_basis", "law_shortcuts"},
			[]string{"id", "service_system_id", "service_key", "service_type", "name", "legal_basis", "law_shortcuts"}, &res.Leistungen},
	}
	err := c.db.InTx(ctx, func(ctx context.Context) error {
		for _, t := range tables {
			rows, err := readCSV(dir, t.file, t.header)
			if err != nil {
				return err
			}
			if err := c.upsertRows(ctx, t, rows); err != nil {
				return fmt.Errorf("catalog: %s: %w", t.file, err)
			}
			*t.count = len(rows)
		}
		return nil
	})
	return res, err
}

func readCSV(dir fs.FS, name string, header []string) ([][]string, error) {
	f, err := dir.Open(name)
	if err != nil {
		return nil, fmt.Errorf("catalog: %s fehlt im LeiKa-Ordner: %w", name, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	got, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w", name, err)
	}
	for i := range header {
		if strings.TrimSpace(got[i]) != header[i] {
			return nil, fmt.Errorf("catalog: %s: Spalte %d heißt %q, erwartet %q", name, i+1, got[i], header[i])
		}
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		if strings.TrimSpace(rec[0]) == "" {
			return nil, fmt.Errorf("catalog: %s: Zeile ohne id", name)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

// upsertRows writes rows in batches of multi-row INSERTs: one statement per
// row would make the 5,000 LeiKa rows slow on PostgreSQL.
func (c *Catalog) upsertRows(ctx context.Context, t leikaTable, rows [][]string) error {
	const batch = 200
	cols := strings.Join(t.columns, ", ")
	var sets []string
	for _, col := range t.columns[1:] {
		sets = append(sets, col+" = excluded."+col)
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.columns)), ", ") + ")"
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		args := make([]any, 0, (end-start)*len(t.columns))
		values := make([]string, 0, end-start)
		for _, rec := range rows[start:end] {
			values = append(values, one)
			for i, v := range rec {
				args = append(args, nullableRef(t.columns[i], strings.TrimSpace(v)))
			}
		}
		q := "INSERT INTO " + t.table + " (" + cols + ") VALUES " + strings.Join(values, ", ") +
			" ON CONFLICT (id) DO UPDATE SET " + strings.Join(sets, ", ")
		if _, err := c.db.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// nullableRef turns empty or zero references into NULL so that the foreign
// keys hold for rows the source left unassigned.
func nullableRef(column, v string) any {
	if strings.HasSuffix(column, "_id") && (v == "" || v == "0" || v == "NULL") {
		return nil
	}
	return v
}

// LeiKaName returns the catalogue name of a LeiKa key, or store.ErrNotFound.
func (c *Catalog) LeiKaName(ctx context.Context, key string) (string, error) {
	var name string
	err := c.db.QueryRow(ctx, `SELECT name FROM leika_leistungen WHERE leika_key = ? ORDER BY id LIMIT 1`, key).Scan(&name)
	if err != nil {
		return "", notFound(err)
	}
	return name, nil
}

func notFound(err error) error {
	if errors.Is(err, sqlErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
