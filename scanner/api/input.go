package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dbaudit/dbaudit/scanner/sitemap"
)

// maxBody bounds request bodies; a 100-domain batch is a few kilobytes.
const maxBody = 1 << 20

// fieldError is a 400 about one field.
type fieldError struct {
	field string
	msg   string
}

// decodeJSON reads one JSON object into dst, answering 400 (or 413) with an
// error that names the offending field when it cannot.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	// The headers had readHeaderTimeout; the body gets its own bound.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyReadTimeout))
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("request body is larger than %d bytes", maxBody))
		} else {
			writeError(w, http.StatusBadRequest, "", "reading the request body: "+err.Error())
		}
		return false
	}
	// encoding/json lets the last of two equal keys win (matching keys
	// case-insensitively); a front end that takes the first would see
	// another request, so duplicates are refused.
	if key, dup := duplicateKey(data); dup {
		writeError(w, http.StatusBadRequest, key, fmt.Sprintf("duplicate key %q in the request body (keys match case-insensitively)", key))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			writeError(w, http.StatusBadRequest, "", "request body must hold one JSON object and nothing after it")
			return false
		}
		return true
	}
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, "", "request body is empty: send a JSON object")
	case errors.As(err, &syntaxErr):
		writeError(w, http.StatusBadRequest, "", fmt.Sprintf("request body is not valid JSON: %s (at byte %d)", syntaxErr, syntaxErr.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		writeError(w, http.StatusBadRequest, "", "request body is not valid JSON: it ends early")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			writeError(w, http.StatusBadRequest, "", "request body must be a JSON object, not "+typeErr.Value)
			return false
		}
		writeError(w, http.StatusBadRequest, typeErr.Field,
			fmt.Sprintf("%s must be %s, not %s", typeErr.Field, describeType(typeErr.Type.String()), typeErr.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		writeError(w, http.StatusBadRequest, name, fmt.Sprintf("unknown field %q", name))
	default:
		writeError(w, http.StatusBadRequest, "", "request body is not valid: "+err.Error())
	}
	return false
}

// jsonObject is an object duplicateKey is inside.
type jsonObject struct {
	keys    map[string]bool
	wantKey bool // the next token is a key or the closing brace
}

// duplicateKey reports the first key that repeats an earlier key of the
// same object, compared as encoding/json matches keys to fields. Malformed
// JSON is left to the decoder to report.
func duplicateKey(data []byte) (string, bool) {
	var stack []*jsonObject // nil entries are arrays
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if n := len(stack); n > 0 && stack[n-1] != nil && stack[n-1].wantKey {
			top := stack[n-1]
			key, ok := tok.(string)
			if !ok { // the closing brace
				stack = valueDone(stack[:n-1])
				continue
			}
			folded := foldKey(key)
			if top.keys[folded] {
				return key, true
			}
			top.keys[folded] = true
			top.wantKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &jsonObject{keys: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, nil)
		case json.Delim(']'):
			stack = valueDone(stack[:len(stack)-1])
		default:
			stack = valueDone(stack)
		}
	}
}

// valueDone notes that a value inside the innermost container ended: an
// object expects a key next.
func valueDone(stack []*jsonObject) []*jsonObject {
	if n := len(stack); n > 0 && stack[n-1] != nil {
		stack[n-1].wantKey = true
	}
	return stack
}

// foldKey folds a key the way encoding/json compares keys with field names
// (its foldName: each rune upper-cased after lower-casing).
func foldKey(key string) string {
	var b strings.Builder
	for _, r := range key {
		b.WriteRune(unicode.ToUpper(unicode.ToLower(r)))
	}
	return b.String()
}

func describeType(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "int", "int32", "int64":
		return "an integer"
	case "string":
		return "a string"
	case "[]string":
		return "a list of strings"
	}
	return "of type " + goType
}

// target is a validated scan target.
type target struct {
	baseURL string // scheme://host[:port]: robots.txt and sitemaps live at the root
	host    string // lower-case host[:port], the domain's key
}

// parseTarget validates a base URL (or, when bare is true, also a bare
// domain such as "example.com", scanned over https).
func (s *Server) parseTarget(field, raw string, bare bool) (target, *fieldError) {
	bad := func(format string, args ...any) (target, *fieldError) {
		return target{}, &fieldError{field: field, msg: field + " " + fmt.Sprintf(format, args...)}
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return bad("is required")
	}
	if len(raw) > sitemap.MaxLocLength {
		return bad("is longer than %d characters", sitemap.MaxLocLength)
	}
	if bare && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("is not a valid URL: %v", errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("must be an http:// or https:// URL")
	}
	if u.User != nil {
		return bad("must not contain credentials")
	}
	hostname := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if hostname == "" {
		return bad("has no host")
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return bad("has an invalid port %q: a port is 1 to 65535", port)
		}
		port = strconv.Itoa(n)
	}
	if ip, err := netip.ParseAddr(hostname); err == nil {
		if reason := sitemap.BlockedReason(ip); reason != "" && !s.cfg.AllowPrivate {
			return bad("refers to a %s address, which the scanner refuses (set SCANNER_ALLOW_PRIVATE=true to allow it)", reason)
		}
	} else if numericHost(hostname) {
		return bad("has the host name %q, which resolvers read as an IPv4 address (inet_aton forms such as 2130706433, 0x7f000001 or 127.1); write the address in dotted-decimal form", hostname)
	} else if !validHostname(hostname) {
		return bad("has an invalid host name %q", hostname)
	} else if !s.cfg.AllowPrivate && (hostname == "localhost" || strings.HasSuffix(hostname, ".localhost")) {
		return bad("refers to localhost, which the scanner refuses (set SCANNER_ALLOW_PRIVATE=true to allow it)")
	}
	host := hostname
	if strings.Contains(hostname, ":") {
		host = "[" + hostname + "]"
	}
	if port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host = net.JoinHostPort(hostname, port)
	}
	return target{baseURL: u.Scheme + "://" + host, host: host}, nil
}

// numericHost reports whether a resolver or URL parser would read h as an
// IPv4 address rather than a name: its last label is a decimal number or
// 0x-hex (the WHATWG URL "ends in a number" rule, which covers inet_aton's
// forms 2130706433, 0x7f000001, 0177.0.0.1 and 127.1). No top-level domain
// is numeric.
func numericHost(h string) bool {
	last := h[strings.LastIndexByte(h, '.')+1:]
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// validHostname accepts DNS names: dot-separated labels of letters, digits,
// hyphens and underscores (seen in the wild), each 1–63 long.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c > 127) {
				return false
			}
		}
	}
	return true
}

func (s *Server) maxPages(v *int) (int32, *fieldError) {
	if v == nil {
		return int32(s.cfg.DefaultMaxPages), nil
	}
	if *v < 1 || *v > s.cfg.MaxPagesLimit {
		return 0, &fieldError{field: "max_pages", msg: fmt.Sprintf("max_pages must be from 1 to %d", s.cfg.MaxPagesLimit)}
	}
	return int32(*v), nil
}
