package main

import (
	"context"
	"errors"
	"io"
)

// chat talks to a running sandbox server from the terminal (filled in by its issue).
func chat(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("cdtbot chat: not built yet")
}
