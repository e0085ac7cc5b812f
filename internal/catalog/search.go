package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/edgengram"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Analyzer names of the search index.
const (
	analyzerName   = "sp_name"     // lower case + German folding: for fuzzy matches on names
	analyzerStem   = "sp_stem"     // + stop words + Snowball stemming: query side
	analyzerPrefix = "sp_stem_pre" // + edge n-grams 3–20: index side, so "perso" finds "Personalausweis"
)

// searchDoc is what the index holds per service.
type searchDoc struct {
	Name  string `json:"name"`
	Stem  string `json:"stem"`
	Body  string `json:"body"`
	Topic string `json:"topic"`
}

func indexMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	err := m.AddCustomTokenFilter("sp_edge", map[string]any{"type": edgengram.Name, "min": 3.0, "max": 20.0})
	if err != nil {
		return nil, err
	}
	analyzers := map[string][]string{
		analyzerName:   {lowercase.Name, de.NormalizeName},
		analyzerStem:   {lowercase.Name, de.StopName, de.NormalizeName, de.SnowballStemmerName},
		analyzerPrefix: {lowercase.Name, de.StopName, de.NormalizeName, de.SnowballStemmerName, "sp_edge"},
	}
	for name, filters := range analyzers {
		if err := m.AddCustomAnalyzer(name, map[string]any{
			"type": custom.Name, "tokenizer": unicode.Name, "token_filters": filters,
		}); err != nil {
			return nil, err
		}
	}
	doc := bleve.NewDocumentMapping()
	field := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		return f
	}
	doc.AddFieldMappingsAt("name", field(analyzerName))
	doc.AddFieldMappingsAt("stem", field(analyzerPrefix))
	doc.AddFieldMappingsAt("body", field(analyzerStem))
	doc.AddFieldMappingsAt("topic", field(analyzerStem))
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerStem
	return m, nil
}

// Index is an in-memory full-text index of the catalogue. It is rebuilt
// from the database when the catalogue changes, so every instance of the
// portal answers from the same data.
type Index struct {
	cat      *Catalog
	synonyms *Synonyms

	mu          sync.RWMutex
	idx         bleve.Index
	services    map[string]Service
	handledBy   map[string]map[string]bool
	fingerprint string
	checked     time.Time
}

// NewIndex builds the index over the catalogue.
func NewIndex(ctx context.Context, cat *Catalog, syn *Synonyms) (*Index, error) {
	ix := &Index{cat: cat, synonyms: syn}
	if err := ix.rebuild(ctx); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *Index) catalogFingerprint(ctx context.Context) (string, error) {
	var n int
	var latest any
	err := ix.cat.db.QueryRow(ctx, `SELECT COUNT(*), MAX(updated_at) FROM services`).Scan(&n, &latest)
	if err != nil {
		return "", err
	}
	var r int
	if err := ix.cat.db.QueryRow(ctx, `SELECT COUNT(*) FROM responsibilities`).Scan(&r); err != nil {
		return "", err
	}
	return fmt.Sprint(n, latest, r), nil
}

func (ix *Index) rebuild(ctx context.Context) error {
	fp, err := ix.catalogFingerprint(ctx)
	if err != nil {
		return fmt.Errorf("catalog: index: %w", err)
	}
	services, err := ix.cat.List(ctx)
	if err != nil {
		return err
	}
	handled, err := ix.cat.HandledBy(ctx)
	if err != nil {
		return err
	}
	m, err := indexMapping()
	if err != nil {
		return fmt.Errorf("catalog: index mapping: %w", err)
	}
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return fmt.Errorf("catalog: index: %w", err)
	}
	batch := idx.NewBatch()
	byID := map[string]Service{}
	for _, s := range services {
		byID[s.ID] = s
		doc := searchDoc{
			Name:  s.Name + " " + s.LeiKaName,
			Stem:  strings.Join(append([]string{s.Name, s.LeiKaName, s.Summary}, s.Keywords...), " "),
			Body:  s.Modules.Volltext,
			Topic: s.Themenfeld + " " + strings.Join(s.Lebenslagen, " "),
		}
		if err := batch.Index(s.ID, doc); err != nil {
			return fmt.Errorf("catalog: index %s: %w", s.Slug, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		return fmt.Errorf("catalog: index: %w", err)
	}
	ix.mu.Lock()
	old := ix.idx
	ix.idx, ix.services, ix.handledBy, ix.fingerprint, ix.checked = idx, byID, handled, fp, time.Now()
	ix.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// refreshEvery bounds how stale one instance's index can be after another
// instance changed the catalogue.
const refreshEvery = 30 * time.Second

// Refresh rebuilds the index if the catalogue changed since it was built.
func (ix *Index) Refresh(ctx context.Context) error {
	fp, err := ix.catalogFingerprint(ctx)
	if err != nil {
		return err
	}
	ix.mu.RLock()
	same := fp == ix.fingerprint
	ix.mu.RUnlock()
	if same {
		ix.mu.Lock()
		ix.checked = time.Now()
		ix.mu.Unlock()
		return nil
	}
	return ix.rebuild(ctx)
}

// Hit is one search result.
type Hit struct {
	Service Service
	Score   float64
	// Own is true when the searching tenant handles the service itself.
	Own bool
}

// maxQuery bounds query length; longer input is cut, not rejected.
const maxQuery = 200

// Search finds services for a citizen's words. With a tenant, the services
// that tenant handles itself come first. The result is at most limit hits.
func (ix *Index) Search(ctx context.Context, q, tenantID string, limit int) ([]Hit, error) {
	ix.mu.RLock()
	stale := time.Since(ix.checked) > refreshEvery
	ix.mu.RUnlock()
	if stale {
		if err := ix.Refresh(ctx); err != nil {
			return nil, err
		}
	}
	q = strings.TrimSpace(q)
	if len(q) > maxQuery {
		q = q[:maxQuery]
	}
	if q == "" {
		return nil, nil
	}
	expanded := ix.synonyms.Expand(q)
	req := bleve.NewSearchRequestOptions(buildQuery(expanded), max(limit*3, 20), 0, false)
	ix.mu.RLock()
	idx, services, handled := ix.idx, ix.services, ix.handledBy
	ix.mu.RUnlock()
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("catalog: search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		s, ok := services[h.ID]
		if !ok {
			continue
		}
		hits = append(hits, Hit{Service: s, Score: h.Score, Own: tenantID != "" && handled[s.ID][tenantID]})
	}
	if tenantID != "" {
		// The tenant's own services win among comparably good matches; a
		// fixed boost instead of "own first" keeps a clearly better Kreis
		// service (Kfz-Zulassung on a city portal) above a weak own one.
		slices.SortStableFunc(hits, func(a, b Hit) int {
			return cmpScore(ownBoost(b), ownBoost(a))
		})
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// buildQuery combines a typo-tolerant match on the service name with a
// stemmed prefix match on names and keywords and a weaker match on the
// full text: the German analyzer alone misses compounds and inflections.
func buildQuery(q string) query.Query {
	name := bleve.NewMatchQuery(q)
	name.SetField("name")
	name.SetFuzziness(1)
	name.SetBoost(2)
	stem := bleve.NewMatchQuery(q)
	stem.SetField("stem")
	stem.Analyzer = analyzerStem
	stem.SetBoost(3)
	body := bleve.NewMatchQuery(q)
	body.SetField("body")
	body.SetBoost(0.3)
	topic := bleve.NewMatchQuery(q)
	topic.SetField("topic")
	topic.SetBoost(0.5)
	return bleve.NewDisjunctionQuery(name, stem, body, topic)
}

// Suggestions returns services to offer when a search finds nothing: the
// online services of the tenant (or region), which most citizens come for.
func (ix *Index) Suggestions(tenantID string, limit int) []Service {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []Service
	for _, s := range ix.services {
		if s.Kind == KindOnline && (tenantID == "" || ix.handledBy[s.ID][tenantID]) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// ownServiceBoost is how much a tenant's own service counts more.
const ownServiceBoost = 1.3

func ownBoost(h Hit) float64 {
	if h.Own {
		return h.Score * ownServiceBoost
	}
	return h.Score
}

func cmpScore(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
