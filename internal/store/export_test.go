package store

// RebindDollar exposes the placeholder rewriting to the tests.
var RebindDollar = rebindDollar
