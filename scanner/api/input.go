package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

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
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
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
		tooBig    *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("request body is larger than %d bytes", maxBody))
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
	if ip, err := netip.ParseAddr(hostname); err == nil {
		if reason := sitemap.BlockedReason(ip); reason != "" && !s.cfg.AllowPrivate {
			return bad("refers to a %s address, which the scanner refuses (set SCANNER_ALLOW_PRIVATE=true to allow it)", reason)
		}
	} else if !validHostname(hostname) {
		return bad("has an invalid host name %q", hostname)
	} else if !s.cfg.AllowPrivate && (hostname == "localhost" || strings.HasSuffix(hostname, ".localhost")) {
		return bad("refers to localhost, which the scanner refuses (set SCANNER_ALLOW_PRIVATE=true to allow it)")
	}
	host := hostname
	if strings.Contains(hostname, ":") {
		host = "[" + hostname + "]"
	}
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host = net.JoinHostPort(hostname, port)
	}
	return target{baseURL: u.Scheme + "://" + host, host: host}, nil
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
