package fim

// Namespaces of the supported XDatenfelder versions.
const (
	nsV1 = "urn:xoev-de:fim:standard:xdatenfelder_1"
	nsV2 = "urn:xoev-de:fim:standard:xdatenfelder_2"
	nsV3 = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0"
)

// occurs says how often a child element may appear.
type occurs int

const (
	once occurs = iota // at most once
	many               // any number of times
)

// spec lists the child elements an element may have. Elements not listed
// are rejected, so that a file that is not what we think it is fails with
// a clear message instead of importing half.
type spec map[string]occurs

func merge(specs ...spec) spec {
	out := spec{}
	for _, s := range specs {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

// Elements not listed in a spec below (status, feldart, praezisierung,
// relation, codelisteReferenz, …) are read by name where needed; their own
// children are not checked.

// XDatenfelder 1 (older exports such as WaBeKa.xml): like 2.0, but IDs sit
// directly in the element and code lists are described, not referenced.
var (
	v1Common = merge(v2Common, spec{"id": once, "version": once})
	v1Schema = merge(v1Common, spec{"hilfetext": once, "ableitungsmodifikationenStruktur": once,
		"ableitungsmodifikationenRepraesentation": once, "regel": many, "struktur": many})
	v1Group = merge(v1Common, spec{"schemaelementart": once, "hilfetextEingabe": once, "hilfetextAusgabe": once,
		"regel": many, "struktur": many})
	v1Field = merge(v1Common, spec{"schemaelementart": once, "hilfetextEingabe": once, "hilfetextAusgabe": once,
		"feldart": once, "datentyp": once, "praezisierung": once, "inhalt": once, "codeliste": once,
		"codelisteReferenz": once, "regel": many})
	v1Rule = merge(v1Common, spec{"script": once})
)

// XDatenfelder 2.0 (xdatenfelder.xsd 2.0).
var (
	v2Common = spec{
		"identifikation": once, "name": once, "bezeichnungEingabe": once, "bezeichnungAusgabe": once,
		"beschreibung": once, "definition": once, "bezug": once, "status": once, "gueltigAb": once,
		"gueltigBis": once, "fachlicherErsteller": once, "versionshinweis": once, "freigabedatum": once,
		"veroeffentlichungsdatum": once,
	}
	v2Schema = merge(v2Common, spec{"hilfetext": once, "ableitungsmodifikationenStruktur": once,
		"ableitungsmodifikationenRepraesentation": once, "regel": many, "struktur": many})
	v2Group = merge(v2Common, spec{"schemaelementart": once, "hilfetextEingabe": once, "hilfetextAusgabe": once,
		"regel": many, "struktur": many})
	v2Field = merge(v2Common, spec{"schemaelementart": once, "hilfetextEingabe": once, "hilfetextAusgabe": once,
		"feldart": once, "datentyp": once, "praezisierung": once, "inhalt": once, "codelisteReferenz": once, "regel": many})
	v2Rule      = merge(v2Common, spec{"script": once})
	v2Structure = spec{"anzahl": once, "bezug": once, "enthaelt": once}
)

// XDatenfelder 3.0.0.
var (
	v3Common = spec{
		"identifikation": once, "name": once, "beschreibung": once, "definition": once, "bezug": many,
		"freigabestatus": once, "statusGesetztAm": once, "statusGesetztDurch": once, "gueltigAb": once,
		"gueltigBis": once, "versionshinweis": once, "veroeffentlichungsdatum": once, "letzteAenderung": once,
		"relation": many, "stichwort": many,
	}
	v3Element = merge(v3Common, spec{"bezeichnungEingabe": once, "bezeichnungAusgabe": once, "schemaelementart": once,
		"hilfetextEingabe": once, "hilfetextAusgabe": once})
	v3Schema = merge(v3Common, spec{"bezeichnung": once, "hilfetext": once, "ableitungsmodifikationenStruktur": once,
		"ableitungsmodifikationenRepraesentation": once, "dokumentsteckbrief": many, "regel": many, "struktur": many})
	v3Group = merge(v3Element, spec{"art": once, "regel": many, "struktur": many})
	v3Field = merge(v3Element, spec{"feldart": once, "datentyp": once, "praezisierung": once, "inhalt": once,
		"vorbefuellung": once, "werte": once, "codelisteReferenz": once, "codeKey": once, "nameKey": once,
		"helpKey": once, "maxSize": once, "mediaType": many, "regel": many})
	v3Rule = spec{"identifikation": once, "name": once, "beschreibung": once, "freitextRegel": once, "bezug": many,
		"stichwort": many, "fachlicherErsteller": once, "letzteAenderung": once, "typ": once, "param": many,
		"ziel": many, "skript": once, "fehler": many}
	v3Structure = spec{"anzahl": once, "bezug": many, "enthaelt": once}
	v3Values    = spec{"wert": many}
	v3Value     = spec{"code": once, "name": once, "hilfe": once}
)

// Shared by both versions.
var (
	identSpec    = spec{"id": once, "version": once}
	containsSpec = spec{"datenfeldgruppe": once, "datenfeld": once}
	messageSpec  = spec{"header": once, "stammdatenschema": once, "datenfeldgruppe": once}
)

// specs groups the specs of one version.
type specs struct {
	schema, group, field, rule, structure spec
}

var versionSpecs = map[string]specs{
	nsV1: {schema: v1Schema, group: v1Group, field: v1Field, rule: v1Rule, structure: v2Structure},
	nsV2: {schema: v2Schema, group: v2Group, field: v2Field, rule: v2Rule, structure: v2Structure},
	nsV3: {schema: v3Schema, group: v3Group, field: v3Field, rule: v3Rule, structure: v3Structure},
}

// freigabestatus codes of XDatenfelder 3 (1 in Planung … 8 vorgesehen zum Löschen).
var releaseStates = map[string]bool{"1": true, "2": true, "3": true, "4": true, "5": true, "6": true, "7": true, "8": true}
