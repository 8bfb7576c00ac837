package main

import (
	"context"
	"errors"
	"io"
)

// forget erases a person's personal data on a written request (filled in by its issue).
func forget(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("cdtbot forget: not built yet")
}
