// Package api is generated from the QuickSight model by internal/apigen:
// shapes, enums, validators, HTTP binders, the route table, the error table
// and the Handler interface. Nothing here is written by hand but this file
// and the tests.
package api

//go:generate go run ../internal/apigen/cmd -out .
