package main

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/store"
)

// seedDemo fills an empty sandbox database with a labelled demo directory (filled in by its issue).
func seedDemo(db *store.DB, loc *time.Location, log zerolog.Logger) error { return nil }
