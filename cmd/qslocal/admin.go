package main

import (
	"context"
	"io"
)

// admin runs the admin command name against a running server; handled is false for a name it does not know.
func admin(ctx context.Context, name string, args []string, stdout, stderr io.Writer) (bool, error) {
	return false, nil
}
