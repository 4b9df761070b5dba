// Package schema validates the structure of Tekton objects.
package schema

//go:generate go run ./internal/schemagen
