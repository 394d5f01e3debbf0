package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// maxJSONBody is the largest JSON request body accepted; larger is 413.
const maxJSONBody = 1 << 20

// decodeJSON reads the request body as one JSON value into v. Malformed JSON is 400, a value
// of the wrong type is 422 naming the field, and a body over 1 MiB is 413.
func decodeJSON(c echo.Context, v any) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	return unmarshalStrict(body, v)
}

// readJSONBody reads the request body, up to 1 MiB (413 beyond).
func readJSONBody(c echo.Context) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody))
}

func unmarshalStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return badRequest("the request body holds more than one JSON value", nil)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the request body holds more than one JSON value", nil)
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			return badRequest("the request body has the wrong shape: expected "+describeType(typeErr.Type), err)
		}
		return invalid(portfolio.Fields{field: "must be " + describeType(typeErr.Type)})
	}
	if errors.Is(err, io.EOF) {
		return badRequest("the request body is empty", err)
	}
	return badRequest("the request body is not valid JSON: "+err.Error(), err)
}

var (
	dateType    = reflect.TypeOf(portfolio.Date(0))
	decimalType = reflect.TypeOf(jsonDecimal(""))
)

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		return "a date YYYY-MM-DD"
	case t == decimalType:
		return "a decimal number such as \"1234.50\""
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of another type"
}

// jsonDecimal is a money value as sent: a JSON string or number, kept as its literal text so
// that it is parsed exactly (never through a float).
type jsonDecimal string

func (d *jsonDecimal) UnmarshalJSON(b []byte) error {
	if s, ok := plainString(b); ok {
		*d = jsonDecimal(s)
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = jsonDecimal(s)
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		*d = jsonDecimal(b)
		return nil
	}
	return &json.UnmarshalTypeError{Value: string(b), Type: decimalType}
}

// plainString returns the text of a JSON string that holds only printable ASCII without
// escapes — what it decodes to is then its bytes — sparing a second pass of the decoder.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	for _, c := range b[1 : len(b)-1] {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x7f {
			return "", false
		}
	}
	return string(b[1 : len(b)-1]), true
}

// parse parses the literal, recording a problem under field.
func (d jsonDecimal) parse(f portfolio.Fields, field string) decimal.Decimal {
	v, err := portfolio.ParseAmount(string(d))
	if err != nil {
		f.Add(field, err.Error())
	}
	return v
}

// optional is a PATCH field: Set when the key was sent, Null when it was sent as null.
type optional[T any] struct {
	Set, Null bool
	V         T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// value returns the sent value, recording a problem when a required field was sent as null.
func (o optional[T]) value(f portfolio.Fields, field string) (T, bool) {
	if o.Null {
		f.Add(field, "must not be null")
		return o.V, false
	}
	return o.V, o.Set
}

// pathID reads a numeric id from the path; anything else cannot name a record, so it is 404.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// queryDate reads an optional YYYY-MM-DD query parameter.
func queryDate(c echo.Context, f portfolio.Fields, name string) *portfolio.Date {
	s := c.QueryParam(name)
	if s == "" {
		return nil
	}
	d, err := portfolio.ParseDate(s)
	if err != nil {
		f.Add(name, err.Error())
		return nil
	}
	return &d
}

// queryInt reads an optional whole-number query parameter within [lo, hi].
func queryInt(c echo.Context, f portfolio.Fields, name string, lo, hi int64) int64 {
	s := c.QueryParam(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		f.Add(name, "must be a whole number from "+strconv.FormatInt(lo, 10)+" to "+strconv.FormatInt(hi, 10))
		return 0
	}
	return n
}
