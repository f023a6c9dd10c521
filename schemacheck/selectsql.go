package schemacheck

import (
	"strings"
	"unicode"
)

// simpleSelect is a statement of the form
//
//	SELECT [DISTINCT] list FROM [schema.]table [[AS] alias] [WHERE … | ORDER BY … | LIMIT … | …]
//
// that reads one table: the statement whose result a struct is scanned
// into names the struct's table. Joins, subqueries in FROM, set operations
// and WITH are not simple: which table a column comes from is then the
// server's to say.
type simpleSelect struct {
	Table string // as written, folded to lower case unless quoted: "users", "app.users"
	Star  bool   // SELECT * (or table.*): every column, in table order
	// Columns are the select-list items that are plain column references,
	// with the name the result column gets (the alias, else the column).
	Columns []selectColumn
}

type selectColumn struct {
	Name   string // the result column's name
	Column string // the table column it reads
}

type sqlWord struct {
	text   string // identifiers folded to lower case unless quoted
	ident  bool   // an identifier or keyword (quoted or not)
	quoted bool
}

// sqlWords splits SQL into words outside comments: identifiers, quoted
// identifiers, literals (kept whole) and punctuation ("::" is one word).
func sqlWords(sql string) []sqlWord {
	var out []sqlWord
	for _, t := range lexSQL(sql) {
		if !t.code {
			switch {
			case strings.HasPrefix(t.text, "--"), strings.HasPrefix(t.text, "/*"):
			case strings.HasPrefix(t.text, `"`):
				name := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(t.text, `"`), `"`), `""`, `"`)
				out = append(out, sqlWord{text: name, ident: true, quoted: true})
			default:
				out = append(out, sqlWord{text: t.text})
			}
			continue
		}
		s := t.text
		for i := 0; i < len(s); {
			c := s[i]
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				i++
			case c == '_' || c >= 0x80 || unicode.IsLetter(rune(c)):
				j := i
				for j < len(s) && (isIdentByte(s[j]) || s[j] == '$') {
					j++
				}
				out = append(out, sqlWord{text: strings.ToLower(s[i:j]), ident: true})
				i = j
			case c == ':' && i+1 < len(s) && s[i+1] == ':':
				out = append(out, sqlWord{text: "::"})
				i += 2
			default:
				j := i + 1
				if c >= '0' && c <= '9' || c == '$' {
					for j < len(s) && isIdentByte(s[j]) {
						j++
					}
				}
				out = append(out, sqlWord{text: s[i:j]})
				i = j
			}
		}
	}
	return out
}

func (w sqlWord) is(keyword string) bool { return w.ident && !w.quoted && w.text == keyword }

// afterFrom are the words that may follow a lone table in FROM.
var afterFrom = map[string]bool{
	"where": true, "order": true, "limit": true, "offset": true, "for": true,
	"fetch": true, "group": true, "having": true, "window": true,
}

// parseSimpleSelect recognises a simpleSelect, or returns false.
func parseSimpleSelect(sql string) (*simpleSelect, bool) {
	ws := sqlWords(sql)
	for len(ws) > 0 && ws[len(ws)-1].text == ";" {
		ws = ws[:len(ws)-1]
	}
	if len(ws) < 4 || !ws[0].is("select") {
		return nil, false
	}
	ws = ws[1:]
	if ws[0].is("distinct") {
		if len(ws) > 1 && ws[1].is("on") {
			return nil, false
		}
		ws = ws[1:]
	} else if ws[0].is("all") {
		ws = ws[1:]
	}
	// The select list: items split at top-level commas, up to FROM.
	var items [][]sqlWord
	depth, start, from := 0, 0, -1
	for i, w := range ws {
		switch {
		case w.text == "(":
			depth++
		case w.text == ")":
			depth--
		case depth == 0 && w.text == ",":
			items = append(items, ws[start:i])
			start = i + 1
		case depth == 0 && w.is("from"):
			items = append(items, ws[start:i])
			from = i
		case depth == 0 && (w.is("union") || w.is("intersect") || w.is("except") || w.text == ";"):
			return nil, false
		}
		if from >= 0 {
			break
		}
	}
	if from < 0 {
		return nil, false
	}
	rest := ws[from+1:]
	for _, w := range rest {
		if w.is("union") || w.is("intersect") || w.is("except") || w.text == ";" {
			return nil, false
		}
	}
	// FROM [schema.]table [[AS] alias], then the end or a clause keyword.
	if len(rest) == 0 || !rest[0].ident || rest[0].is("only") || rest[0].is("lateral") {
		return nil, false
	}
	sel := &simpleSelect{Table: rest[0].text}
	rest = rest[1:]
	if len(rest) >= 2 && rest[0].text == "." && rest[1].ident {
		sel.Table += "." + rest[1].text
		rest = rest[2:]
	}
	qualifiers := map[string]bool{sel.Table: true}
	if _, name := splitLast(sel.Table, "."); name != "" {
		qualifiers[name] = true
	}
	if len(rest) > 0 && rest[0].is("as") {
		rest = rest[1:]
		if len(rest) == 0 || !rest[0].ident {
			return nil, false
		}
	}
	if len(rest) > 0 && rest[0].ident && (rest[0].quoted || !afterFrom[rest[0].text]) {
		qualifiers = map[string]bool{rest[0].text: true} // an alias hides the table's name
		rest = rest[1:]
	}
	if len(rest) > 0 && !(rest[0].ident && !rest[0].quoted && afterFrom[rest[0].text]) {
		return nil, false // a join, a comma, TABLESAMPLE, …
	}

	for _, item := range items {
		switch {
		case len(item) == 1 && item[0].text == "*",
			len(item) == 3 && item[0].ident && qualifiers[item[0].text] && item[1].text == "." && item[2].text == "*":
			if len(items) != 1 {
				return nil, false // * beside other items: leave it to the server
			}
			sel.Star = true
			continue
		}
		col, ok := plainColumn(item, qualifiers)
		if ok {
			sel.Columns = append(sel.Columns, col)
		}
	}
	return sel, true
}

// plainColumn reads "col", "t.col", either followed by "[AS] alias".
func plainColumn(item []sqlWord, qualifiers map[string]bool) (selectColumn, bool) {
	ref := item
	alias := ""
	switch n := len(item); {
	case n >= 3 && item[n-2].is("as") && item[n-1].ident:
		ref, alias = item[:n-2], item[n-1].text
	case n == 2 && item[0].ident && item[1].ident, n == 4 && item[2].ident && item[3].ident && item[1].text == ".":
		ref, alias = item[:n-1], item[n-1].text
	}
	var col string
	switch {
	case len(ref) == 1 && ref[0].ident:
		col = ref[0].text
	case len(ref) == 3 && ref[0].ident && qualifiers[ref[0].text] && ref[1].text == "." && ref[2].ident:
		col = ref[2].text
	default:
		return selectColumn{}, false
	}
	switch last := ref[len(ref)-1]; {
	case last.quoted:
	case col == "true", col == "false", col == "null", col == "current_date", col == "current_timestamp", col == "current_time",
		col == "localtime", col == "localtimestamp", col == "current_user", col == "session_user", col == "user":
		return selectColumn{}, false // a value, not a column
	}
	if alias == "" {
		alias = col
	}
	return selectColumn{Name: alias, Column: col}, true
}
