package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

// SnapshotVersion is the version of the snapshot format written by Encode.
const SnapshotVersion = 1

type snapshot struct {
	Version int `json:"version"`
	*Catalog
}

// Encode writes the catalog as indented JSON. The output is deterministic:
// relations in schema and name order, columns in attribute order, no OIDs
// (they differ between databases holding the same schema) and no timestamps,
// so a committed snapshot diffs cleanly.
func (c *Catalog) Encode(w io.Writer) error {
	cp := *c
	cp.sortTables()
	if cp.Tables == nil {
		cp.Tables = []*Table{}
	}
	data, err := json.MarshalIndent(snapshot{Version: SnapshotVersion, Catalog: &cp}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// WriteFile saves the catalog as a snapshot file.
func (c *Catalog) WriteFile(path string) error {
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// ReadFile loads a snapshot written by WriteFile.
func ReadFile(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cat, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cat, nil
}

// Decode parses a snapshot. Unknown fields are errors, so a file that is not
// a snapshot is not mistaken for an empty database.
func Decode(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s snapshot
	s.Catalog = &Catalog{}
	if err := dec.Decode(&s); err != nil {
		if se, ok := err.(*json.SyntaxError); ok {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, fmt.Errorf("line %d: not a schema snapshot: %v", line, err)
		}
		return nil, fmt.Errorf("not a schema snapshot: %v", err)
	}
	if s.Version != SnapshotVersion {
		return nil, fmt.Errorf("snapshot version %d is not supported (want %d); re-create it with --dump-schema", s.Version, SnapshotVersion)
	}
	cat := s.Catalog
	if len(cat.Schemas) == 0 {
		return nil, fmt.Errorf("not a schema snapshot: no \"schemas\"")
	}
	for i, t := range cat.Tables {
		if t == nil || t.Name == "" || t.Schema == "" {
			return nil, fmt.Errorf("tables[%d]: a relation needs a schema and a name", i)
		}
		if !slices.Contains(cat.Schemas, t.Schema) {
			return nil, fmt.Errorf("tables[%d] (%s): schema %q is not in \"schemas\"", i, t.QualifiedName(), t.Schema)
		}
		for j, col := range t.Columns {
			if col == nil || col.Name == "" {
				return nil, fmt.Errorf("tables[%d] (%s).columns[%d]: a column needs a name", i, t.QualifiedName(), j)
			}
		}
	}
	return cat, nil
}
