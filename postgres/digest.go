package postgres

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
)

// SchemaDigest returns a digest of the embedded migrations (16 hex
// digits): it changes whenever the schema that Open applies does. Tests
// name a template database after it (see pgtest.Migrated).
func SchemaDigest() string {
	h := sha256.New()
	files, _ := fs.Glob(migrations, "migrations/*.sql") // embedded: no error
	for _, name := range files {
		body, _ := migrations.ReadFile(name)
		fmt.Fprintf(h, "%s %d\n", name, len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
